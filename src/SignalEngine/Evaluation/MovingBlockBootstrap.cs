namespace SignalEngine.Evaluation;

/// <summary>
/// The moving-block bootstrap (Künsch 1989) of a statistic of per-bar sums. Neighbouring bars are correlated
/// (overlapping label horizons, volatility clusters), and resampling single bars would make an interval too narrow;
/// resampling blocks of consecutive bars keeps that dependence within each block. Every column is resampled with the
/// same blocks, so a statistic that compares two of them (a model against a reference) has the interval of their
/// difference, not of two separate noises.
/// </summary>
internal static class MovingBlockBootstrap
{
    /// <summary>round(sqrt(n)), a common rule for moderate dependence, within [1, n].</summary>
    public static int DefaultBlock(int n) => Math.Clamp((int)Math.Round(Math.Sqrt(n)), 1, n);

    /// <summary>
    /// The equal-tailed interval at <paramref name="level"/> of the statistic over <paramref name="replicates"/>
    /// resamples of the columns' sums: blocks of consecutive bars drawn with replacement until as many bars as the
    /// data's are taken. Resamples where the statistic is not finite are left out; NaN bounds when none is. System.Random
    /// with a seed is reproducible on one runtime, which is what a report needs.
    /// </summary>
    /// <param name="columns">Per-bar values, all of one length, in time order.</param>
    /// <param name="blockLength">Bars per block; null takes <see cref="DefaultBlock"/>.</param>
    public static (double Lower, double Upper, int BlockLength) Interval(
        IReadOnlyList<double[]> columns, int? blockLength, int replicates, double level, int seed, Func<double[], double> statistic)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicates, 1);
        if (!(level is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "the level lies in (0, 1)");
        var n = columns[0].Length;
        var block = Math.Clamp(blockLength ?? DefaultBlock(n), 1, n);
        var random = new Random(seed);
        var results = new List<double>(replicates);
        var sums = new double[columns.Count];
        for (var b = 0; b < replicates; b++)
        {
            Array.Clear(sums);
            for (var taken = 0; taken < n;)
            {
                var start = random.Next(n - block + 1);
                for (var k = 0; k < block && taken < n; k++, taken++)
                {
                    for (var c = 0; c < sums.Length; c++) sums[c] += columns[c][start + k];
                }
            }
            if (statistic(sums) is var value && double.IsFinite(value)) results.Add(value);
        }
        if (results.Count == 0) return (double.NaN, double.NaN, block);
        var sorted = results.Order().ToArray();
        var tail = (1 - level) / 2;
        return (Quantile(sorted, tail), Quantile(sorted, 1 - tail), block);
    }

    /// <summary>Linear interpolation between order statistics (Hyndman and Fan type 7) of sorted values.</summary>
    private static double Quantile(double[] sorted, double level)
    {
        var position = level * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
