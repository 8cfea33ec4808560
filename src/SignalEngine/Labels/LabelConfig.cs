namespace SignalEngine.Labels;

/// <summary>
/// Triple-barrier label settings. For bar t the barriers are close[t] * exp(+/- BarrierWidth * sigma[t] * sqrt(Horizon)),
/// sigma[t] the standard deviation of the last VolatilityWindow one-bar log returns; the first barrier touched by
/// close[t+1..t+Horizon] decides BUY (upper) or SELL (lower); neither is HOLD.
/// </summary>
public sealed record LabelConfig
{
    [Range(1, 1000)] public int Horizon { get; init; } = 10;
    [Range(0.05, 20)] public double BarrierWidth { get; init; } = 1.0;
    [Range(2, 5000)] public int VolatilityWindow { get; init; } = 20;
}
