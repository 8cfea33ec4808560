using SignalEngine.Data;

namespace SignalEngine.Features;

/// <summary>
/// Derives the standard technical features from whatever columns a series has. Every value at bar t uses bars
/// 0..t only (no look-ahead); bars inside an indicator's warm-up hold NaN.
/// </summary>
/// <remarks>
/// Features, in schema order: ret_h (log return over h bars, per return horizon), rsi_n (Wilder), macd, macd_signal,
/// macd_hist (divided by the close, so comparable across price levels), bb_pctb_n (Bollinger %B, 2 standard
/// deviations), rvol_n (standard deviation of one-bar log returns), vol_regime (percentile rank of rvol_n among its
/// trailing values, in [0, 1]), atr_n / close (only with high and low), volume_z_n (z-score of log(1 + volume), only
/// with volume), then the series' extra columns under their lower-case names.
/// </remarks>
public sealed class FeatureBuilder(FeatureOptions options)
{
    public const string VolatilityRegime = "vol_regime";

    /// <summary>Realised-volatility values needed before the regime rank is defined.</summary>
    private const int MinimumRegimeHistory = 20;

    public FeatureOptions Options { get; } = options;

    public FeatureSchema SchemaFor(BarSeries series)
    {
        var names = new List<string>();
        names.AddRange(Options.ReturnHorizons.Select(h => $"ret_{h}"));
        names.Add($"rsi_{Options.RsiPeriod}");
        names.AddRange(["macd", "macd_signal", "macd_hist"]);
        names.Add($"bb_pctb_{Options.BollingerPeriod}");
        names.Add($"rvol_{Options.VolatilityPeriod}");
        names.Add(VolatilityRegime);
        if (series.High is not null && series.Low is not null) names.Add($"atr_{Options.AtrPeriod}");
        if (series.Volume is not null) names.Add($"volume_z_{Options.VolumePeriod}");
        foreach (var extra in series.Extras)
        {
            var name = ExtraName(extra.Name);
            names.Add(names.Contains(name) ? "x_" + name : name);
        }
        return new FeatureSchema(names);
    }

    public FeatureFrame Build(BarSeries series)
    {
        var schema = SchemaFor(series);
        var close = series.Close;
        var columns = new List<double[]>();
        columns.AddRange(Options.ReturnHorizons.Select(h => LogReturns(close, h)));
        columns.Add(Rsi(close, Options.RsiPeriod));
        columns.AddRange(Macd(close, Options.MacdFast, Options.MacdSlow, Options.MacdSignal));
        columns.Add(BollingerPercentB(close, Options.BollingerPeriod));
        var rvol = RealisedVolatility(close, Options.VolatilityPeriod);
        columns.Add(rvol);
        var regime = PercentileRank(rvol, Options.RegimeLookback);
        columns.Add(regime);
        if (series.High is { } high && series.Low is { } low) columns.Add(Atr(high, low, close, Options.AtrPeriod));
        double[]? volumeZ = null;
        if (series.Volume is { } volume)
        {
            volumeZ = ZScore(volume.Select(v => Math.Log(1 + v)).ToArray(), Options.VolumePeriod);
            columns.Add(volumeZ);
        }
        columns.AddRange(series.Extras.Select(e => e.Values));

        var rows = new double[series.Count][];
        for (var t = 0; t < rows.Length; t++)
        {
            var row = new double[columns.Count];
            for (var f = 0; f < row.Length; f++) row[f] = columns[f][t];
            rows[t] = row;
        }
        var regimes = regime.Select(p => double.IsFinite(p) ? RegimeOf(p) : MarketRegime.Normal).ToArray();
        var liquidity = volumeZ?.Select(z => double.IsFinite(z) ? z : 0.0).ToArray() ?? new double[series.Count];
        return new FeatureFrame(series.Instrument, schema, series.Timestamps, close, rows, regimes, liquidity);
    }

    /// <summary>The regime of a volatility percentile rank in [0, 1]: the lower third is low, the upper third high.</summary>
    public static string RegimeOf(double volatilityPercentile) => volatilityPercentile switch
    {
        < 1.0 / 3 => MarketRegime.Low,
        > 2.0 / 3 => MarketRegime.High,
        _ => MarketRegime.Normal,
    };

    private static string ExtraName(string column)
    {
        var chars = column.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        var name = new string(chars).Trim('_');
        return name.Length == 0 ? "extra" : name;
    }

    private static double[] Filled(int n) => Enumerable.Repeat(double.NaN, n).ToArray();

    internal static double[] LogReturns(double[] close, int horizon)
    {
        var result = Filled(close.Length);
        for (var t = horizon; t < close.Length; t++) result[t] = Math.Log(close[t] / close[t - horizon]);
        return result;
    }

    /// <summary>Wilder's RSI: average gain and loss seeded by the simple mean of the first n changes, then smoothed.</summary>
    internal static double[] Rsi(double[] close, int period)
    {
        var result = Filled(close.Length);
        if (close.Length <= period) return result;
        double gain = 0, loss = 0;
        for (var t = 1; t <= period; t++)
        {
            var change = close[t] - close[t - 1];
            gain += Math.Max(change, 0);
            loss += Math.Max(-change, 0);
        }
        gain /= period;
        loss /= period;
        result[period] = RsiOf(gain, loss);
        for (var t = period + 1; t < close.Length; t++)
        {
            var change = close[t] - close[t - 1];
            gain = (gain * (period - 1) + Math.Max(change, 0)) / period;
            loss = (loss * (period - 1) + Math.Max(-change, 0)) / period;
            result[t] = RsiOf(gain, loss);
        }
        return result;
    }

