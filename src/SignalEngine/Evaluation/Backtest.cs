namespace SignalEngine.Evaluation;

/// <summary>What following a sequence of positions earned.</summary>
/// <param name="TotalReturn">Compounded simple return over the whole period.</param>
/// <param name="Sharpe">Annualised mean over standard deviation of the per-step returns (0 when they never vary).</param>
/// <param name="MaxDrawdown">Largest fall of the equity curve from a previous peak, as a positive fraction.</param>
/// <param name="Turnover">Mean absolute change of position per step.</param>
/// <param name="Equity">Equity after each step, starting from 1.</param>
public sealed record BacktestResult(double TotalReturn, double Sharpe, double MaxDrawdown, double Turnover, double[] Equity);

/// <summary>
/// A long/short backtest: position p[t] in {-1, 0, +1} is taken at bar t's close and earns the next bar's simple
/// return; every change of position pays the cost on the traded amount.
/// </summary>
public static class Backtest
{
    /// <param name="positions">Per step, the position held over the next return.</param>
    /// <param name="nextReturns">Per step, the simple return from this bar's close to the next.</param>
    /// <param name="costBasisPoints">Cost per unit of position traded, in basis points.</param>
    /// <param name="periodsPerYear">Steps per year, for annualising the Sharpe ratio.</param>
    public static BacktestResult Run(IReadOnlyList<double> positions, IReadOnlyList<double> nextReturns, double costBasisPoints, double periodsPerYear)
    {
        if (positions.Count != nextReturns.Count) throw new ArgumentException($"length mismatch: {positions.Count} positions, {nextReturns.Count} returns");
        var cost = costBasisPoints / 10_000;
        var returns = new double[positions.Count];
        var previous = 0.0;
        var traded = 0.0;
        for (var t = 0; t < positions.Count; t++)
        {
            var change = Math.Abs(positions[t] - previous);
            traded += change;
            returns[t] = positions[t] * nextReturns[t] - change * cost;
            previous = positions[t];
        }
        return FromReturns(returns, periodsPerYear, positions.Count == 0 ? 0 : traded / positions.Count);
    }

    public static BacktestResult FromReturns(IReadOnlyList<double> returns, double periodsPerYear, double turnover)
    {
        var equity = new double[returns.Count];
        var value = 1.0;
        for (var t = 0; t < returns.Count; t++)
        {
            value *= 1 + returns[t];
            equity[t] = value;
        }
        return new BacktestResult(value - 1, Sharpe(returns, periodsPerYear), MaxDrawdown(equity), turnover, equity);
    }

    /// <summary>sqrt(periodsPerYear) * mean / sample standard deviation; 0 with fewer than two returns or none varying.</summary>
    public static double Sharpe(IReadOnlyList<double> returns, double periodsPerYear)
    {
        if (returns.Count < 2) return 0;
        var mean = returns.Average();
        var sd = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (returns.Count - 1));
        return sd == 0 ? 0 : Math.Sqrt(periodsPerYear) * mean / sd;
    }

    /// <summary>Largest peak-to-trough fall of an equity curve that starts from 1, as a positive fraction.</summary>
    public static double MaxDrawdown(IReadOnlyList<double> equity)
    {
        double peak = 1, worst = 0;
        foreach (var value in equity)
        {
            peak = Math.Max(peak, value);
            worst = Math.Max(worst, (peak - value) / peak);
        }
        return worst;
    }

    /// <summary>Steps per year from the median spacing of the timestamps: 252 for daily bars, scaled by trading hours intraday.</summary>
    public static double PeriodsPerYear(IReadOnlyList<DateTimeOffset> timestamps)
    {
        if (timestamps.Count < 2) return 252;
        var gaps = new double[timestamps.Count - 1];
        for (var i = 1; i < timestamps.Count; i++) gaps[i - 1] = (timestamps[i] - timestamps[i - 1]).TotalMinutes;
        Array.Sort(gaps);
        var median = gaps[gaps.Length / 2];
        return median switch
        {
            >= 60 * 24 * 5 => 52 * 7 * 24 * 60 / median,   // weekly or coarser: calendar time
            >= 60 * 20 => 252,                           // daily bars (weekends and holidays are not steps)
            > 0 => 252 * 6.5 * 60 / median,              // intraday: trading-session minutes
            _ => 252,
        };
    }
}
