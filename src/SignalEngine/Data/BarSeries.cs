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

    /// <summary>Bars [from, to) of this series, every column cut alike.</summary>
    public BarSeries Slice(int from, int to)
    {
        double[]? Cut(double[]? values) => values?[from..to];
        return this with
        {
            Timestamps = Timestamps.Skip(from).Take(to - from).ToArray(),
            Close = Close[from..to],
            Open = Cut(Open),
            High = Cut(High),
            Low = Cut(Low),
            Volume = Cut(Volume),
            Extras = Extras.Select(e => e with { Values = e.Values[from..to] }).ToArray(),
        };
    }
}

/// <summary>A named numeric column aligned with a series' bars.</summary>
public sealed record NamedColumn(string Name, double[] Values);
