using SignalEngine.Labels;

namespace SignalEngine.Decisions;

/// <summary>
/// The distance from the entry price to an item's triple barriers, as positive simple returns: a long earns
/// <paramref name="Upper"/> at the upper barrier and loses <paramref name="Lower"/> at the lower one (a short the reverse).
/// </summary>
public sealed record BarrierWidths(double Upper, double Lower)
{
    /// <summary>
    /// The barriers <see cref="TripleBarrierLabeler"/> labels with: log distance w = BarrierWidth * sigma * sqrt(Horizon),
    /// so Upper = exp(w) - 1 and Lower = 1 - exp(-w).
    /// </summary>
    /// <param name="sigma">The item's volatility: the standard deviation of its one-bar log returns over the label's
    /// volatility window, as the labeller computes it.</param>
    public static BarrierWidths FromVolatility(double sigma, LabelConfig labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!double.IsFinite(sigma) || sigma < 0) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "volatility must be finite and not negative");
        var w = labels.BarrierWidth * sigma * Math.Sqrt(labels.Horizon);
        return new BarrierWidths(double.ExpM1(w), -double.ExpM1(-w));
    }

    internal void Validate()
    {
        if (!double.IsFinite(Upper) || Upper < 0) throw new ArgumentOutOfRangeException(nameof(Upper), Upper, "the upper barrier width must be finite and not negative");
        if (!double.IsFinite(Lower) || Lower < 0 || Lower >= 1) throw new ArgumentOutOfRangeException(nameof(Lower), Lower, "the lower barrier width must lie in [0, 1)");
    }
}
