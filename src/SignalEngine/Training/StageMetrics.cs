using SignalEngine.Bundle;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Scoring;

namespace SignalEngine.Training;

/// <summary>The out-of-sample figures a bundle manifest records for each stage and for the whole pipeline.</summary>
public static class StageMetrics
{
    /// <summary>Stage 1 as a classifier of actionable (BUY or SELL) versus HOLD.</summary>
    public static TreeFilterMetrics TreeFilter(IReadOnlyList<CandidateScore> scores, IReadOnlyList<SignalAction> labels)
    {
        var p = scores.Select(s => s.Tree.ProbabilityActionable).ToArray();
        var actionable = labels.Select(l => l != SignalAction.Hold).ToArray();
        var passed = scores.Select(s => s.Tree.Passed).ToArray();
        return new TreeFilterMetrics(
            LogLoss: Metrics.LogLoss(p, actionable),
            Brier: Metrics.Brier(p, actionable),
            Auc: Metrics.Auc(p, actionable),
            BaseRateActionable: Metrics.Rate(actionable),
            PassRate: Metrics.Rate(passed),
            PrecisionOfPassed: Metrics.Precision(passed, actionable));
    }

    /// <summary>One stage-2 model as a classifier of BUY versus SELL on the actionable items it scored.</summary>
    public static RefinerMetrics Refiner(IReadOnlyList<CandidateScore> scores, IReadOnlyList<SignalAction> labels, int model)
    {
        var p = new List<double>();
        var up = new List<bool>();
        for (var i = 0; i < scores.Count; i++)
        {
            if (labels[i] == SignalAction.Hold || scores[i].Sequence[model].ProbabilityUp is not { } q) continue;
            p.Add(q);
            up.Add(labels[i] == SignalAction.Buy);
        }
        if (p.Count == 0) return new RefinerMetrics(0, double.NaN, double.NaN, double.NaN, double.NaN);
        return new RefinerMetrics(
            Scored: p.Count,
            LogLoss: Metrics.LogLoss(p, up),
            Accuracy: p.Zip(up).Count(x => x.First >= 0.5 == x.Second) / (double)p.Count,
            BaseRateUp: Metrics.Rate(up),
            Auc: Metrics.Auc(p, up));
    }

    /// <summary>
    /// The full pipeline's decisions against the triple-barrier labels, next to <paramref name="baseRateLogLoss"/>: the
    /// log loss of the base rates the same bars would have been forecast with (NaN when not known).
    /// </summary>
    public static PipelineMetrics Pipeline(IReadOnlyList<MetaDecision> decisions, IReadOnlyList<SignalAction> labels, double baseRateLogLoss = double.NaN)
    {
        if (decisions.Count == 0) return new PipelineMetrics(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, baseRateLogLoss, double.NaN);
        bool[] Is(IEnumerable<SignalAction> xs, SignalAction a) => xs.Select(x => x == a).ToArray();
        var actions = decisions.Select(d => d.Action).ToArray();
        var multiclassLogLoss = decisions.Zip(labels).Average(x => -Math.Log(Math.Max(1e-12, x.First.Probabilities.Of(x.Second))));
        var brier = decisions.Zip(labels).Average(x =>
            Square(x.First.Probabilities.Buy - (x.Second == SignalAction.Buy ? 1 : 0)) +
            Square(x.First.Probabilities.Sell - (x.Second == SignalAction.Sell ? 1 : 0)) +
            Square(x.First.Probabilities.Hold - (x.Second == SignalAction.Hold ? 1 : 0)));
        return new PipelineMetrics(
            Scored: decisions.Count,
            Coverage: actions.Count(a => a != SignalAction.Hold) / (double)actions.Length,
            PrecisionBuy: Metrics.Precision(Is(actions, SignalAction.Buy), Is(labels, SignalAction.Buy)),
            PrecisionSell: Metrics.Precision(Is(actions, SignalAction.Sell), Is(labels, SignalAction.Sell)),
            BaseRateBuy: Metrics.Rate(Is(labels, SignalAction.Buy)),
            BaseRateSell: Metrics.Rate(Is(labels, SignalAction.Sell)),
            LogLoss: multiclassLogLoss,
            Brier: brier,
            BaseRateLogLoss: baseRateLogLoss,
            LogLossSkill: 1 - multiclassLogLoss / baseRateLogLoss);
    }

    private static double Square(double x) => x * x;
}
