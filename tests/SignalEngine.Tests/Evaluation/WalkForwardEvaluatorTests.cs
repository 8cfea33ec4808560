using SignalEngine.Bundle;
using SignalEngine.Evaluation;
using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Tests.Support;
using SignalEngine.Training;
using Xunit.Abstractions;

namespace SignalEngine.Tests.Evaluation;

/// <summary>The walk-forward evaluation finds a planted edge through all three stages and invents none in a random walk.</summary>
/// <remarks>
/// Run alone: libtorch has one process-wide random generator, and a test elsewhere that draws from it while these
/// train (building a network, say) would change their stage-2 models. A CLI run has no such neighbours.
/// </remarks>
[Collection(SerialCollection.Name)]
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
        report.Metrics.SignalsBuy + report.Metrics.SignalsSell is var n and > 0
            ? (Or0(report.Metrics.PrecisionBuy) * report.Metrics.SignalsBuy + Or0(report.Metrics.PrecisionSell) * report.Metrics.SignalsSell) / n
            : 0;

    private static double Or0(double v) => double.IsNaN(v) ? 0 : v;

    /// <summary>The base rate of the sides a strategy acted on, weighted by how often it took each: what its precision must beat.</summary>
    private static double BaseRateOfActedSides(StrategyReport report) =>
        report.Metrics.SignalsBuy + report.Metrics.SignalsSell is var n and > 0
            ? (report.Metrics.BaseRateBuy * report.Metrics.SignalsBuy + report.Metrics.BaseRateSell * report.Metrics.SignalsSell) / n
            : double.NaN;

    private static StrategyReport Of(EvaluationReport report, string strategy) => report.Strategies.Single(s => s.Strategy == strategy);

    private void Print(EvaluationReport report)
    {
        foreach (var s in report.Strategies)
        {
            output.WriteLine($"{s.Strategy,-30} precision {Precision(s):0.000} trade return {s.Trades?.TotalReturn:0.####} " +
                s.Metrics);
        }
    }

    [Fact]
    public void ThePipelineBeatsEveryBaselineOnAPlantedEffectAndIsCalibrated()
    {
        // Barriers two volatility units wide: a random-walk bar rarely reaches one within the horizon, a planted trend does.
        var data = SyntheticMarket.Write("planted", bars: 12000, seed: 7, plantEvents: true, eventRate: 0.5, drift: 3, trendPerBar: 0.025);

        var report = WalkForwardEvaluator.Evaluate(data, Small with { Labels = new LabelConfig { BarrierWidth = 2.0 } }, costBasisPoints: 5);
        Print(report);

        var pipeline = report.Strategies.Single(s => s.Strategy == Strategies.Pipeline);
        foreach (var baseline in report.Strategies.Where(s => s.Strategy != Strategies.Pipeline))
        {
            Precision(pipeline).Should().BeGreaterThan(Precision(baseline), $"the full pipeline should be more precise than {baseline.Strategy}");
        }
        // Stage 3 counts overlapping labels by their uniqueness (issue 11), so it acts only where it is sure: about 0.8% of
        // bars here, where it acted on 3% when each of H overlapping labels counted as a whole outcome.
        pipeline.Metrics.Coverage.Should().BeGreaterThan(0.002, "the planted events are worth acting on");
        pipeline.Metrics.Ece.Should().BeLessThan(0.05);
        Precision(pipeline).Should().BeGreaterThanOrEqualTo(BaseRateOfActedSides(pipeline) + 0.1, "a cost-beating effect is found where it is planted");
        pipeline.Trades!.TotalReturn.Should().BePositive("the planted trends pay more than the 5 bp round trip");
    }

    /// <remarks>
    /// Volatility-scaled barriers make some random-walk bars more likely to be actionable than others (a low
    /// volatility estimate means narrow barriers), so precision against the unconditional base rate can be above it
    /// without any edge; the edge that cannot exist is in direction, and in what following the signals earns.
    /// </remarks>
    [Fact]
    public void OnARandomWalkThePipelineMostlyHoldsAndInventsNoEdge()
    {
        var data = SyntheticMarket.Write("random-walk", bars: 12000, seed: 11, plantEvents: false);

        var report = WalkForwardEvaluator.Evaluate(data, Small, costBasisPoints: 5);
        Print(report);

        var m = report.Strategies.Single(s => s.Strategy == Strategies.Pipeline).Metrics;
        m.Coverage.Should().BeLessThan(0.2, "there is nothing to act on");
        var directional = (m.SignalsBuy + m.SignalsSell) * (1 - m.BaseRateHold);
        if (directional >= 20)
        {
            m.DirectionalAccuracy.Should().BeApproximately(0.5, 3 * Math.Sqrt(0.25 / directional), "a random walk has no direction to find");
        }
        m.Sharpe.Should().BeLessThan(0.6, "following signals on a random walk earns nothing beyond noise");
        m.Ece.Should().BeLessThan(0.05, "confidence must stay honest when nothing is predictable");

        // The bounds: a random walk's imbalances between BUY and SELL outcomes come and go, and the decisions
        // must not trade them.
        m.Coverage.Should().BeLessThanOrEqualTo(0.02, "a random walk gives nothing to act on beyond its noise");
        // 0.5 ± 0.03 as the issue asks where that is wider than chance; with the few directional calls a walk leaves,
        // three binomial standard deviations (the bound above already tests it with 20 or more).
        if (directional > 0) m.DirectionalAccuracy.Should().BeApproximately(0.5, Math.Max(0.03, 3 * Math.Sqrt(0.25 / directional)));
        Of(report, Strategies.Pipeline).Trades!.TotalReturn.Should().BeGreaterThanOrEqualTo(-0.02, "what it does trade costs little");
        m.LogLoss.Should().BeLessThanOrEqualTo(Of(report, Strategies.AlwaysHold).Metrics.LogLoss, "stacking must not forecast worse than the base rates");
    }

    /// <summary>
    /// The drift turns from up to down part-way through, so the label frequencies of every training period mislead the
    /// test period after it: stage 3, updated as outcomes arrive, must forecast no worse than those frequencies, and be
    /// as calibrated as the true probabilities are on series like this one.
    /// </summary>
    [Fact]
    public void WhenTheBaseRatesShiftThePipelineForecastsNoWorseThanTheBaseRatesAndIsAsCalibratedAsTheTruth()
    {
        static double Shift(int t) => t < 3000 ? 0.003 : -0.003;
        var data = SyntheticMarket.Write("base-rate-shift", bars: 5000, seed: 5, plantEvents: false, driftAt: Shift);

        var report = WalkForwardEvaluator.Evaluate(data, Small, costBasisPoints: 5);
        Print(report);

        var hold = Of(report, Strategies.AlwaysHold).Metrics;
        var pipeline = Of(report, Strategies.Pipeline).Metrics;
        hold.BaseRateBuy.Should().BeLessThan(0.3, "the test periods hold the downtrend the training periods mostly had not");
        pipeline.LogLoss.Should().BeLessThanOrEqualTo(hold.LogLoss + 0.002);

        // ECE 0.03 is not a bar the truth clears here: over realisations of this series the true probabilities, acted on by
        // the same rule, show an ECE above it nearly nine times in ten (scripts/oracle-ece.cs). What the pipeline must
        // clear is the truth's own 90th percentile.
        var bars = File.ReadLines(data).Skip(1).Select((line, t) => (Date: line.Split(',')[0], t)).ToDictionary(x => x.Date, x => x.t);
        var evaluated = report.Predictions!.Select(p => bars[p.Time.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)]).ToArray();
        var truth = new TrueProbabilityCalibration(Shift).Replicates(5000, evaluated.Min(), evaluated.Max(), replicates: 40)
            .Select(e => e[0]).Order().ToArray();
        output.WriteLine($"ECE of the true probabilities over {truth.Length} realisations: mean {truth.Average():0.0000}, 90th percentile {truth[(int)(0.9 * (truth.Length - 1))]:0.0000}");
        pipeline.Ece.Should().BeLessThanOrEqualTo(truth[(int)(0.9 * (truth.Length - 1))], "a forecast cannot be held to a calibration its outcomes' chance denies the truth");
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

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial: libtorch's global random generator";
}
