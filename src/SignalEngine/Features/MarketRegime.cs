namespace SignalEngine.Features;

/// <summary>Volatility regimes: where realised volatility sits among its own trailing history.</summary>
public static class MarketRegime
{
    public const string Low = "low";
    public const string Normal = "normal";
    public const string High = "high";

    public static IReadOnlyList<string> All { get; } = [Low, Normal, High];

    public static bool IsKnown(string regime) => All.Contains(regime, StringComparer.Ordinal);
}
