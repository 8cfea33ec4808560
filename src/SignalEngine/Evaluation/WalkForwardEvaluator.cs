using System.Diagnostics;
using System.Security.Cryptography;
using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Labels;
using SignalEngine.Scoring;
using SignalEngine.Training;

namespace SignalEngine.Evaluation;

/// <summary>The whole report of a walk-forward evaluation or of scoring a bundle on new data.</summary>
public sealed record EvaluationReport
{
    public required string Kind { get; init; }
    public required string DataFile { get; init; }
    public required string DataSha256 { get; init; }
    public required IReadOnlyList<string> Instruments { get; init; }
    public required int Bars { get; init; }
    public required int EvaluatedBars { get; init; }
    public required string TestPeriods { get; init; }
    public required int Seed { get; init; }
    public required double CostBasisPoints { get; init; }
    public required int CalibrationBins { get; init; }
    public required TrainingOptions Options { get; init; }
    public string? ModelVersion { get; init; }
    public required IReadOnlyList<StrategyReport> Strategies { get; init; }
    public required BacktestResult BuyAndHold { get; init; }

    /// <summary>Buy-and-hold over the same bars in the trade backtest's terms (one unit held throughout), with dates.</summary>
    public TradeBacktestResult? BuyAndHoldTrades { get; init; }

    /// <summary>Stage-1 candidates that stages 1+2 would have acted on wrongly, and how many of them stage 3 turned to HOLD or the right side.</summary>
    public required CandidateFalsePositives CandidateFalsePositives { get; init; }
    public required double Seconds { get; init; }

    /// <summary>Every evaluated bar with each strategy's call, written as predictions.csv (not part of report.json).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<EvaluatedBar>? Predictions { get; init; }
}

/// <summary>One evaluated bar: when, which instrument, its label, and each strategy's call in <see cref="Strategies.All"/> order.</summary>
public sealed record EvaluatedBar(DateTimeOffset Time, string Instrument, SignalAction Label, IReadOnlyList<StrategyCall> Calls);

/// <summary>
/// Walk-forward evaluation of the whole pipeline against simpler strategies on the same test bars. Stages 1 and 2
/// are trained per purged fold on the past only (by the <see cref="FoldRunner"/> the bundle trainer uses) and score the fold's test
/// period; stage 3 for test fold k is fitted on the out-of-fold outputs of folds before k, so the first fold only
/// feeds stage 3 and folds 2..K are the evaluated bars. Baselines take their probabilities from the labels of the
/// same fold's training period.
/// </summary>
public static class WalkForwardEvaluator
{
    public static EvaluationReport Evaluate(
        string dataPath,
        TrainingOptions options,
        double costBasisPoints,
        IProgress<TrainingProgress>? progress = null,
        int? maxBars = null,
        int calibrationBins = Calibration.DefaultBins,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        options = WithCost(options, costBasisPoints);
        var loaded = CsvBarLoader.Load(dataPath);
        var set = TrainingSet.Build(loaded.Series, options.Features, options.Labels, options.Sequence.WindowLength, maxBars);
        var runner = new FoldRunner(set, options, "evaluation", progress, cancellationToken, extraSteps: 1);
        var oof = runner.OutOfFold();
        runner.Step("stage 3 per fold and the report");

        var rsi = set.Schema.IndexOf($"rsi_{options.Features.RsiPeriod}");
        var calls = Strategies.All.ToDictionary(s => s, _ => new List<StrategyCall>());
        var labels = new List<SignalAction>();
        var samples = new List<TrainingSample>();
        foreach (var nested in runner.Nested(oof))
        {
            var fold = nested.Test;
            var training = set.InTimeRange(fold.Fold.TrainStart, fold.Fold.TrainEnd);
            var baselines = BaselinePriors.From(training.Select(s => RsiOf(set, s, rsi)).ToArray(), training.Select(s => s.Label).ToArray());
            for (var i = 0; i < fold.Samples.Count; i++)
            {
                foreach (var (strategy, call) in baselines.Calls(fold.Scores[i], RsiOf(set, fold.Samples[i], rsi), nested.Decisions[i])) calls[strategy].Add(call);
            }
            labels.AddRange(fold.Labels);
            samples.AddRange(fold.Samples);
        }
        if (samples.Count == 0) throw new ArgumentException("no evaluated bars: the data is too short for the folds asked for");

        var first = oof[1].Fold;
        var last = oof[^1].Fold;
        return Report(
            "walk-forward evaluation", dataPath, loaded, set, samples, labels, calls, options, costBasisPoints, calibrationBins, clock,
            $"folds 2..{oof.Count} of {oof.Count} (time steps {first.TestStart}..{last.TestEnd - 1}); fold 1 only trains stage 3", null);
    }

