using System.Text.Json.Serialization;
namespace SignalEngine.Evaluation;

/// <summary>A bet opened at the close of bar <paramref name="Bar"/> of its instrument.</summary>
/// <param name="Bar">Index of the signal's bar in the instrument's path.</param>
/// <param name="Size">Signed bet size in [-1, 1]: positive long, negative short. A size of 0 (HOLD) opens nothing.</param>
/// <param name="UpperReturn">Distance to the upper barrier as a simple return of the entry close.</param>
/// <param name="LowerReturn">Distance to the lower barrier as a simple return of the entry close, positive.</param>
public sealed record TradeSignal(int Bar, double Size, double UpperReturn, double LowerReturn);

/// <summary>One instrument's bars and the bets signalled on them.</summary>
public sealed record InstrumentTrades(string Instrument, IReadOnlyList<DateTimeOffset> Timestamps, IReadOnlyList<double> Close, IReadOnlyList<TradeSignal> Signals);

/// <summary>How a bet ended.</summary>
public enum TradeExit
{
    UpperBarrier = 0,
    LowerBarrier = 1,
    Horizon = 2,
    /// <summary>The data ended before a barrier or the horizon.</summary>
    EndOfData = 3,
}

/// <summary>One bet of the backtest: entry and exit bars, and the price return of the bet over its life, signed by its side.</summary>
public sealed record TradeRecord(string Instrument, int EntryBar, int ExitBar, DateTimeOffset EntryTime, DateTimeOffset ExitTime, double Size, TradeExit Exit, double Return)
{
    public int HoldingBars => ExitBar - EntryBar;
}

/// <summary>What following the bets earned.</summary>
/// <param name="TotalReturn">Compounded return of the equity curve.</param>
/// <param name="Sharpe">Annualised Sharpe ratio of the per-bar returns.</param>
/// <param name="MaxDrawdown">Largest fall from a previous peak, as a positive fraction.</param>
/// <param name="Turnover">Mean absolute change of the net position per bar (per instrument, averaged over instruments).</param>
/// <param name="AverageHoldingBars">Mean bars from a bet's entry to its exit; NaN without bets.</param>
/// <param name="Trades">Number of bets (signals with a non-zero size).</param>
/// <param name="Times">The timestamp of each point of the equity curve.</param>
/// <param name="Equity">Equity at each timestamp, starting from 1 before the first bar.</param>
/// <param name="Returns">The per-bar portfolio returns the equity compounds.</param>
/// <param name="PeriodsPerYear">Bars per year used for the Sharpe ratio.</param>
public sealed record TradeBacktestResult(
    double TotalReturn,
    double Sharpe,
    double MaxDrawdown,
    double Turnover,
    double AverageHoldingBars,
    int Trades,
    IReadOnlyList<DateTimeOffset> Times,
    double[] Equity,
    double[] Returns,
    double PeriodsPerYear,
    [property: JsonIgnore] IReadOnlyList<TradeRecord> TradeLog,
    [property: JsonIgnore] IReadOnlyDictionary<string, TradeBacktestResult> PerInstrument)
{
    /// <summary>The figures in the shape of the per-bar backtest, for reports that hold a <see cref="BacktestResult"/>.</summary>
    public BacktestResult AsBacktestResult() => new(TotalReturn, Sharpe, MaxDrawdown, Turnover, Equity);
}

/// <summary>
/// A backtest of the trades the signals describe (López de Prado, AFML 10.2). A signal at bar t opens a bet of its
/// signed size at close[t] with barriers at close[t] (1 + upper) and close[t] (1 - lower); the bet closes at the first
/// close at or beyond a barrier within t+1..t+H (the labeller's rule), else at close[t+H], or at the last bar.
/// The net position held from close[j] to close[j+1] is the average size of the bets active at close[j] (opened at or
/// before j, closing after j), so overlapping signals average instead of flipping the position every bar.
/// Bar j's return is position[j-1] × (close[j] / close[j-1] - 1) minus half the round-trip cost on |position[j] -
/// position[j-1]|: every change of the net position pays, and opening then closing one unit pays the round trip.
/// Several instruments: each is run on its own, and the portfolio return at a timestamp is the equal-weight mean of
/// the instruments that have a bar then (equal capital per instrument, rebalanced every bar).
/// </summary>
public static class TradeBacktest
{
    /// <param name="horizon">H, the bars after which a bet closes if no barrier was touched: the label's horizon.</param>
    /// <param name="roundTripCostBasisPoints">Cost of opening and closing one unit, in basis points.</param>
    /// <param name="periodsPerYear">Bars per year for the Sharpe ratio; null infers it from the timestamps
    /// (<see cref="Backtest.PeriodsPerYear"/>).</param>
    /// <param name="positionStep">Rounds the averaged net position to a multiple of this (0: not at all), so that a bet
    /// entering or leaving the average does not trade a sliver every bar (AFML 10.3 discretises the averaged signal).</param>
    public static TradeBacktestResult Run(
        IReadOnlyList<InstrumentTrades> instruments, int horizon, double roundTripCostBasisPoints, double? periodsPerYear = null, double positionStep = 0)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        if (!double.IsFinite(roundTripCostBasisPoints) || roundTripCostBasisPoints < 0)
            throw new ArgumentOutOfRangeException(nameof(roundTripCostBasisPoints), roundTripCostBasisPoints, "the cost must be finite and not negative");
        if (instruments.Count == 0) throw new ArgumentException("no instruments", nameof(instruments));
        if (!(positionStep is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(positionStep), positionStep, "the step lies in [0, 1]");

        var perBar = instruments.Select(i => (i, Run(i, horizon, roundTripCostBasisPoints / 20_000, positionStep))).ToArray();
        var allTimes = instruments.SelectMany(i => i.Timestamps).Distinct().Order().ToArray();
        var perYear = periodsPerYear ?? Backtest.PeriodsPerYear(allTimes);

        var perInstrument = new Dictionary<string, TradeBacktestResult>();
        foreach (var (instrument, run) in perBar)
            perInstrument[instrument.Instrument] = Result(instrument.Timestamps, run.Returns, run.Turnover, run.Trades, perYear, new Dictionary<string, TradeBacktestResult>());

        if (instruments.Count == 1) return perInstrument[instruments[0].Instrument] with { PerInstrument = perInstrument };

        var byTime = new SortedDictionary<DateTimeOffset, (double Sum, int Count)>();
        foreach (var (instrument, run) in perBar)
        {
            for (var j = 0; j < run.Returns.Length; j++)
            {
                var (sum, count) = byTime.GetValueOrDefault(instrument.Timestamps[j]);
                byTime[instrument.Timestamps[j]] = (sum + run.Returns[j], count + 1);
            }
        }
        var returns = byTime.Values.Select(v => v.Sum / v.Count).ToArray();
        var turnover = perBar.Average(p => p.Item2.Turnover);
        var trades = perBar.SelectMany(p => p.Item2.Trades).OrderBy(t => t.EntryTime).ToArray();
        return Result(byTime.Keys.ToArray(), returns, turnover, trades, perYear, perInstrument);
    }

