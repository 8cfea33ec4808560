namespace SignalEngine.Labels;

/// <summary>
/// Triple-barrier labels (see <see cref="LabelConfig"/>). A bar's label is null where it is not known: before the
/// volatility window has filled, when volatility is zero, and within the last Horizon bars (HOLD needs the whole
/// horizon, and labelling only the bars whose barrier was already touched would bias the tail towards action).
/// </summary>
public static class TripleBarrierLabeler
{
    public static SignalAction?[] Label(IReadOnlyList<double> close, LabelConfig config) => LabelWithEnds(close, config).Labels;

    /// <summary>
    /// The labels and, per labelled bar, the bar its outcome was settled at: the first barrier touch, or the horizon
    /// when neither barrier was touched (-1 where the label is null). Bars t + 1 .. end are the returns the label
    /// depends on, the span its uniqueness is counted over (<see cref="LabelUniqueness"/>).
    /// </summary>
    public static (SignalAction?[] Labels, int[] Ends) LabelWithEnds(IReadOnlyList<double> close, LabelConfig config)
    {
        var n = close.Count;
        var labels = new SignalAction?[n];
        var ends = new int[n];
        Array.Fill(ends, -1);
        var width = config.BarrierWidth * Math.Sqrt(config.Horizon);
        for (var t = config.VolatilityWindow; t + config.Horizon < n; t++)
        {
            var sigma = Volatility(close, t, config.VolatilityWindow);
            if (!(sigma > 0)) continue;
            var upper = close[t] * Math.Exp(width * sigma);
            var lower = close[t] * Math.Exp(-width * sigma);
            var label = SignalAction.Hold;
            var end = t + config.Horizon;
            for (var j = t + 1; j <= t + config.Horizon; j++)
            {
                if (close[j] >= upper) { (label, end) = (SignalAction.Buy, j); break; }
                if (close[j] <= lower) { (label, end) = (SignalAction.Sell, j); break; }
            }
            labels[t] = label;
            ends[t] = end;
        }
        return (labels, ends);
    }

    /// <summary>log(close[t + horizon] / close[t]), or null past the end of the series.</summary>
    public static double?[] ForwardLogReturns(IReadOnlyList<double> close, int horizon)
    {
        var result = new double?[close.Count];
        for (var t = 0; t + horizon < close.Count; t++) result[t] = Math.Log(close[t + horizon] / close[t]);
        return result;
    }

    /// <summary>Sample standard deviation of the <paramref name="window"/> one-bar log returns ending at bar t.</summary>
    internal static double Volatility(IReadOnlyList<double> close, int t, int window)
    {
        var mean = 0.0;
        for (var k = t - window + 1; k <= t; k++) mean += Math.Log(close[k] / close[k - 1]);
        mean /= window;
        var squares = 0.0;
        for (var k = t - window + 1; k <= t; k++)
        {
            var r = Math.Log(close[k] / close[k - 1]) - mean;
            squares += r * r;
        }
        return Math.Sqrt(squares / (window - 1));
    }
}
