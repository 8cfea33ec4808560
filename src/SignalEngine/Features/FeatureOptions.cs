namespace SignalEngine.Features;

/// <summary>Indicator periods of the built-in feature builder.</summary>
public sealed record FeatureOptions
{
    public IReadOnlyList<int> ReturnHorizons { get; init; } = [1, 5, 10, 20];
    [Range(2, 500)] public int RsiPeriod { get; init; } = 14;
    [Range(2, 500)] public int MacdFast { get; init; } = 12;
    [Range(2, 500)] public int MacdSlow { get; init; } = 26;
    [Range(2, 500)] public int MacdSignal { get; init; } = 9;
    [Range(2, 500)] public int BollingerPeriod { get; init; } = 20;
    [Range(2, 500)] public int VolatilityPeriod { get; init; } = 20;

    /// <summary>Trailing bars over which realised volatility is ranked to give the regime.</summary>
    [Range(10, 5000)] public int RegimeLookback { get; init; } = 250;
    [Range(2, 500)] public int AtrPeriod { get; init; } = 14;
    [Range(2, 500)] public int VolumePeriod { get; init; } = 20;
}
