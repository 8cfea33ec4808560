using SignalEngine.Bundle;
using SignalEngine.Features;
using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;

namespace SignalEngine.Pipeline;

/// <summary>
/// Composes the three stages of one bundle: tree filter, sequence refiners, meta-learner. Stateless apart from the
/// bundle, so one instance serves concurrent requests.
/// </summary>
public sealed class SignalPipeline(ModelBundle bundle)
{
    public ModelBundle Bundle { get; } = bundle;

    /// <summary>Signals and explanations for validated items, in item order; ids are new.</summary>
    public IReadOnlyList<PipelineResult> Run(IReadOnlyList<SignalInput> items)
    {
        var t = Bundle.Manifest.WindowLength;
        var windows = items.Select(i => WindowOf(i, t)).ToArray();
        var scores = StageScorer.Score(Bundle.TreeFilter, Bundle.SequenceRefiners, items.Select(i => i.Features).ToArray(), windows);

        var results = new PipelineResult[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            results[i] = Decide(items[i], scores[i], windows[i]);
        }
        return results;
    }

    private PipelineResult Decide(SignalInput item, CandidateScore score, double[][]? window)
    {
        var regime = RegimeOf(Bundle, item);
        var liquidity = LiquidityOf(Bundle, item);
        var metaInput = score.ToMetaInput(regime, liquidity);
        var meta = score.Tree.Passed
            ? Bundle.MetaLearner.Decide(metaInput)
            : Bundle.MetaLearner.DecideAs(metaInput, SignalAction.Hold);

        var id = Guid.CreateVersion7();
        var signal = new Signal(
            id,
            item.Instrument,
            item.Timestamp,
            meta.Action,
            meta.Confidence,
            meta.Probabilities,
            meta.Interval,
            new StageOutputs(
                score.Tree,
                score.Sequence,
                new MetaStageOutput(Bundle.MetaLearner.Model.Name, regime, liquidity, meta.Probabilities, meta.PosteriorStdDev)),
            Bundle.Version);

        var sequence = new SequenceExplanation[score.Sequence.Count];
        for (var m = 0; m < sequence.Length; m++)
        {
            var result = score.Sequence[m];
            sequence[m] = result.Abstained || window is null
                ? new SequenceExplanation(result.Model, null, result.AbstainReason)
                : new SequenceExplanation(result.Model, Bundle.SequenceRefiners[m].Attribute(window), null);
        }

        var explanation = new SignalExplanation(
            id,
            Bundle.Version,
            Bundle.TreeFilter.Explain(item.Features),
            score.Tree.RulesFired,
            sequence,
            new MetaExplanation(meta.Action, meta.Contributions, meta.PosteriorStdDev, meta.Interval, MostInfluentialStage(meta)));
        return new PipelineResult(signal, explanation, item);
    }

    /// <summary>The regime the client sent, or the one its vol_regime feature gives, or normal.</summary>
    internal static string RegimeOf(ModelBundle bundle, SignalInput item) =>
        item.Context?.Regime ?? (bundle.VolatilityRegimeIndex is var i and >= 0 && double.IsFinite(item.Features[i])
            ? FeatureBuilder.RegimeOf(item.Features[i])
            : MarketRegime.Normal);

    /// <summary>The liquidity the client sent, or its volume z-score feature, or 0 for a series without volume.</summary>
    internal static double LiquidityOf(ModelBundle bundle, SignalInput item) =>
        item.Context?.Liquidity ?? (bundle.VolumeZIndex >= 0 ? item.Features[bundle.VolumeZIndex] : 0.0);

    /// <summary>T rows ending at the item (its last T - 1 history rows, then its own), or null with too little history.</summary>
    internal static double[][]? WindowOf(SignalInput item, int windowLength)
    {
        if (item.History.Count < windowLength - 1) return null;
        var window = new double[windowLength][];
        for (var k = 0; k < windowLength - 1; k++) window[k] = item.History[item.History.Count - (windowLength - 1) + k];
        window[^1] = item.Features;
        return window;
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
