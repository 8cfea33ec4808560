using SignalEngine.Labels;
using SignalEngine.Scoring;

namespace SignalEngine.Evaluation;

/// <summary>A strategy's out-of-sample figures on the evaluated bars.</summary>
/// <param name="Backtest">The per-bar backtest: a position after every call, held one bar.</param>
/// <param name="Trades">The trade backtest of the bets the calls describe (<see cref="TradeBacktest"/>), where computed.</param>
/// <param name="LogLossSkill">Log-loss skill against the base rates with its bootstrap interval, where computed.</param>
/// <param name="TradeSharpe">The probabilistic Sharpe ratio of the trade backtest's per-bar returns, where computed.</param>
public sealed record StrategyReport(
    string Strategy,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<ReliabilityBin> Reliability,
    BacktestResult Backtest,
    TradeBacktestResult? Trades = null,
    SkillEstimate? LogLossSkill = null,
    ProbabilisticSharpeRatio? TradeSharpe = null);

/// <summary>Classification, calibration and backtest figures of one strategy's calls against the labels.</summary>
public static class StrategyScoring
{
    /// <param name="bars">Per call: the instrument it belongs to, its time step, and the simple return to the next bar.</param>
    public static StrategyReport Score(
        string strategy,
        IReadOnlyList<StrategyCall> calls,
        IReadOnlyList<SignalAction> labels,
        IReadOnlyList<(int Instrument, int TimeStep, double NextReturn)> bars,
        double costBasisPoints,
        double periodsPerYear,
        int calibrationBins)
    {
        bool[] Is(IEnumerable<SignalAction> xs, SignalAction a) => xs.Select(x => x == a).ToArray();
        var actions = calls.Select(c => c.Action).ToArray();
        var acting = actions.Select(a => a != SignalAction.Hold).ToArray();
        var holdLabels = Is(labels, SignalAction.Hold);
        var falsePositives = acting.Where((a, i) => a && holdLabels[i]).Count();
        var confidence = calls.Select(c => c.Confidence).ToArray();
        var correct = calls.Select((c, i) => c.Action == labels[i]).ToArray();

        var metrics = new Dictionary<string, double>
        {
            ["bars"] = calls.Count,
            ["coverage"] = Scoring.Metrics.Rate(acting),
            ["precisionBuy"] = Scoring.Metrics.Precision(Is(actions, SignalAction.Buy), Is(labels, SignalAction.Buy)),
            ["precisionSell"] = Scoring.Metrics.Precision(Is(actions, SignalAction.Sell), Is(labels, SignalAction.Sell)),
            ["signalsBuy"] = actions.Count(a => a == SignalAction.Buy),
            ["signalsSell"] = actions.Count(a => a == SignalAction.Sell),
            ["baseRateBuy"] = Scoring.Metrics.Rate(Is(labels, SignalAction.Buy)),
            ["baseRateSell"] = Scoring.Metrics.Rate(Is(labels, SignalAction.Sell)),
            ["baseRateHold"] = Scoring.Metrics.Rate(holdLabels),
            ["falsePositiveRate"] = holdLabels.Count(h => h) == 0 ? double.NaN : falsePositives / (double)holdLabels.Count(h => h),
            ["brier"] = calls.Select((c, i) => MulticlassBrier(c.Probabilities, labels[i])).Average(),
            ["logLoss"] = calls.Select((c, i) => -Math.Log(Math.Max(1e-12, c.Probabilities.Of(labels[i])))).Average(),
            ["ece"] = Calibration.ExpectedCalibrationError(confidence, correct, calibrationBins),
            ["meanConfidence"] = confidence.Average(),
            ["accuracy"] = Scoring.Metrics.Rate(correct),
            ["directionalAccuracy"] = DirectionalAccuracy(actions, labels),
        };
        var backtest = Portfolio(actions.Select(Position).ToArray(), bars, costBasisPoints, periodsPerYear);
        metrics["return"] = backtest.TotalReturn;
        metrics["sharpe"] = backtest.Sharpe;
        metrics["maxDrawdown"] = backtest.MaxDrawdown;
        metrics["turnover"] = backtest.Turnover;
        return new StrategyReport(strategy, metrics, Calibration.Bins(confidence, correct, calibrationBins), backtest);
    }

    /// <summary>
    /// Of the BUY and SELL calls on bars whose label is BUY or SELL, the share on the right side: the edge in
    /// direction alone, which is 0.5 on a random walk even where volatility makes some bars more actionable.
    /// </summary>
    public static double DirectionalAccuracy(IReadOnlyList<SignalAction> actions, IReadOnlyList<SignalAction> labels)
    {
        int calls = 0, right = 0;
        for (var i = 0; i < actions.Count; i++)
        {
            if (actions[i] == SignalAction.Hold || labels[i] == SignalAction.Hold) continue;
            calls++;
            if (actions[i] == labels[i]) right++;
        }
        return calls == 0 ? double.NaN : right / (double)calls;
    }

    public static double Position(SignalAction action) => action switch
    {
        SignalAction.Buy => 1,
        SignalAction.Sell => -1,
        _ => 0,
    };

    /// <summary>
    /// Each instrument follows its own positions (costs on every change, starting flat); the portfolio holds the
    /// instruments in equal weight, so its return at a time step is the mean of the instruments trading then.
    /// </summary>
    public static BacktestResult Portfolio(
        IReadOnlyList<double> positions, IReadOnlyList<(int Instrument, int TimeStep, double NextReturn)> bars, double costBasisPoints, double periodsPerYear)
    {
        var cost = costBasisPoints / 10_000;
        var previous = new Dictionary<int, double>();
        var byStep = new SortedDictionary<int, (double Sum, int Count)>();
        var traded = 0.0;
        for (var i = 0; i < bars.Count; i++)
        {
            var (instrument, step, next) = bars[i];
            var change = Math.Abs(positions[i] - previous.GetValueOrDefault(instrument));
            previous[instrument] = positions[i];
            traded += change;
            var r = positions[i] * next - change * cost;
            var (sum, count) = byStep.GetValueOrDefault(step);
            byStep[step] = (sum + r, count + 1);
        }
        var returns = byStep.Values.Select(v => v.Sum / v.Count).ToArray();
        return Backtest.FromReturns(returns, periodsPerYear, bars.Count == 0 ? 0 : traded / bars.Count);
    }

    private static double MulticlassBrier(Stages.MetaLearner.ClassProbabilities p, SignalAction label)
    {
        static double Sq(double x) => x * x;
        return Sq(p.Buy - (label == SignalAction.Buy ? 1 : 0)) + Sq(p.Sell - (label == SignalAction.Sell ? 1 : 0)) + Sq(p.Hold - (label == SignalAction.Hold ? 1 : 0));
    }
}
