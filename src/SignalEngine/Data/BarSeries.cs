namespace SignalEngine.Data;

/// <summary>One instrument's bars, strictly increasing in time.</summary>
/// <param name="Extras">Every other numeric column of the source (sentiment, on-chain, ...), in file column order.</param>
public sealed record BarSeries(
    string Instrument,
    IReadOnlyList<DateTimeOffset> Timestamps,
    double[] Close,
    double[]? Open,
    double[]? High,
    double[]? Low,
    double[]? Volume,
    IReadOnlyList<NamedColumn> Extras)
{
    public int Count => Close.Length;
}

/// <summary>A named numeric column aligned with a series' bars.</summary>
public sealed record NamedColumn(string Name, double[] Values);
