namespace SignalEngine.Pipeline;

/// <summary>
/// One validated item of a feature batch: features in the bundle's schema order and the previous bars'
/// features, oldest first (the sequence window is the last T - 1 of them plus the current row).
/// </summary>
public sealed record SignalInput(
    string Instrument,
    DateTimeOffset Timestamp,
    double[] Features,
    IReadOnlyList<double[]> History,
    MarketContext? Context);

/// <summary>Market context the client may send; what it leaves out is derived from the features.</summary>
public sealed record MarketContext(string? Regime, double? Liquidity);
