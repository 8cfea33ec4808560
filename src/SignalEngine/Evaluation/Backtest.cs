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

    /// <summary>Trading days of a year on an exchange with weekends and holidays off: the daily-equity convention.</summary>
    public const double TradingDaysPerYear = 252;

    /// <summary>
    /// Bars per year, inferred from the timestamps themselves so that no market's hours are assumed: over a sample of at
    /// least <see cref="CountedSpanDays"/> days, simply the bars counted per calendar year elapsed (weekends, holidays,
    /// overnight closes and round-the-clock trading all show in the count: daily equities come to about 252, half-hourly
    /// FX to about 48 × 260, hourly crypto to 24 × 365). Shorter samples, whose count an edge weekend would skew, are
    /// read from their structure: bars on a Saturday mean a 7-day week (365 days), bars in 20 or more distinct hours
    /// of the day mean round-the-clock trading (24 hours a day, 5 days a week without Saturdays), otherwise one session
    /// a day as long as the sessions observed, on 252 days. Weekly or coarser bars are calendar time.
    /// </summary>
    public static double PeriodsPerYear(IReadOnlyList<DateTimeOffset> timestamps)
    {
        // Long-format data repeats a timestamp once per instrument: a bar of the calendar is counted once.
        // Days and hours are read in the data's own offset, where a trading day is a calendar day.
        var times = timestamps.Distinct().Order().ToArray();
        if (times.Length < 2) return TradingDaysPerYear;
        var gaps = new double[times.Length - 1];
        for (var i = 1; i < times.Length; i++) gaps[i - 1] = (times[i] - times[i - 1]).TotalMinutes;
        Array.Sort(gaps);
        var median = gaps[gaps.Length / 2];
        const double minutesPerDay = 24 * 60;
        if (median >= 5 * minutesPerDay) return DaysPerCalendarYear * minutesPerDay / median;

        var spanDays = (times[^1] - times[0]).TotalDays;
        if (spanDays >= CountedSpanDays) return (times.Length - 1) / (spanDays / DaysPerCalendarYear);

        var weekends = times.Any(t => t.DayOfWeek == DayOfWeek.Saturday);
        var roundTheClock = times.Select(t => t.Hour).Distinct().Count() >= 20;
        var daysPerYear = weekends ? DaysPerCalendarYear : roundTheClock ? WeekdaysPerYear : TradingDaysPerYear;
        if (median >= 20 * 60) return daysPerYear;
        if (roundTheClock) return daysPerYear * minutesPerDay / median;

        // Each calendar day's first to last bar, plus one bar: the session. With under a day seen there is no
        // session to measure, and the equity convention of 6.5 hours stands in.
        var sessions = times.GroupBy(t => t.Date).Where(d => d.Count() >= 2).Select(d => (d.Max() - d.Min()).TotalMinutes + median).Order().ToArray();
        var session = spanDays < 1 || sessions.Length == 0 ? 6.5 * 60 : sessions[sessions.Length / 2];
        return daysPerYear * Math.Max(1, session / median);
    }

    /// <summary>Samples spanning at least this many days are annualised by counting their bars.</summary>
    public const double CountedSpanDays = 90;

    private const double DaysPerCalendarYear = 365.25;
    private const double WeekdaysPerYear = 5 * DaysPerCalendarYear / 7;
}
