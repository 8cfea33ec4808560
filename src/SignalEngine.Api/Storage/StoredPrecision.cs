using SignalEngine.Pipeline;
using SignalEngine.Stages.SequenceRefiner;

namespace SignalEngine.Api.Storage;

/// <summary>
/// The precision an explanation is stored, audited (its hash) and answered with. Everything is kept as computed but
/// stage 2's per-step integrated-gradients attributions (2 x 32 x 13 doubles for a refined item, two thirds of its
/// explanation), which are rounded to a decimal quantum taken from the attribution's own completeness tolerance:
/// the largest power of ten q with N x q / 2 &lt;= tolerance / 20, N the number of attributions. Then the rounding can
/// move their sum, and so a completeness gap recomputed from the stored values, by at most a twentieth of the tolerance
/// the gap is held to (worst case; a random walk of N roundings moves it far less), while the gap itself, the outputs,
/// the feature totals and the tolerance stay as computed: rounding cannot hide a gap. Digits below q are not meaning:
/// the gradients are float32 and the path integral is only as exact as the tolerance. With the default bundle q is
/// 1e-7 to 1e-6 (about 5 significant digits of a typical attribution instead of 17), which Brotli compresses to a
/// third. TreeSHAP contributions stay exact, so stage 1's local accuracy (base + contributions = score) still holds.
/// </summary>
public static class StoredPrecision
{
    /// <summary>The share of the tolerance the rounding may move an attribution's sum by, at most.</summary>
    public const double ShareOfTolerance = 1.0 / 20;

    /// <summary><paramref name="explanation"/> as stored: the attributions rounded to <see cref="Quantum"/>.</summary>
    public static SignalExplanation Of(SignalExplanation explanation)
    {
        if (!explanation.Sequence.Any(s => s.Attribution is not null)) return explanation;
        return explanation with
        {
            Sequence = explanation.Sequence
                .Select(s => s.Attribution is { } attribution ? s with { Attribution = Of(attribution) } : s)
                .ToArray(),
        };
    }

    /// <summary>The attribution with its per-step values rounded to its quantum; all else as computed.</summary>
    public static SequenceAttribution Of(SequenceAttribution attribution)
    {
        var count = attribution.Attributions.Sum(step => step.Length);
        if (Decimals(attribution.Tolerance, count) is not { } decimals) return attribution;
        // n / 10^d with both exact is correctly rounded: the double nearest the decimal, which prints as that decimal.
        var scale = Math.Pow(10, decimals);
        var rounded = attribution.Attributions
            .Select(step => step.Select(a => Math.Round(a * scale, MidpointRounding.ToEven) / scale).ToArray())
            .ToArray();
        return attribution with { Attributions = rounded };
    }

    /// <summary>The quantum of <paramref name="count"/> attributions held to <paramref name="tolerance"/>: 10^-decimals.</summary>
    public static double Quantum(double tolerance, int count) =>
        Decimals(tolerance, count) is { } decimals ? Math.Pow(10, -decimals) : 0;

    // The decimals of the quantum, or null (kept as computed) where it would not be a plain decimal rounding: a
    // tolerance that is not a positive finite number, or a quantum outside 10^0 .. 10^-15 (10^d exact, n below 2^53).
    private static int? Decimals(double tolerance, int count)
    {
        if (count == 0 || !double.IsFinite(tolerance) || tolerance <= 0) return null;
        var decimals = (int)Math.Ceiling(-Math.Log10(2 * ShareOfTolerance * tolerance / count));
        return decimals is >= 0 and <= 15 ? decimals : null;
    }
}
