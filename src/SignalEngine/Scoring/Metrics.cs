namespace SignalEngine.Scoring;

/// <summary>Classification metrics on predicted probabilities; every function ignores nothing and clamps only logs.</summary>
public static class Metrics
{
    private const double Epsilon = 1e-12;

    /// <summary>Mean negative log-likelihood of binary outcomes.</summary>
    public static double LogLoss(IReadOnlyList<double> probability, IReadOnlyList<bool> outcome)
    {
        Require(probability.Count, outcome.Count);
        var sum = 0.0;
        for (var i = 0; i < probability.Count; i++)
        {
            var p = Math.Clamp(probability[i], Epsilon, 1 - Epsilon);
            sum -= outcome[i] ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / probability.Count;
    }

    /// <summary>Mean squared error of binary probabilities.</summary>
    public static double Brier(IReadOnlyList<double> probability, IReadOnlyList<bool> outcome)
    {
        Require(probability.Count, outcome.Count);
        var sum = 0.0;
        for (var i = 0; i < probability.Count; i++)
        {
            var d = probability[i] - (outcome[i] ? 1 : 0);
            sum += d * d;
        }
        return sum / probability.Count;
    }

    /// <summary>Share of predicted positives that are positive; NaN when nothing was predicted positive.</summary>
    public static double Precision(IReadOnlyList<bool> predicted, IReadOnlyList<bool> outcome)
    {
        Require(predicted.Count, outcome.Count);
        int tp = 0, pp = 0;
        for (var i = 0; i < predicted.Count; i++)
        {
            if (!predicted[i]) continue;
            pp++;
            if (outcome[i]) tp++;
        }
        return pp == 0 ? double.NaN : (double)tp / pp;
    }

    public static double Rate(IReadOnlyList<bool> values) =>
        values.Count == 0 ? double.NaN : values.Count(v => v) / (double)values.Count;

    /// <summary>Area under the ROC curve (Mann-Whitney, ties counted half); NaN with a single class.</summary>
    public static double Auc(IReadOnlyList<double> score, IReadOnlyList<bool> outcome)
    {
        Require(score.Count, outcome.Count);
        var order = Enumerable.Range(0, score.Count).OrderBy(i => score[i]).ToArray();
        var ranks = new double[score.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && score[order[j + 1]] == score[order[i]]) j++;
            var rank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        long positives = outcome.Count(o => o), negatives = outcome.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        var rankSum = 0.0;
        for (var i = 0; i < ranks.Length; i++) if (outcome[i]) rankSum += ranks[i];
        return (rankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }

    private static void Require(int a, int b)
    {
        if (a != b) throw new ArgumentException($"length mismatch: {a} predictions, {b} outcomes");
        if (a == 0) throw new ArgumentException("no predictions");
    }
}
