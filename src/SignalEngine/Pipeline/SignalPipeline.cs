using SignalEngine.Labels;

namespace SignalEngine.Pipeline;

/// <summary>
/// Runs one model version's stages over validated items and explains every signal. Stateless apart from the stages,
/// so one instance serves concurrent requests.
/// </summary>
public sealed class SignalPipeline(StageSet stages)
{
    public StageSet Stages { get; } = stages;

    /// <summary>Signals and explanations for validated items, in item order; ids are new.</summary>
    public IReadOnlyList<PipelineResult> Run(IReadOnlyList<SignalInput> items)
    {
        var windows = items.Select(i => i.Window(Stages.WindowLength)).ToArray();
        var scores = StageComposer.ScoreAndExplain(Stages.TreeFilter, Stages.SequenceRefiners, items.Select(i => i.Features).ToArray(), windows);

        // Ids drawn in item order as before; then the decisions side by side, each depending on its own item alone.
        var ids = new Guid[items.Count];
        for (var i = 0; i < ids.Length; i++) ids[i] = Guid.CreateVersion7();
        var results = new PipelineResult[items.Count];
        Parallel.For(0, items.Count, i => results[i] = Decide(ids[i], items[i], scores[i]));
        return results;
    }

    private PipelineResult Decide(Guid id, SignalInput item, ExplainedScore explained)
    {
        var score = explained.Score;
        var context = Stages.ContextOf(item);
        var meta = StageComposer.Decide(Stages.MetaLearner, score, context, Stages.Rule);

        var signal = new Signal(
            id,
            item.Instrument,
            item.Timestamp,
            meta.Action,
            meta.Confidence,
            meta.Probabilities,
            meta.Interval,
            meta.BetSize,
            meta.Reason,
            new StageOutputs(
                score.Tree,
                score.Sequence,
                new MetaStageOutput(Stages.MetaLearner.Model.Name, context.Regime, context.Liquidity, meta.Probabilities, meta.PosteriorStdDev)),
            Stages.Version);

        var explanation = new SignalExplanation(
            id,
            Stages.Version,
            explained.Tree,
            score.Tree.RulesFired,
            explained.Sequence,
            new MetaExplanation(meta.Action, meta.Contributions, meta.PosteriorStdDev, meta.Interval, MostInfluentialStage(meta), meta.Trade, meta.Sizing));
        return new PipelineResult(signal, explanation, item);
    }

    /// <summary>
    /// The stage whose inputs moved the decisive logit most: the chosen action's, or for HOLD (the reference class,
    /// logit 0) the logit of the action it was chosen over.
    /// </summary>
    private static string MostInfluentialStage(MetaDecision meta)
    {
        var action = meta.Action != SignalAction.Hold ? meta.Action
            : meta.Probabilities.Buy >= meta.Probabilities.Sell ? SignalAction.Buy : SignalAction.Sell;
        return meta.Contributions
            .Where(c => c.Input != "bias")
            .GroupBy(c => c.Input.Split('.')[0])
            .Select(g => (Stage: g.Key, Weight: Math.Abs(g.Sum(c => action == SignalAction.Buy ? c.Buy : c.Sell))))
            .OrderByDescending(g => g.Weight)
            .Select(g => g.Stage)
            .FirstOrDefault() ?? "none";
    }
}
