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
    MarketContext? Context)
{
    /// <summary>T rows ending at the item (its last T - 1 history rows, then its own), or null with too little history.</summary>
    public double[][]? Window(int windowLength)
    {
        if (History.Count < windowLength - 1) return null;
        var window = new double[windowLength][];
        for (var k = 0; k < windowLength - 1; k++) window[k] = History[History.Count - (windowLength - 1) + k];
        window[^1] = Features;
        return window;
    }
}

/// <summary>Market context the client may send; what it leaves out is derived from the features.</summary>
public sealed record MarketContext(string? Regime, double? Liquidity);
