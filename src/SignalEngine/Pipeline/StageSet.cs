using SignalEngine.Features;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Pipeline;

/// <summary>
/// The trained stages of one model version, as the pipeline composes them: what a bundle serves, with the schema
/// columns stage 3's context is read from and the stage-2 window length.
/// </summary>
public sealed record StageSet(
    string Version,
    FeatureSchema Schema,
    int WindowLength,
    ITreeFilter TreeFilter,
    IReadOnlyList<ISequenceRefiner> SequenceRefiners,
    IMetaLearner MetaLearner,
    DecisionRule Rule)
{
    /// <summary>Where stage 3's context and the barriers' volatility are read from in this schema.</summary>
    public ContextColumns Columns { get; } = ContextColumns.For(Schema, Rule.Labels);

    /// <summary>The context the client sent, completed from the features.</summary>
    public ItemContext ContextOf(SignalInput item) => Columns.Of(item.Features, item.Context);

    /// <summary>Stages 1 and 2 over validated items (no explanations).</summary>
    public IReadOnlyList<CandidateScore> Score(IReadOnlyList<SignalInput> items) => StageComposer.Score(
        TreeFilter, SequenceRefiners, items.Select(i => i.Features).ToArray(), items.Select(i => i.Window(WindowLength)).ToArray());

    /// <summary>The decisions for validated items, without explanations (shadow evaluation needs no attributions).</summary>
    public IReadOnlyList<MetaDecision> Decide(IReadOnlyList<SignalInput> items) =>
        StageComposer.Decide(MetaLearner, Score(items), items.Select(ContextOf).ToArray(), Rule);
}
