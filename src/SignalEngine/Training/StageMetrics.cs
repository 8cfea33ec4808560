using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Scoring;
using SignalEngine.Stages.MetaLearner;

namespace SignalEngine.Training;

/// <summary>The out-of-sample figures a bundle manifest records for each stage and for the whole pipeline.</summary>
public static class StageMetrics
{
    /// <summary>Stage 1 as a classifier of actionable (BUY or SELL) versus HOLD.</summary>
    public static IReadOnlyDictionary<string, double> TreeFilter(IReadOnlyList<CandidateScore> scores, IReadOnlyList<SignalAction> labels)
    {
        var p = scores.Select(s => s.Tree.ProbabilityActionable).ToArray();
        var actionable = labels.Select(l => l != SignalAction.Hold).ToArray();
        var passed = scores.Select(s => s.Tree.Passed).ToArray();
        return new Dictionary<string, double>
        {
            ["logLoss"] = Metrics.LogLoss(p, actionable),
            ["brier"] = Metrics.Brier(p, actionable),
            ["auc"] = Metrics.Auc(p, actionable),
            ["baseRateActionable"] = Metrics.Rate(actionable),
            ["passRate"] = Metrics.Rate(passed),
            ["precisionOfPassed"] = Metrics.Precision(passed, actionable),
        };
    }

    /// <summary>One stage-2 model as a classifier of BUY versus SELL on the actionable items it scored.</summary>
    public static IReadOnlyDictionary<string, double> Refiner(IReadOnlyList<CandidateScore> scores, IReadOnlyList<SignalAction> labels, int model)
    {
        var p = new List<double>();
        var up = new List<bool>();
        for (var i = 0; i < scores.Count; i++)
        {
            if (labels[i] == SignalAction.Hold || scores[i].Sequence[model].ProbabilityUp is not { } q) continue;
            p.Add(q);
            up.Add(labels[i] == SignalAction.Buy);
        }
        if (p.Count == 0) return new Dictionary<string, double> { ["scored"] = 0 };
        return new Dictionary<string, double>
        {
            ["scored"] = p.Count,
            ["logLoss"] = Metrics.LogLoss(p, up),
            ["accuracy"] = p.Zip(up).Count(x => x.First >= 0.5 == x.Second) / (double)p.Count,
            ["baseRateUp"] = Metrics.Rate(up),
            ["auc"] = Metrics.Auc(p, up),
        };
    }

    /// <summary>The full pipeline's decisions against the triple-barrier labels.</summary>
    public static IReadOnlyDictionary<string, double> Pipeline(IReadOnlyList<MetaDecision> decisions, IReadOnlyList<SignalAction> labels)
    {
        if (decisions.Count == 0) return new Dictionary<string, double> { ["scored"] = 0 };
        bool[] Is(IEnumerable<SignalAction> xs, SignalAction a) => xs.Select(x => x == a).ToArray();
        var actions = decisions.Select(d => d.Action).ToArray();
        var multiclassLogLoss = decisions.Zip(labels).Average(x => -Math.Log(Math.Max(1e-12, x.First.Probabilities.Of(x.Second))));
        var brier = decisions.Zip(labels).Average(x =>
            Square(x.First.Probabilities.Buy - (x.Second == SignalAction.Buy ? 1 : 0)) +
            Square(x.First.Probabilities.Sell - (x.Second == SignalAction.Sell ? 1 : 0)) +
            Square(x.First.Probabilities.Hold - (x.Second == SignalAction.Hold ? 1 : 0)));
        return new Dictionary<string, double>
        {
            ["scored"] = decisions.Count,
            ["coverage"] = actions.Count(a => a != SignalAction.Hold) / (double)actions.Length,
            ["precisionBuy"] = Metrics.Precision(Is(actions, SignalAction.Buy), Is(labels, SignalAction.Buy)),
            ["precisionSell"] = Metrics.Precision(Is(actions, SignalAction.Sell), Is(labels, SignalAction.Sell)),
            ["baseRateBuy"] = Metrics.Rate(Is(labels, SignalAction.Buy)),
            ["baseRateSell"] = Metrics.Rate(Is(labels, SignalAction.Sell)),
            ["logLoss"] = multiclassLogLoss,
            ["brier"] = brier,
        };
    }

    private static double Square(double x) => x * x;
}