    internal static EvaluationReport Report(
        string kind,
        string dataPath,
        BarLoadResult loaded,
        TrainingSet set,
        IReadOnlyList<TrainingSample> samples,
        IReadOnlyList<SignalAction> labels,
        IReadOnlyDictionary<string, List<StrategyCall>> calls,
        TrainingOptions options,
        double costBasisPoints,
        int calibrationBins,
        Stopwatch clock,
        string testPeriods,
        string? modelVersion)
    {
        var bars = samples.Select(s => (s.Series, s.TimeStep, NextReturn(set, s))).ToArray();
        var timestamps = set.Frames[0].Timestamps;
        var periodsPerYear = Backtest.PeriodsPerYear(timestamps);
        // The cost is a round trip: the per-bar backtest charges half of it per unit of position traded.
        var reference = calls[Strategies.AlwaysHold].Select((c, i) => c.Probabilities.Of(labels[i])).ToArray();
        // How much the evaluated labels overlap: what chance alone does to an ECE depends on it.
        var uniqueness = Math.Min(1, TrainingSet.Uniqueness(samples));
        SignalAction[] stage1Actions = [.. calls[Strategies.Stage1].Select(c => c.Action)];
        var reports = Strategies.All
            .Select(s => StrategyScoring.Score(s, calls[s], labels, bars, costBasisPoints / 2, periodsPerYear, calibrationBins, uniqueness > 0 ? uniqueness : null) with
            {
                LogLossSkill = ForecastSkill.LogLossSkill(calls[s].Select((c, i) => c.Probabilities.Of(labels[i])).ToArray(), reference),
                PrecisionAgainstStage1 = s is Strategies.AlwaysHold or Strategies.Stage1 ? null
                    : SignalPrecision.Against([.. calls[s].Select(c => c.Action)], stage1Actions, labels),
            })
            .Select(r => r.Strategy == Strategies.AlwaysHold ? r : WithTrades(r, set, samples, calls[r.Strategy], options.Labels, costBasisPoints))
            .ToArray();
        var buyAndHold = StrategyScoring.Portfolio(Enumerable.Repeat(1.0, bars.Length).ToArray(), bars, costBasisPoints / 2, periodsPerYear);

        return new EvaluationReport
        {
            Kind = kind,
            DataFile = Path.GetFileName(dataPath),
            DataSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dataPath))),
            Instruments = loaded.Series.Select(s => s.Instrument).ToArray(),
            Bars = loaded.Series.Sum(s => s.Count),
            EvaluatedBars = samples.Count,
            TestPeriods = testPeriods,
            Seed = options.Seed,
            CostBasisPoints = costBasisPoints,
            CalibrationBins = calibrationBins,
            Options = options,
            ModelVersion = modelVersion,
            Strategies = reports,
            BuyAndHold = buyAndHold,
            BuyAndHoldTrades = WithTrades(reports[0], set, samples, samples.Select(_ => new StrategyCall(SignalAction.Buy, new(1, 0, 0), 1)).ToArray(), options.Labels with { Horizon = int.MaxValue / 4 }, costBasisPoints, holdThroughout: true).Trades,
            CandidateFalsePositives = CountCandidateFalsePositives(calls[Strategies.Stages12], calls[Strategies.Pipeline], labels),
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Predictions = samples.Select((s, i) => new EvaluatedBar(
                set.Frames[s.Series].Timestamps[s.Bar], set.Frames[s.Series].Instrument, labels[i], Strategies.All.Select(name => calls[name][i]).ToArray())).ToArray(),
        };
    }

    /// <summary>
    /// The trade backtest of the bets a strategy's calls describe: each call opens its signed size at its bar with the
    /// barriers of that bar's volatility, held to the first barrier or the horizon, overlapping bets averaged.
    /// </summary>
    private static StrategyReport WithTrades(
        StrategyReport report, TrainingSet set, IReadOnlyList<TrainingSample> samples, IReadOnlyList<StrategyCall> calls, LabelConfig labels, double costBasisPoints,
        bool holdThroughout = false)
    {
        var instruments = new List<InstrumentTrades>();
        foreach (var series in samples.Select((s, i) => (s, i)).GroupBy(x => x.s.Series))
        {
            var frame = set.Frames[series.Key];
            var first = series.Min(x => x.s.Bar);
            var last = Math.Min(frame.Count - 1, series.Max(x => x.s.Bar) + (holdThroughout ? 0 : labels.Horizon));
            var signals = new List<TradeSignal>();
            foreach (var (sample, i) in series)
            {
                if (holdThroughout)
                {
                    // Barriers no price reaches and a horizon past the data: one unit held from the first bar to the last.
                    if (sample.Bar == first) signals.Add(new TradeSignal(0, 1, double.MaxValue, 1 - 1e-12));
                    continue;
                }
                var sigma = set.Context(sample).Volatility;
                if (calls[i].Size == 0 || !(sigma > 0)) continue;
                var widths = Decisions.BarrierWidths.FromVolatility(sigma, labels);
                signals.Add(new TradeSignal(sample.Bar - first, calls[i].Size, widths.Upper, widths.Lower));
            }
            instruments.Add(new InstrumentTrades(
                frame.Instrument, frame.Timestamps.Skip(first).Take(last - first + 1).ToArray(), frame.Close.Skip(first).Take(last - first + 1).ToArray(), signals));
        }
        var trades = TradeBacktest.Run(instruments, labels.Horizon, costBasisPoints);
        return report with { Trades = trades, TradeSharpe = trades.Returns.Length > 3 ? ProbabilisticSharpe.Of(trades.Returns) : null };
    }

    /// <summary>The options with the evaluation's round-trip cost in the decision rule: what is measured is what would be decided.</summary>
    internal static TrainingOptions WithCost(TrainingOptions options, double costBasisPoints) => options with
    {
        Decision = options.Decision with { Trade = options.Decision.Trade with { RoundTripCostBasisPoints = costBasisPoints } },
    };

    internal static double RsiOf(TrainingSet set, TrainingSample sample, int rsiIndex) =>
        rsiIndex >= 0 ? set.Row(sample)[rsiIndex] : BaselinePriors.NeutralRsi;

    private static double NextReturn(TrainingSet set, TrainingSample sample)
    {
        var close = set.Frames[sample.Series].Close;
        return close[sample.Bar + 1] / close[sample.Bar] - 1;
    }

    /// <summary>
    /// Stage 1's candidates (the bars it passed, where stages 1+2 act) that would be false positives, and the share
    /// the full pipeline removed: of those labelled HOLD, the share it answered HOLD; of those stages 1+2 got wrong (a
    /// HOLD bar or the other side), the share it answered HOLD or the right side.
    /// </summary>
    internal static CandidateFalsePositives CountCandidateFalsePositives(
        IReadOnlyList<StrategyCall> stages12, IReadOnlyList<StrategyCall> pipeline, IReadOnlyList<SignalAction> labels)
    {
        int candidates = 0, onHold = 0, heldByPipeline = 0, wrong = 0, removed = 0, pipelineWrong = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            if (pipeline[i].Action != SignalAction.Hold && pipeline[i].Action != labels[i]) pipelineWrong++;
            if (stages12[i].Action == SignalAction.Hold) continue;
            candidates++;
            if (labels[i] == SignalAction.Hold)
            {
                onHold++;
                if (pipeline[i].Action == SignalAction.Hold) heldByPipeline++;
            }
            if (stages12[i].Action == labels[i]) continue;
            wrong++;
            if (pipeline[i].Action == SignalAction.Hold || pipeline[i].Action == labels[i]) removed++;
        }
        static double Share(int part, int whole) => whole == 0 ? double.NaN : part / (double)whole;
        return new CandidateFalsePositives(
            Stage1Candidates: candidates,
            CandidatesLabelledHold: onHold,
            ShareOfThoseHeldByPipeline: Share(heldByPipeline, onHold),
            Stages12FalsePositives: wrong,
            ShareOfThoseRemovedByStage3: Share(removed, wrong),
            PipelineFalsePositives: pipelineWrong);
    }
}

/// <summary>What stage 3 did with the candidates stages 1+2 would have acted on.</summary>
/// <param name="Stages12FalsePositives">Candidates stages 1+2 got wrong (a HOLD bar, or the wrong side).</param>
/// <param name="ShareOfThoseRemovedByStage3">Of those, the share the full pipeline held or turned right (NaN when none).</param>
public sealed record CandidateFalsePositives(
    double Stage1Candidates,
    double CandidatesLabelledHold,
    double ShareOfThoseHeldByPipeline,
    double Stages12FalsePositives,
    double ShareOfThoseRemovedByStage3,
    double PipelineFalsePositives);
