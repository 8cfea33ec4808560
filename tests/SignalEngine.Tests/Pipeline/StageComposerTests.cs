using SignalEngine.Data;
using SignalEngine.Decisions;
using SignalEngine.Stages;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Tests.Support;
using SignalEngine.Training;

namespace SignalEngine.Tests.Pipeline;

/// <summary>Training, evaluation, tuning, shadow scoring and serving decide through one composition of the stages.</summary>
[Collection(TrainedBundleCollection.Name)]
public sealed class StageComposerTests(SmallBundleFixture fixture)
{
    [Fact]
    public void TrainingEvaluationAndServingGiveTheSameDecisionForTheSameStageOutputs()
    {
        // One stage 3 for the whole test fold: updating it as outcomes arrive, as the nested walk-forward does by default,
        // would make each decision's stage 3 a different one from the one served below. A lenient certainty, the same for
        // every path (no cost, no shrink, every label counted fully), so that a stage 3 fitted on a few hundred labels acts on some bars.
        var hyperparameters = fixture.Manifest.Hyperparameters;
        var options = hyperparameters with
        {
            Meta = hyperparameters.Meta with { SequentialUpdateOutcomes = 1_000_000, LabelUniqueness = 1 },
            Decision = hyperparameters.Decision with
            {
                Trade = hyperparameters.Decision.Trade with { Certainty = 0.5, RoundTripCostBasisPoints = 0 },
                Sizing = hyperparameters.Decision.Sizing with { UncertaintyPenalty = 0 },
            },
        };
        var set = TrainingSet.Build(CsvBarLoader.Load(fixture.DataPath).Series, options.Features, options.Labels, options.Sequence.WindowLength, maxBars: 1500);
        var samples = set.Samples.TakeLast(1000).ToArray();
        var stages = fixture.Bundle.Stages;
        FoldOutput Fold(int index, IReadOnlyList<TrainingSample> part)
        {
            var scores = StageComposer.Score(stages.TreeFilter, stages.SequenceRefiners, part.Select(set.Row).ToArray(), part.Select(s => (double[][]?)set.Window(s)).ToArray());
            return new FoldOutput(new WalkForwardFold(index, 0, 0, 0, 0), part, scores, part.Select(set.Context).ToArray(), part.Select(s => s.Label).ToArray());
        }
        var earlier = Fold(0, samples[..800]);
        var test = Fold(1, samples[800..]);

        // Training's nested walk-forward (which evaluation and tuning run too) fits stage 3 on the earlier fold and decides the test fold.
        var runner = new FoldRunner(set, options, "composition-test", null, CancellationToken.None);
        var nested = runner.Nested([earlier], test);

        // Serving and shadow scoring run the same stage-1 and stage-2 models and that stage 3 over request items of the same bars.
        var items = test.Samples.Select(s => new SignalInput(
            "ttrc", set.Frames[s.Series].Timestamps[s.Bar], set.Row(s), set.Window(s)[..^1], null)).ToArray();
        var serving = stages with { MetaLearner = nested.MetaLearner, Rule = runner.Rule };
        var signals = new SignalPipeline(serving).Run(items).Select(r => r.Signal).ToArray();
        var shadow = serving.Decide(items);

        nested.Decisions.Select(d => d.Action).Should().Contain(a => a != SignalAction.Hold, "the comparison should cover acted-on signals too")
            .And.Contain(SignalAction.Hold);
        signals.Select(s => s.Action).Should().Equal(nested.Decisions.Select(d => d.Action));
        // libtorch's float kernels may differ in the last digits between two runs over the same windows: compare to 1e-6.
        signals.Select(s => s.Probabilities.Buy).Should().Equal(nested.Decisions.Select(d => d.Probabilities.Buy), (a, b) => Math.Abs(a - b) < 1e-6);
        signals.Select(s => s.Probabilities.Sell).Should().Equal(nested.Decisions.Select(d => d.Probabilities.Sell), (a, b) => Math.Abs(a - b) < 1e-6);
        shadow.Select(d => d.Action).Should().Equal(nested.Decisions.Select(d => d.Action));
        shadow.Select(d => d.Confidence).Should().Equal(nested.Decisions.Select(d => d.Confidence), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Theory]
    [InlineData(0.02, 5, SignalAction.Buy)]      // 2% sigma: wide barriers, the edge pays the cost
    [InlineData(0.00005, 5, SignalAction.Hold)]  // barriers a fraction of the cost: never trade
    [InlineData(0.02, 5000, SignalAction.Hold)]  // the same edge under a 50% round trip
    public void ActsOnlyWhenTheBarrierTradePaysAfterCostsAndSizesBySide(double sigma, double costBasisPoints, SignalAction expected)
    {
        var meta = new FixedPosterior(new ClassProbabilities(0.5, 0.2, 0.3));
        var rule = new DecisionRule(new LabelConfig(), new DecisionOptions
        {
            Trade = new BarrierTradeRuleOptions { RoundTripCostBasisPoints = costBasisPoints },
        });
        var score = new CandidateScore(new TreeFilterResult(0.7, 0.85, true, null, [], []), []);

        var decision = StageComposer.Decide(meta, score, new ItemContext("normal", 0, sigma), rule);

        decision.Action.Should().Be(expected);
        if (expected == SignalAction.Hold)
        {
            decision.BetSize.Should().Be(0);
            decision.Reason.Should().Be("edge below cost");
        }
        else
        {
            decision.BetSize.Should().BePositive("a BUY is long");
            decision.Trade!.ExpectedNetPayoff.Should().BePositive();
        }
        StageComposer.Decide(new FixedPosterior(new ClassProbabilities(0.2, 0.5, 0.3)), score, new ItemContext("normal", 0, 0.02), rule with { Options = new() })
            .BetSize.Should().BeNegative("a SELL is short");
    }

    /// <summary>
    /// The size is that of the trade's probability of reaching its own barrier first, P(buy) / (P(buy) + P(sell)),
    /// with K = 2: P(buy) 0.3, P(sell) 0.05 is six to one for the long even though HOLD (0.65) is the likeliest
    /// outcome. Hand-computed: p = 0.3 / 0.35 = 0.857143, z = (p - 0.5) / sqrt(p (1 - p)) = 1.020621 (Python math.erfc),
    /// 2 Φ(z) - 1 = 0.692566; a certain posterior takes nothing off; rounded to the 0.1 step: 0.7.
    /// </summary>
    [Fact]
    public void TheSizeIsThatOfTheTradesProbabilityOfReachingItsOwnBarrierFirst()
    {
        var rule = new DecisionRule(new LabelConfig(), new DecisionOptions());
        var score = new CandidateScore(new TreeFilterResult(0.7, 0.85, true, null, [], []), []);

        var decision = StageComposer.Decide(new FixedPosterior(new ClassProbabilities(0.3, 0.05, 0.65)), score, new ItemContext("normal", 0, 0.02), rule);

        decision.Action.Should().Be(SignalAction.Buy);
        decision.Sizing!.Probability.Should().BeApproximately(0.3 / 0.35, 1e-12);
        decision.Sizing.PosteriorStdDev.Should().Be(0);
        decision.Sizing.UnshrunkSize.Should().BeApproximately(0.6925658340726049, 1e-12);
        decision.BetSize.Should().BeApproximately(0.7, 1e-12);
        StageComposer.Decide(new FixedPosterior(new ClassProbabilities(0.05, 0.3, 0.65)), score, new ItemContext("normal", 0, 0.02), rule)
            .BetSize.Should().BeApproximately(-0.7, 1e-12, "the short mirrors the long");
    }

    [Fact]
    public void AFilteredItemIsHoldWithStageOnesReasonAndNoSize()
    {
        var score = new CandidateScore(new TreeFilterResult(0.2, -1.4, false, "filtered at stage 1: p(actionable) 0.20 under threshold 0.50", [], []), []);

        var decision = StageComposer.Decide(new FixedPosterior(new ClassProbabilities(0.6, 0.1, 0.3)), score, new ItemContext("normal", 0, 0.02), new DecisionRule(new LabelConfig(), new()));

        decision.Action.Should().Be(SignalAction.Hold);
        decision.BetSize.Should().Be(0);
        decision.Reason.Should().StartWith("filtered at stage 1");
        decision.Confidence.Should().Be(0.3);
    }

    /// <summary>A posterior with no spread: every draw is the mean.</summary>
    private sealed class FixedPosterior(ClassProbabilities p) : IMetaLearner
    {
        public ModelStamp Model { get; } = new("fixed", "1");
        public IReadOnlyList<string> InputNames { get; } = [];

        public MetaPosterior Predict(MetaInput input) =>
            new(p, Enumerable.Repeat(p.Buy, 8).ToArray(), Enumerable.Repeat(p.Sell, 8).ToArray(), Enumerable.Repeat(p.Hold, 8).ToArray(), 0.9, []);
    }
}