    private static TradeBacktestResult Result(
        IReadOnlyList<DateTimeOffset> times, double[] returns, double turnover, IReadOnlyList<TradeRecord> trades, double periodsPerYear,
        IReadOnlyDictionary<string, TradeBacktestResult> perInstrument)
    {
        var curve = Backtest.FromReturns(returns, periodsPerYear, turnover);
        var holding = trades.Count == 0 ? double.NaN : trades.Average(t => t.HoldingBars);
        return new TradeBacktestResult(
            curve.TotalReturn, curve.Sharpe, curve.MaxDrawdown, turnover, holding, trades.Count, times, curve.Equity, returns, periodsPerYear, trades, perInstrument);
    }

    private static (double[] Returns, double Turnover, TradeRecord[] Trades) Run(InstrumentTrades instrument, int horizon, double costPerUnit, double step)
    {
        var close = instrument.Close;
        var n = close.Count;
        if (instrument.Timestamps.Count != n)
            throw new ArgumentException($"{instrument.Instrument}: {instrument.Timestamps.Count} timestamps, {n} closes");
        for (var j = 0; j < n; j++)
        {
            if (!double.IsFinite(close[j]) || close[j] <= 0) throw new ArgumentException($"{instrument.Instrument}: close at bar {j} is not a positive number");
            if (j > 0 && instrument.Timestamps[j] <= instrument.Timestamps[j - 1]) throw new ArgumentException($"{instrument.Instrument}: timestamps must increase (bar {j})");
        }

        // Per bar, the sum of active sizes and their number, as differences at entry and exit (a sweep).
        var sizeChange = new double[n + 1];
        var countChange = new int[n + 1];
        var trades = new List<TradeRecord>();
        foreach (var signal in instrument.Signals)
        {
            if (signal.Bar < 0 || signal.Bar >= n) throw new ArgumentException($"{instrument.Instrument}: signal bar {signal.Bar} outside the {n} bars");
            if (!(signal.Size is >= -1 and <= 1)) throw new ArgumentException($"{instrument.Instrument}: size {signal.Size} at bar {signal.Bar} outside [-1, 1]");
            if (!(signal.UpperReturn >= 0) || !(signal.LowerReturn is >= 0 and < 1))
                throw new ArgumentException($"{instrument.Instrument}: barrier widths at bar {signal.Bar} must be finite, not negative, the lower under 1");
            if (signal.Size == 0) continue;

            var entry = signal.Bar;
            var (exit, how) = Exit(close, entry, horizon, signal.UpperReturn, signal.LowerReturn);
            if (exit == entry) continue; // signalled on the last bar: nothing left to hold
            sizeChange[entry] += signal.Size;
            countChange[entry]++;
            sizeChange[exit] -= signal.Size;
            countChange[exit]--;
            trades.Add(new TradeRecord(
                instrument.Instrument, entry, exit, instrument.Timestamps[entry], instrument.Timestamps[exit], signal.Size, how,
                Math.Sign(signal.Size) * (close[exit] / close[entry] - 1)));
        }

        var returns = new double[n];
        double sum = 0, previous = 0, traded = 0;
        var active = 0;
        for (var j = 0; j < n; j++)
        {
            sum += sizeChange[j];
            active += countChange[j];
            // Floating-point sums leave a tiny residue when the last bet closes: no active bet means exactly flat.
            var position = active == 0 ? 0 : sum / active;
            if (step > 0) position = Math.Round(position / step, MidpointRounding.AwayFromZero) * step;
            var change = Math.Abs(position - previous);
            traded += change;
            returns[j] = (j == 0 ? 0 : previous * (close[j] / close[j - 1] - 1)) - change * costPerUnit;
            previous = position;
        }
        return (returns, n == 0 ? 0 : traded / n, trades.ToArray());
    }

    private static (int Bar, TradeExit How) Exit(IReadOnlyList<double> close, int entry, int horizon, double upper, double lower)
    {
        var up = close[entry] * (1 + upper);
        var down = close[entry] * (1 - lower);
        var last = Math.Min(close.Count - 1, entry + horizon);
        for (var j = entry + 1; j <= last; j++)
        {
            if (close[j] >= up) return (j, TradeExit.UpperBarrier);
            if (close[j] <= down) return (j, TradeExit.LowerBarrier);
        }
        return (last, last == entry + horizon ? TradeExit.Horizon : TradeExit.EndOfData);
    }
}
