using SignalEngine.Labels;

namespace SignalEngine.Evaluation;

/// <summary>The precision of a strategy's BUY and SELL calls together, against a reference strategy's on the same bars.</summary>
/// <param name="Precision">Share of the strategy's BUY and SELL calls whose label is that side (NaN without calls).</param>
/// <param name="Signals">Its BUY and SELL calls.</param>
/// <param name="Reference">The reference's precision on the same bars; <paramref name="ReferenceSignals"/> its calls.</param>
/// <param name="Difference">Precision minus the reference's.</param>
/// <param name="Lower">Lower end of the difference's moving-block bootstrap interval (NaN when no resample has calls of both).</param>
public sealed record PrecisionEstimate(
    double Precision, int Signals, double Reference, int ReferenceSignals, double Difference, double Lower, double Upper, double Level, int BlockLength, int Replicates);

/// <summary>
/// Precision against a reference with a moving-block bootstrap interval of the difference
/// (<see cref="MovingBlockBootstrap"/>). Signals come in runs on neighbouring bars whose labels overlap, so a few
/// hundred of them can be a few dozen bets; the blocks keep each run together, and both strategies are resampled on
/// the same bars, so the interval is of the difference alone.
/// </summary>
public static class SignalPrecision
{
    /// <param name="actions">Per bar, in time order, the strategy's call.</param>
    /// <param name="referenceActions">Per bar, the reference's call.</param>
    /// <param name="labels">Per bar, the outcome.</param>
    /// <param name="blockLength">Bars per block; null takes round(sqrt(n)), as <see cref="ForecastSkill"/> does.</param>
    public static PrecisionEstimate Against(
        IReadOnlyList<SignalAction> actions,
        IReadOnlyList<SignalAction> referenceActions,
        IReadOnlyList<SignalAction> labels,
        int? blockLength = null,
        int replicates = 1000,
        double level = 0.9,
        int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(referenceActions);
        ArgumentNullException.ThrowIfNull(labels);
        var n = labels.Count;
        if (actions.Count != n || referenceActions.Count != n)
            throw new ArgumentException($"length mismatch: {actions.Count} calls, {referenceActions.Count} reference calls, {n} labels");
        if (n == 0) throw new ArgumentException("no bars", nameof(labels));

        double[] Acted(IReadOnlyList<SignalAction> calls) => [.. calls.Select(a => a != SignalAction.Hold ? 1.0 : 0.0)];
        double[] Right(IReadOnlyList<SignalAction> calls) => [.. calls.Select((a, i) => a != SignalAction.Hold && a == labels[i] ? 1.0 : 0.0)];
        double[][] columns = [Acted(actions), Right(actions), Acted(referenceActions), Right(referenceActions)];
        static double Share(double part, double whole) => whole > 0 ? part / whole : double.NaN;
        static double Difference(double[] s) => Share(s[1], s[0]) - Share(s[3], s[2]);

        var totals = columns.Select(c => c.Sum()).ToArray();
        var (lower, upper, block) = MovingBlockBootstrap.Interval(columns, blockLength, replicates, level, seed, Difference);
        return new PrecisionEstimate(
            Share(totals[1], totals[0]), (int)totals[0], Share(totals[3], totals[2]), (int)totals[2], Difference(totals), lower, upper, level, block, replicates);
    }
}
