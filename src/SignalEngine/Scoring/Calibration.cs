using SignalEngine.Numerics;
namespace SignalEngine.Scoring;

/// <summary>One bin of a reliability diagram: mean stated confidence against the observed frequency.</summary>
public sealed record ReliabilityBin(int Count, double MeanConfidence, double ObservedFrequency);

/// <summary>ECE and the reliability bins it was computed from: per bin the count, the mean confidence and the accuracy.</summary>
public sealed record CalibrationSummary(double ExpectedCalibrationError, IReadOnlyList<ReliabilityBin> Bins);

/// <summary>Calibration of stated confidences against outcomes, with equal-mass bins.</summary>
public static class Calibration
{
    public const int DefaultBins = 10;

    /// <summary>
    /// Equal-mass bins: the predictions sorted by confidence and cut into <paramref name="bins"/> groups of (almost)
    /// equal size, so every bin holds enough predictions to estimate its frequency.
    /// </summary>
    public static IReadOnlyList<ReliabilityBin> Bins(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct, int bins = DefaultBins)
    {
        if (confidence.Count != correct.Count) throw new ArgumentException($"length mismatch: {confidence.Count} confidences, {correct.Count} outcomes");
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var order = Enumerable.Range(0, confidence.Count).OrderBy(i => confidence[i]).ToArray();
        return [.. BinSums(confidence, order, Math.Min(bins, order.Length), correct).Select(b => new ReliabilityBin(b.Count, b.Confidence / b.Count, b.Hits / b.Count))];
    }

    /// <summary>Per equal-mass bin of the predictions in <paramref name="order"/>: its size, summed confidence and hits.</summary>
    private static IEnumerable<(int Count, double Confidence, double Hits)> BinSums(IReadOnlyList<double> confidence, int[] order, int count, IReadOnlyList<bool> hit)
    {
        for (var b = 0; b < count; b++)
        {
            var from = (int)((long)order.Length * b / count);
            var to = (int)((long)order.Length * (b + 1) / count);
            double sumConfidence = 0, hits = 0;
            for (var k = from; k < to; k++)
            {
                sumConfidence += confidence[order[k]];
                if (hit[order[k]]) hits++;
            }
            yield return (to - from, sumConfidence, hits);
        }
    }

    /// <summary>Expected calibration error: the count-weighted mean |confidence - frequency| over equal-mass bins.</summary>
    public static double ExpectedCalibrationError(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct, int bins = DefaultBins) =>
        Summarise(confidence, correct, bins).ExpectedCalibrationError;

    /// <summary>
    /// What ECE a perfectly calibrated forecast with these confidences would show by chance: outcomes drawn
    /// independently with each prediction's stated confidence, binned as <see cref="Bins"/> bins them (the bins depend
    /// on the confidences only), <paramref name="replicates"/> times. Returns the mean and the 90th percentile. With few
    /// predictions per bin this floor is far from 0 (about 0.02 for 4,000 predictions in 10 bins); outcomes that are
    /// serially correlated, as overlapping labels are, raise it further. An ECE near the floor cannot be told from
    /// noise; one well above it is miscalibration.
    /// </summary>
    public static (double Mean, double P90) CalibratedReference(IReadOnlyList<double> confidence, int bins = DefaultBins, int replicates = 200, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicates, 1);
        if (confidence.Count == 0) return (double.NaN, double.NaN);
        var order = Enumerable.Range(0, confidence.Count).OrderBy(i => confidence[i]).ToArray();
        var count = Math.Min(bins, order.Length);
        var random = new Random(seed);
        var hit = new bool[confidence.Count];
        var eces = new double[replicates];
        for (var r = 0; r < replicates; r++)
        {
            // Drawn in the bins' order, one uniform a prediction.
            foreach (var i in order) hit[i] = random.NextDouble() < confidence[i];
            eces[r] = BinnedEce(confidence, order, count, hit);
        }
        return MeanAndP90(eces);
    }

    /// <summary>
    /// <see cref="CalibratedReference(IReadOnlyList{double}, int, int, int)"/> with outcomes that are serially correlated
    /// within each series as overlapping labels are: each prediction's outcome is still drawn with its stated
    /// confidence, but through a Gaussian copula whose latent value follows an AR(1) along the series' predictions
    /// (given in time order), its coefficient ρ = (1 − ū) / (1 + ū) chosen so that n latent values carry as much as n·ū
    /// independent ones, ū the labels' average uniqueness (AFML 4.4); the outcomes themselves, thresholded, correlate a
    /// little less than their latent values, so this is still on the low side. With ū = 1 it is the independent
    /// reference (in distribution).
    /// </summary>
    /// <param name="series">Per prediction, the series it belongs to; predictions of one series are in time order.</param>
    public static (double Mean, double P90) CalibratedReference(
        IReadOnlyList<double> confidence, IReadOnlyList<int> series, double uniqueness, int bins = DefaultBins, int replicates = 200, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicates, 1);
        if (series.Count != confidence.Count) throw new ArgumentException($"{series.Count} series for {confidence.Count} confidences", nameof(series));
        if (!(uniqueness is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(uniqueness), uniqueness, "a uniqueness lies in (0, 1]");
        if (confidence.Count == 0) return (double.NaN, double.NaN);
        var rho = (1 - uniqueness) / (1 + uniqueness);
        var innovation = Math.Sqrt(1 - rho * rho);
        var order = Enumerable.Range(0, confidence.Count).OrderBy(i => confidence[i]).ToArray();
        var count = Math.Min(bins, order.Length);
        var normals = new StandardNormalSource((ulong)seed);
        var hit = new bool[confidence.Count];
        var latest = new Dictionary<int, double>();
        var eces = new double[replicates];
        for (var r = 0; r < replicates; r++)
        {
            latest.Clear();
            for (var i = 0; i < confidence.Count; i++)
            {
                var z = latest.TryGetValue(series[i], out var previous) ? rho * previous + innovation * normals.Next() : normals.Next();
                latest[series[i]] = z;
                hit[i] = StandardNormal.Cdf(z) < confidence[i];
            }
            eces[r] = BinnedEce(confidence, order, count, hit);
        }
        return MeanAndP90(eces);
    }

    private static double BinnedEce(IReadOnlyList<double> confidence, int[] order, int count, bool[] hit) =>
        BinSums(confidence, order, count, hit).Sum(b => Math.Abs(b.Confidence - b.Hits)) / order.Length;

    private static (double Mean, double P90) MeanAndP90(double[] eces)
    {
        Array.Sort(eces);
        return (eces.Average(), eces[(int)Math.Min(eces.Length - 1, Math.Ceiling(0.9 * eces.Length) - 1)]);
    }

    /// <summary>The ECE with the bins behind it, so a report can show where the calibration is lost.</summary>
    public static CalibrationSummary Summarise(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct, int bins = DefaultBins)
    {
        var reliability = Bins(confidence, correct, bins);
        var total = reliability.Sum(b => b.Count);
        var ece = total == 0 ? double.NaN : reliability.Sum(b => b.Count * Math.Abs(b.MeanConfidence - b.ObservedFrequency)) / total;
        return new CalibrationSummary(ece, reliability);
    }
}