    private static double RsiOf(double gain, double loss) => gain + loss == 0 ? 50 : 100 * gain / (gain + loss);

    /// <summary>MACD line, signal line and histogram, each divided by the close; defined once both EMAs have warmed up.</summary>
    internal static double[][] Macd(double[] close, int fast, int slow, int signal)
    {
        var n = close.Length;
        var line = new double[n];
        var signalLine = new double[n];
        double emaFast = close.Length > 0 ? close[0] : 0, emaSlow = emaFast, emaSignal = 0;
        double aFast = 2.0 / (fast + 1), aSlow = 2.0 / (slow + 1), aSignal = 2.0 / (signal + 1);
        for (var t = 0; t < n; t++)
        {
            emaFast += aFast * (close[t] - emaFast);
            emaSlow += aSlow * (close[t] - emaSlow);
            line[t] = emaFast - emaSlow;
            emaSignal = t == 0 ? line[t] : emaSignal + aSignal * (line[t] - emaSignal);
            signalLine[t] = emaSignal;
        }
        var warmUp = Math.Max(fast, slow) + signal - 2;
        var macd = Filled(n);
        var sig = Filled(n);
        var hist = Filled(n);
        for (var t = warmUp; t < n; t++)
        {
            macd[t] = line[t] / close[t];
            sig[t] = signalLine[t] / close[t];
            hist[t] = (line[t] - signalLine[t]) / close[t];
        }
        return [macd, sig, hist];
    }

    /// <summary>Where the close sits in its Bollinger band (mean +/- 2 population standard deviations): 0 at the lower band, 1 at the upper.</summary>
    internal static double[] BollingerPercentB(double[] close, int period)
    {
        var result = Filled(close.Length);
        for (var t = period - 1; t < close.Length; t++)
        {
            var (mean, sd) = MeanStd(close, t - period + 1, period, sample: false);
            result[t] = sd == 0 ? 0.5 : (close[t] - (mean - 2 * sd)) / (4 * sd);
        }
        return result;
    }

    /// <summary>Sample standard deviation of the last n one-bar log returns.</summary>
    internal static double[] RealisedVolatility(double[] close, int period)
    {
        var returns = LogReturns(close, 1);
        var result = Filled(close.Length);
        for (var t = period; t < close.Length; t++) result[t] = MeanStd(returns, t - period + 1, period, sample: true).Std;
        return result;
    }

    /// <summary>
    /// Percentile rank of each value among the defined values of the trailing window (itself included), ties
    /// counted half: expanding until the window is full, undefined until <see cref="MinimumRegimeHistory"/> values exist.
    /// </summary>
    internal static double[] PercentileRank(double[] values, int lookback)
    {
        var result = Filled(values.Length);
        for (var t = 0; t < values.Length; t++)
        {
            if (!double.IsFinite(values[t])) continue;
            int defined = 0, below = 0, equal = 0;
            for (var k = Math.Max(0, t - lookback + 1); k <= t; k++)
            {
                if (!double.IsFinite(values[k])) continue;
                defined++;
                if (values[k] < values[t]) below++;
                else if (values[k] == values[t]) equal++;
            }
            if (defined >= MinimumRegimeHistory) result[t] = (below + 0.5 * equal) / defined;
        }
        return result;
    }

    /// <summary>Wilder's average true range over n bars, divided by the close.</summary>
    internal static double[] Atr(double[] high, double[] low, double[] close, int period)
    {
        var result = Filled(close.Length);
        if (close.Length <= period) return result;
        double TrueRange(int t) => Math.Max(high[t] - low[t], Math.Max(Math.Abs(high[t] - close[t - 1]), Math.Abs(low[t] - close[t - 1])));
        var atr = 0.0;
        for (var t = 1; t <= period; t++) atr += TrueRange(t);
        atr /= period;
        result[period] = atr / close[period];
        for (var t = period + 1; t < close.Length; t++)
        {
            atr = (atr * (period - 1) + TrueRange(t)) / period;
            result[t] = atr / close[t];
        }
        return result;
    }

    /// <summary>(x - mean) / sd over the trailing n values, itself included; 0 when the window is constant.</summary>
    internal static double[] ZScore(double[] values, int period)
    {
        var result = Filled(values.Length);
        for (var t = period - 1; t < values.Length; t++)
        {
            var (mean, sd) = MeanStd(values, t - period + 1, period, sample: true);
            result[t] = sd == 0 ? 0 : (values[t] - mean) / sd;
        }
        return result;
    }

    private static (double Mean, double Std) MeanStd(double[] values, int start, int count, bool sample)
    {
        var mean = 0.0;
        for (var k = start; k < start + count; k++) mean += values[k];
        mean /= count;
        var squares = 0.0;
        for (var k = start; k < start + count; k++) squares += (values[k] - mean) * (values[k] - mean);
        return (mean, Math.Sqrt(squares / (sample ? count - 1 : count)));
    }
}
