namespace SignalEngine.Features;

/// <summary>
/// Features of one instrument, one row per bar in schema order. Rows inside an indicator's warm-up
/// hold NaN; <see cref="IsComplete"/> tells which rows are usable.
/// </summary>
/// <param name="Regimes">Volatility regime per bar: "low", "normal" or "high" (see <see cref="MarketRegime"/>).</param>
/// <param name="Liquidity">Liquidity context per bar (volume z-score, 0 when the series has no volume).</param>
public sealed record FeatureFrame(
    string Instrument,
    FeatureSchema Schema,
    IReadOnlyList<DateTimeOffset> Timestamps,
    double[] Close,
    double[][] Rows,
    string[] Regimes,
    double[] Liquidity)
{
    public int Count => Rows.Length;

    public bool IsComplete(int bar) => Array.TrueForAll(Rows[bar], double.IsFinite);
}
