using SignalEngine.Bundle;
using SignalEngine.Evaluation;
using SignalEngine.Labels;
using SignalEngine.Scoring;
using SignalEngine.Training;

namespace SignalEngine.Tests.Evaluation;

public sealed class ReportWriterTests
{
    /// <summary>Every figure of a strategy the same value: what the writer prints is then easy to find.</summary>
    internal static StrategyMetrics Uniform(double value) =>
        new(value, value, value, value, value, value, value, value, value, value, value, value, value, value, value, value, value, value, value, value);

    private static EvaluationReport Report(params StrategyReport[] strategies) => new()
    {
        Kind = "evaluation",
        DataFile = "x.csv",
        DataSha256 = "00",
        Instruments = ["x"],
        Bars = 8,
        EvaluatedBars = 8,
        TestPeriods = "one",
        Seed = 42,
        CostBasisPoints = 10,
        CalibrationBins = 3,
        Options = new TrainingOptions(),
        Strategies = strategies,
        BuyAndHold = new BacktestResult(0.01, 0.5, 0.03, 0, [1, 1.01]),
        CandidateFalsePositives = new(0, 0, 0, 0, 0, 0),
        Seconds = 1,
    };

    private static StrategyReport Strategy(string name) => new(
        name,
        Uniform(0.25),
        [new ReliabilityBin(12, 0.3, 0.25), new ReliabilityBin(11, 0.45, 0.5), new ReliabilityBin(12, 0.7, 0.5)],
        new BacktestResult(0, 0, 0, 0, [1, 1]));

    private static StrategyReport WithDeskFigures(string name)
    {
        var days = Enumerable.Range(0, 8).Select(i => new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i)).ToArray();
        var trades = TradeBacktest.Run([new InstrumentTrades("x", days, [100, 101, 103, 102, 99, 98, 100, 101], [new TradeSignal(0, 0.5, 0.025, 0.02)])], 3, 10, 252);
        return Strategy(name) with
        {
            Trades = trades,
            LogLossSkill = ForecastSkill.LogLossSkill([0.5, 0.6, 0.3, 0.7], [0.4, 0.4, 0.4, 0.4]),
            TradeSharpe = ProbabilisticSharpe.Of(trades.Returns),
        };
    }

    [Fact]
    public void WithoutDeskFiguresTheReportStillShowsTheReliabilityBins()
    {
        var md = ReportWriter.Markdown(Report(Strategy("always-HOLD")), "test");

        md.Should().Contain("| always-HOLD | 0.250 | n/a | n/a | 12 / 0.300 / 0.250; 11 / 0.450 / 0.500; 12 / 0.700 / 0.500 |");
        md.Should().NotContain("## Trade backtest").And.NotContain("## Log-loss skill");
    }

    [Fact]
    public void TheChanceEceOfACalibratedForecastStandsBesideTheEce()
    {
        var md = ReportWriter.Markdown(Report(Strategy("always-HOLD") with { CalibratedEce = new CalibratedEce(0.0213, 0.0287, 0.0414, 0.0562, 0.128) }), "test");

        md.Should().Contain("| always-HOLD | 0.250 | 0.021 (0.029) | 0.041 (0.056) | 12 / 0.300").And.Contain("(ū = 0.128, the average uniqueness of the evaluated labels)");
    }

    [Fact]
    public void PredictionsHaveOneRowPerBarWithEveryStrategysCall()
    {
        var time = new DateTimeOffset(2024, 1, 2, 16, 0, 0, TimeSpan.Zero);
        var calls = Strategies.All.Select((_, k) => new StrategyCall(k == 4 ? SignalAction.Sell : SignalAction.Hold, new(0.25, 0.5, 0.25), k == 4 ? -0.3 : null)).ToArray();

        var csv = ReportWriter.PredictionsCsv([new EvaluatedBar(time, "dax", SignalAction.Sell, calls)]).Split('\n');

        csv[0].Should().StartWith("time,instrument,label,always_hold_action,always_hold_buy,always_hold_sell,always_hold_hold,always_hold_size,rsi_rule_alone_action")
            .And.Contain(",stages_1_2_no_meta_learner_action,").And.EndWith(",full_pipeline_size");
        csv[1].Should().StartWith("2024-01-02T16:00:00+00:00,dax,SELL,HOLD,0.25,0.5,0.25,0,").And.EndWith(",SELL,0.25,0.5,0.25,-0.3");
        csv[1].Split(',').Should().HaveCount(csv[0].Split(',').Length);
    }

    [Fact]
    public void DeskFiguresGetTheirSectionsAndTheDatedEquityChart()
    {
        var report = Report(Strategy("always-HOLD"), WithDeskFigures("full pipeline"));
        var md = ReportWriter.Markdown(report, "test");

        md.Should().Contain("## Log-loss skill against the base rates (90% moving-block bootstrap interval, blocks of 2 bars, 1000 replicates)");
        md.Should().Contain("| full pipeline | 0.691 | 0.916 | 0.246 |");
        md.Should().Contain("## Trade backtest");
        md.Should().Contain("| 1 | 2.000 |", "one bet, held two bars to the upper barrier");

        var folder = Path.Combine(Path.GetTempPath(), "report-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var days = report.Strategies[1].Trades!.Times;
            var files = ReportWriter.Write(report, folder, "test", new EquityCurve("buy-and-hold", days, days.Select((_, i) => 1 + 0.01 * i).ToArray()));
            files.Select(Path.GetFileName).Should().Equal("report.md", "report.json", "reliability.svg", "equity.svg", "trades-equity.svg");
            File.ReadAllText(files[^1]).Should().Contain(">buy-and-hold<").And.Contain(">full pipeline<").And.Contain("2024-01-01");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
