using SignalEngine.Evaluation;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Tests.Support;
using SignalEngine.Training;
using Xunit.Abstractions;

namespace SignalEngine.Tests.Evaluation;

/// <summary>The walk-forward evaluation finds a planted edge through all three stages and invents none in a random walk.</summary>
public sealed class WalkForwardEvaluatorTests(ITestOutputHelper output)
{
    private static readonly TrainingOptions Small = new()
    {
        TreeFilter = new TreeFilterOptions { NumberOfTrees = 40, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 20 },
        Sequence = new SequenceModelOptions { WindowLength = 8, HiddenSize = 16, Epochs = 6, BatchSize = 64 },
        Meta = new MetaLearnerOptions { PosteriorSamples = 128 },
        Folds = 4,
    };

    private static double Precision(StrategyReport report) =>
        report.Metrics["signalsBuy"] + report.Metrics["signalsSell"] is var n and > 0
            ? (Or0(report.Metrics["precisionBuy"]) * report.Metrics["signalsBuy"] + Or0(report.Metrics["precisionSell"]) * report.Metrics["signalsSell"]) / n
            : 0;

    private static double Or0(double v) => double.IsNaN(v) ? 0 : v;

    private void Print(EvaluationReport report)
    {
        foreach (var s in report.Strategies)
        {
            output.WriteLine($"{s.Strategy,-30} precision {Precision(s):0.000} " + string.Join(" ", s.Metrics.Select(kv => $"{kv.Key}={kv.Value:0.###}")));
        }
    }

    [Fact]
    public void ThePipelineBeatsEveryBaselineOnAPlantedEffectAndIsCalibrated()
    {
        var data = SyntheticMarket.Write("planted", bars: 3000, seed: 7, plantEvents: true);

        var report = WalkForwardEvaluator.Evaluate(data, Small, costBasisPoints: 5);
        Print(report);

        var pipeline = report.Strategies.Single(s => s.Strategy == Strategies.Pipeline);
        foreach (var baseline in report.Strategies.Where(s => s.Strategy != Strategies.Pipeline))
        {
            Precision(pipeline).Should().BeGreaterThan(Precision(baseline), $"the full pipeline should be more precise than {baseline.Strategy}");
        }
        pipeline.Metrics["coverage"].Should().BeGreaterThan(0.03, "the planted events are worth acting on");
        pipeline.Metrics["ece"].Should().BeLessThan(0.05);
    }

    [Fact]
    public void OnARandomWalkThePipelineMostlyHoldsAndInventsNoEdge()
    {
        var data = SyntheticMarket.Write("random-walk", bars: 3000, seed: 11, plantEvents: false);

        var report = WalkForwardEvaluator.Evaluate(data, Small, costBasisPoints: 5);
        Print(report);

        var pipeline = report.Strategies.Single(s => s.Strategy == Strategies.Pipeline);
        var m = pipeline.Metrics;
        m["coverage"].Should().BeLessThan(0.2, "there is nothing to act on");
        var signals = m["signalsBuy"] + m["signalsSell"];
        if (signals > 0)
        {
            var baseRate = (m["baseRateBuy"] * m["signalsBuy"] + m["baseRateSell"] * m["signalsSell"]) / signals;
            var noise = 3 * Math.Sqrt(baseRate * (1 - baseRate) / signals);
            Precision(pipeline).Should().BeLessThan(baseRate + noise + 0.02, "a random walk has no edge to find");
        }
        m["meanConfidence"].Should().BeLessThan(0.65, "confidence must stay honest when nothing is predictable");
        m["ece"].Should().BeLessThan(0.05);
    }

    [Fact]
    public void TheSameDataConfigAndSeedGiveTheSameNumbers()
    {
        var data = SyntheticMarket.Write("determinism", bars: 1200, seed: 3, plantEvents: true);
        var options = Small with { Folds = 3, Sequence = Small.Sequence with { Epochs = 2 } };

        var first = WalkForwardEvaluator.Evaluate(data, options, 5);
        var second = WalkForwardEvaluator.Evaluate(data, options, 5);

        second.Strategies.Select(s => s.Metrics).Should().BeEquivalentTo(first.Strategies.Select(s => s.Metrics));
        second.DataSha256.Should().Be(first.DataSha256);
    }
}
