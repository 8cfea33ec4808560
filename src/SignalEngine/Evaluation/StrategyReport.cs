using SignalEngine.Labels;
using SignalEngine.Scoring;

namespace SignalEngine.Evaluation;

/// <summary>A strategy's out-of-sample figures on the evaluated bars.</summary>
/// <param name="Backtest">The per-bar backtest: a position after every call, held one bar.</param>
/// <param name="Trades">The trade backtest of the bets the calls describe (<see cref="TradeBacktest"/>), where computed.</param>
/// <param name="LogLossSkill">Log-loss skill against the base rates with its bootstrap interval, where computed.</param>
/// <param name="TradeSharpe">The probabilistic Sharpe ratio of the trade backtest's per-bar returns, where computed.</param>
/// <param name="PrecisionAgainstStage1">Precision of the BUY and SELL calls against stage 1 alone's on the same bars, with
/// a bootstrap interval of the difference, where computed.</param>
/// <param name="CalibratedEce">The ECE a perfectly calibrated forecast with the same confidences would show by chance
/// (<see cref="Calibration.CalibratedReference(IReadOnlyList{double}, int, int, int)"/>): mean and 90th percentile, from
/// independent outcomes and from outcomes as serially correlated as the labels' uniqueness says.</param>
public sealed record StrategyReport(
    string Strategy,
    StrategyMetrics Metrics,
    IReadOnlyList<ReliabilityBin> Reliability,
    BacktestResult Backtest,
    TradeBacktestResult? Trades = null,
    SkillEstimate? LogLossSkill = null,
    ProbabilisticSharpeRatio? TradeSharpe = null,
    CalibratedEce? CalibratedEce = null,
    PrecisionEstimate? PrecisionAgainstStage1 = null);

/// <summary>The ECE of a calibrated forecast with a strategy's confidences, by chance alone: its mean and 90th percentile.</summary>
/// <param name="OverlappingMean">The same with outcomes correlated along each series as overlapping labels are
/// (<see cref="Calibration.CalibratedReference(IReadOnlyList{double}, IReadOnlyList{int}, double, int, int, int)"/>); null
/// where the uniqueness is unknown.</param>
/// <param name="LabelUniqueness">The labels' average uniqueness that correlation was set from.</param>
public sealed record CalibratedEce(double Mean, double P90, double? OverlappingMean = null, double? OverlappingP90 = null, double? LabelUniqueness = null);

/// <summary>Classification, calibration and per-bar backtest figures of one strategy's calls against the labels.</summary>
/// <param name="Bars">Bars the calls were made on.</param>
/// <param name="Coverage">Share of bars with a BUY or SELL call.</param>
/// <param name="FalsePositiveRate">Share of HOLD-labelled bars that got a BUY or SELL (NaN without HOLD bars).</param>
/// <param name="Ece">Expected calibration error of the stated confidence over equal-mass bins.</param>
/// <param name="DirectionalAccuracy">Of the BUY and SELL calls on BUY- or SELL-labelled bars, the share on the right side.</param>
/// <param name="Return">Total return of the per-bar backtest after costs; <paramref name="Sharpe"/>, <paramref name="MaxDrawdown"/> and <paramref name="Turnover"/> of the same.</param>
public sealed record StrategyMetrics(
    double Bars,
    double Coverage,
    double PrecisionBuy,
    double PrecisionSell,
    double SignalsBuy,
    double SignalsSell,
    double BaseRateBuy,
    double BaseRateSell,
    double BaseRateHold,
    double FalsePositiveRate,
    double Brier,
    double LogLoss,
    double Ece,
    double MeanConfidence,
    double Accuracy,
    double DirectionalAccuracy,
    double Return,
    double Sharpe,
    double MaxDrawdown,
    double Turnover);

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
        int calibrationBins,
        double? labelUniqueness = null)
    {
        bool[] Is(IEnumerable<SignalAction> xs, SignalAction a) => xs.Select(x => x == a).ToArray();
        var actions = calls.Select(c => c.Action).ToArray();
        var acting = actions.Select(a => a != SignalAction.Hold).ToArray();
        var holdLabels = Is(labels, SignalAction.Hold);
        var falsePositives = acting.Where((a, i) => a && holdLabels[i]).Count();
        var confidence = calls.Select(c => c.Confidence).ToArray();
        var correct = calls.Select((c, i) => c.Action == labels[i]).ToArray();

        var backtest = Portfolio(actions.Select(Position).ToArray(), bars, costBasisPoints, periodsPerYear);
        var metrics = new StrategyMetrics(
            Bars: calls.Count,
            Coverage: Scoring.Metrics.Rate(acting),
            PrecisionBuy: Scoring.Metrics.Precision(Is(actions, SignalAction.Buy), Is(labels, SignalAction.Buy)),
            PrecisionSell: Scoring.Metrics.Precision(Is(actions, SignalAction.Sell), Is(labels, SignalAction.Sell)),
            SignalsBuy: actions.Count(a => a == SignalAction.Buy),
            SignalsSell: actions.Count(a => a == SignalAction.Sell),
            BaseRateBuy: Scoring.Metrics.Rate(Is(labels, SignalAction.Buy)),
            BaseRateSell: Scoring.Metrics.Rate(Is(labels, SignalAction.Sell)),
            BaseRateHold: Scoring.Metrics.Rate(holdLabels),
            FalsePositiveRate: holdLabels.Count(h => h) == 0 ? double.NaN : falsePositives / (double)holdLabels.Count(h => h),
            Brier: calls.Select((c, i) => MulticlassBrier(c.Probabilities, labels[i])).Average(),
            LogLoss: calls.Select((c, i) => -Math.Log(Math.Max(1e-12, c.Probabilities.Of(labels[i])))).Average(),
            Ece: Calibration.ExpectedCalibrationError(confidence, correct, calibrationBins),
            MeanConfidence: confidence.Average(),
            Accuracy: Scoring.Metrics.Rate(correct),
            DirectionalAccuracy: DirectionalAccuracy(actions, labels),
            Return: backtest.TotalReturn,
            Sharpe: backtest.Sharpe,
            MaxDrawdown: backtest.MaxDrawdown,
            Turnover: backtest.Turnover);
        var (floor, floor90) = Calibration.CalibratedReference(confidence, calibrationBins);
        var chance = new CalibratedEce(floor, floor90);
        if (labelUniqueness is { } u)
        {
            var (overlapping, overlapping90) = Calibration.CalibratedReference(confidence, bars.Select(b => b.Instrument).ToArray(), u, calibrationBins);
            chance = chance with { OverlappingMean = overlapping, OverlappingP90 = overlapping90, LabelUniqueness = u };
        }
        return new StrategyReport(strategy, metrics, Calibration.Bins(confidence, correct, calibrationBins), backtest, CalibratedEce: chance);
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
