using SignalEngine.Scoring;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Explanations;

/// <summary>
/// Global importance of a stage-1 tree filter's features, three ways: mean |TreeSHAP| of the combined score over
/// the rows, the ensembles' split gain shares, and permutation importance (Breiman): the rise of the log loss of
/// p(actionable) when one column is shuffled across the rows, which breaks its link to the label and to the
/// other features while keeping its distribution.
/// </summary>
public static class GlobalImportance
{
    public const int DefaultRepeats = 3;

    /// <param name="rows">Labelled rows in the filter's schema order; held-out rows make the permutation measure honest.</param>
    /// <param name="actionable">Whether each row was BUY or SELL.</param>
    /// <param name="data">What the rows are, reported as given.</param>
    /// <param name="repeats">Shuffles per feature.</param>
    /// <param name="seed">Seed of the shuffles: the same inputs give the same result.</param>
    public static ModelImportance Measure(
        ITreeFilter filter, IReadOnlyList<double[]> rows, IReadOnlyList<bool> actionable, string data,
        int repeats = DefaultRepeats, int seed = 0)
    {
        if (rows.Count == 0) throw new ArgumentException("no rows to measure importance on", nameof(rows));
        if (rows.Count != actionable.Count) throw new ArgumentException($"{rows.Count} rows but {actionable.Count} labels", nameof(actionable));
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "at least one shuffle per feature");

        var splitGain = filter.SplitGainImportance();
        var featureCount = splitGain.Count;
        var meanAbsoluteShap = MeanAbsoluteShap(filter, rows, featureCount);
        var gainTotal = splitGain.Sum(g => g.Importance);
        var (logLoss, permutation) = Permutation(filter, rows, actionable, featureCount, repeats, seed);

        var features = Enumerable.Range(0, featureCount)
            .Select(j => new FeatureImportanceMeasures(
                splitGain[j].Feature, meanAbsoluteShap[j], gainTotal > 0 ? splitGain[j].Importance / gainTotal : 0, permutation[j]))
            .OrderByDescending(f => f.MeanAbsoluteShap)
            .ThenBy(f => f.Feature, StringComparer.Ordinal)
            .ToArray();
        return new ModelImportance(filter.Model, data, rows.Count, repeats, seed, logLoss, features);
    }

    private static double[] MeanAbsoluteShap(ITreeFilter filter, IReadOnlyList<double[]> rows, int featureCount)
    {
        var sums = new double[featureCount];
        foreach (var row in rows)
        {
            var contributions = filter.Explain(row).Contributions;
            for (var j = 0; j < featureCount; j++) sums[j] += Math.Abs(contributions[j].Contribution);
        }
        return sums.Select(s => s / rows.Count).ToArray();
    }

    private static (double LogLoss, double[] Increase) Permutation(
        ITreeFilter filter, IReadOnlyList<double[]> rows, IReadOnlyList<bool> actionable, int featureCount, int repeats, int seed)
    {
        var probabilities = rows.Select(row => filter.Evaluate(row).ProbabilityActionable).ToArray();
        var reference = Metrics.LogLoss(probabilities, actionable);
        var random = new Random(seed);
        var increase = new double[featureCount];
        var order = new int[rows.Count];
        var shuffled = new double[featureCount];
        for (var j = 0; j < featureCount; j++)
        {
            for (var r = 0; r < repeats; r++)
            {
                for (var i = 0; i < order.Length; i++) order[i] = i;
                random.Shuffle(order);
                for (var i = 0; i < rows.Count; i++)
                {
                    rows[i].CopyTo(shuffled, 0);
                    shuffled[j] = rows[order[i]][j];
                    probabilities[i] = filter.Evaluate(shuffled).ProbabilityActionable;
                }
                increase[j] += (Metrics.LogLoss(probabilities, actionable) - reference) / repeats;
            }
        }
        return (reference, increase);
    }
}
