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
    IMetaLearner MetaLearner)
{
    /// <summary>Where the vol_regime feature is (stage 3's regime when a client sends none), or -1.</summary>
    public int VolatilityRegimeIndex { get; } = Schema.IndexOf(FeatureBuilder.VolatilityRegime);

    /// <summary>Where the volume z-score is (stage 3's liquidity when a client sends none), or -1 without volume.</summary>
    public int VolumeZIndex { get; } = Schema.Names.ToList().FindIndex(n => n.StartsWith("volume_z_", StringComparison.Ordinal));

    /// <summary>The context the client sent, completed from the features: vol_regime (else normal) and the volume z-score (else 0).</summary>
    public ItemContext ContextOf(SignalInput item) => new(
        item.Context?.Regime ?? (VolatilityRegimeIndex >= 0 && double.IsFinite(item.Features[VolatilityRegimeIndex])
            ? FeatureBuilder.RegimeOf(item.Features[VolatilityRegimeIndex])
            : MarketRegime.Normal),
        item.Context?.Liquidity ?? (VolumeZIndex >= 0 ? item.Features[VolumeZIndex] : 0.0));

    /// <summary>Stages 1 and 2 over validated items (no explanations).</summary>
    public IReadOnlyList<CandidateScore> Score(IReadOnlyList<SignalInput> items) => StageComposer.Score(
        TreeFilter, SequenceRefiners, items.Select(i => i.Features).ToArray(), items.Select(i => i.Window(WindowLength)).ToArray());

    /// <summary>The decisions for validated items, without explanations (shadow evaluation needs no attributions).</summary>
    public IReadOnlyList<MetaDecision> Decide(IReadOnlyList<SignalInput> items) =>
        StageComposer.Decide(MetaLearner, Score(items), items.Select(ContextOf).ToArray());
}
