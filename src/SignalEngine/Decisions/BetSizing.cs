using SignalEngine.Labels;
using SignalEngine.Numerics;

namespace SignalEngine.Decisions;

/// <summary>Settings of <see cref="BetSizing"/>; bind from configuration and validate at start.</summary>
public sealed record BetSizingOptions
{
    /// <summary>K, the number of outcomes the probability is one of, so a probability no better than a uniform guess
    /// (1/K) sizes to 0: 2 for the pipeline, which sizes a barrier trade's probability of reaching its own barrier
    /// before the other one.</summary>
    [Range(2, 10)] public int Outcomes { get; init; } = 2;

    /// <summary>How many posterior standard deviations are taken off the probability before sizing.</summary>
    [Range(0, 5)] public double UncertaintyPenalty { get; init; } = 1;

    /// <summary>Sizes are rounded to a multiple of this (0 keeps them continuous), so that small changes of the
    /// probability do not trade (AFML 10.3).</summary>
    [Range(0, 1)] public double Step { get; init; } = 0.1;
}

/// <summary>A signal's bet size and what made it.</summary>
/// <param name="Size">Signed size in [-1, 1]: positive long, negative short, 0 for HOLD.</param>
/// <param name="Probability">The probability that was sized (posterior predictive mean): for the pipeline's signals the
/// trade's probability of touching its own barrier before the other one.</param>
/// <param name="PosteriorStdDev">Its posterior standard deviation.</param>
/// <param name="ShrunkProbability">Probability minus penalty times standard deviation: what the size was computed from.</param>
/// <param name="UnshrunkSize">|size| that the probability alone would have given, before the shrink and the rounding.</param>
/// <param name="ContinuousSize">|size| after the shrink, before the rounding: UnshrunkSize - ContinuousSize is what the
/// uncertainty cost, ContinuousSize - |Size| what the rounding moved.</param>
public sealed record BetSize(double Size, double Probability, double PosteriorStdDev, double ShrunkProbability, double UnshrunkSize, double ContinuousSize)
{
    public static BetSize None { get; } = new(0, double.NaN, double.NaN, double.NaN, 0, 0);
}

/// <summary>
/// Bet size from a calibrated probability (López de Prado, Advances in Financial Machine Learning, 10.3):
/// z = (p - 1/K) / sqrt(p (1 - p)), size = 2 Φ(z) - 1, signed by the side and rounded to a step.
/// <para>
/// The shrink sizes a lower credible bound of p instead of its mean: p' = p - c * sd. A mean probability estimated
/// from little data deserves less capital than the same mean pinned down by much; taking c standard deviations off
/// p does that in the probability's own units, leaves a certain forecast (sd = 0) untouched, never raises a size,
/// and with c = 1 sizes the roughly 84% one-sided lower bound under a normal posterior. Multiplying the size by an
/// ad hoc factor such as 1 - sd / p would instead need its own scale and could shrink a confident, strong forecast
/// as much as a doubtful one.
/// </para>
/// Where p' is at or below 1/K the size is 0 rather than negative: the decision rule chose the side, and sizing must
/// not reverse it.
/// </summary>
public static class BetSizing
{
    /// <param name="side">The decided action; HOLD sizes to 0.</param>
    /// <param name="probability">The posterior predictive probability that the bet pays (the pipeline passes P(side) / (P(buy) + P(sell))).</param>
    /// <param name="posteriorStdDev">The posterior standard deviation of that probability (over the posterior draws).</param>
    public static BetSize Size(SignalAction side, double probability, double posteriorStdDev, BetSizingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (side == SignalAction.Hold) return BetSize.None;
        if (!(probability is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "a probability lies in [0, 1]");
        if (!double.IsFinite(posteriorStdDev) || posteriorStdDev < 0)
            throw new ArgumentOutOfRangeException(nameof(posteriorStdDev), posteriorStdDev, "a standard deviation is finite and not negative");

        var unshrunk = Magnitude(probability, options.Outcomes);
        var shrunk = Math.Max(0, probability - options.UncertaintyPenalty * posteriorStdDev);
        var continuous = Magnitude(shrunk, options.Outcomes);
        var rounded = options.Step > 0 ? Math.Min(1, Math.Round(continuous / options.Step, MidpointRounding.AwayFromZero) * options.Step) : continuous;
        var sign = side == SignalAction.Buy ? 1 : -1;
        return new BetSize(sign * rounded, probability, posteriorStdDev, shrunk, unshrunk, continuous);
    }

    /// <summary>2 Φ(z) - 1 with z = (p - 1/K) / sqrt(p (1 - p)), floored at 0; 1 at p = 1.</summary>
    public static double Magnitude(double probability, int outcomes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outcomes, 2);
        var excess = probability - 1.0 / outcomes;
        if (!(excess > 0)) return 0;
        if (probability >= 1) return 1;
        var z = excess / Math.Sqrt(probability * (1 - probability));
        return 2 * StandardNormal.Cdf(z) - 1;
    }
}
