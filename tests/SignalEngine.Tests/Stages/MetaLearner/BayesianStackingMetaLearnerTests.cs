using SignalEngine.Features;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages;
using Xunit.Abstractions;

namespace SignalEngine.Tests.Stages.MetaLearner;

public sealed class BayesianStackingMetaLearnerTests(ITestOutputHelper output)
{
    private static readonly string[] Models = SyntheticStacking.Models;
    private static readonly MetaLearnerOptions Options = SyntheticStacking.Options;

    [Fact]
    public void ContextDependentWeightingBeatsTheBaseRateAndTheContextFreeModelOutOfSample()
    {
        var train = SyntheticStacking.ContextDependent(4000, seed: 1);
        var test = SyntheticStacking.ContextDependent(4000, seed: 2);
        var trainWithoutContext = SyntheticStacking.ContextDependent(4000, seed: 1, withoutContext: true);
        var testWithoutContext = SyntheticStacking.ContextDependent(4000, seed: 2, withoutContext: true);

        var full = BayesianStackingMetaLearner.Fit(train.Inputs, train.Labels, Models, Options, "full");
        var contextFree = BayesianStackingMetaLearner.Fit(
            trainWithoutContext.Inputs, trainWithoutContext.Labels, Models, Options, "context-free");

        var fullLoss = full.LogLoss(test.Inputs, test.Labels);
        var contextFreeLoss = contextFree.LogLoss(testWithoutContext.Inputs, testWithoutContext.Labels);
        var baseRateLoss = BaseRateLogLoss(train.Labels, test.Labels);
        output.WriteLine($"log loss: full {fullLoss:F4}, context-free {contextFreeLoss:F4}, base rate {baseRateLoss:F4}");

        fullLoss.Should().BeLessThan(contextFreeLoss - 0.05);
        fullLoss.Should().BeLessThan(baseRateLoss - 0.2);
        full.PosteriorMeanWeight(SignalAction.Buy, StackingDesign.SequenceMeanLogitHighInput).Should().BePositive();
        full.PosteriorMeanWeight(SignalAction.Buy, StackingDesign.TreeLogitHighInput).Should().BeNegative();
        full.PosteriorMeanWeight(SignalAction.Buy, StackingDesign.TreeLogitLowInput).Should().BePositive();
        full.PosteriorMeanWeight(SignalAction.Buy, StackingDesign.SequenceMeanLogitLowInput).Should().BeNegative();
    }

    [Fact]
    public void UpdatingWithASecondBatchMatchesOneFitOnBothBatches()
    {
        var first = SyntheticStacking.ContextDependent(3000, seed: 21);
        var second = SyntheticStacking.ContextDependent(3000, seed: 22);

        var sequential = BayesianStackingMetaLearner.Fit(first.Inputs, first.Labels, Models, Options, "a")
            .Update(second.Inputs, second.Labels, "a+b");
        var joint = BayesianStackingMetaLearner.Fit(
            [.. first.Inputs, .. second.Inputs], [.. first.Labels, .. second.Labels], Models, Options, "ab");

        var secondOnly = BayesianStackingMetaLearner.Fit(second.Inputs, second.Labels, Models, Options, "b");

        var largestGap = LargestGap(sequential.Posterior.Mean, joint.Posterior.Mean);
        var forgetfulGap = LargestGap(secondOnly.Posterior.Mean, joint.Posterior.Mean);
        var largestSdRatio = sequential.Posterior.StandardDeviations
            .Zip(joint.Posterior.StandardDeviations, (s, j) => Math.Abs(s / j - 1.0)).Max();
        output.WriteLine(
            $"largest mean gap {largestGap:G3} (second batch alone {forgetfulGap:G3}), " +
            $"largest relative sd gap {largestSdRatio:G3}");

        // Exact for a Gaussian likelihood; the Laplace approximation of the first batch costs a little
        // (0.004 measured), while forgetting the first batch costs far more than the tolerance.
        largestGap.Should().BeLessThan(0.02);
        forgetfulGap.Should().BeGreaterThan(0.1);
        largestSdRatio.Should().BeLessThan(0.05);
        sequential.Model.Should().Be(new ModelStamp(BayesianStackingMetaLearner.ModelName, "a+b"));
    }

    [Fact]
    public void PredictionsAreCalibratedOnTheModelsOwnGenerativeProcess()
    {
        var random = new Random(31);
        var truth = new double[24];
        for (var i = 0; i < truth.Length; i++) truth[i] = 0.6 * SyntheticStacking.Normal(random);
        truth[0] = -0.4;
        truth[12] = -0.6;
        var train = SyntheticStacking.FromModel(truth, 20000, seed: 32);
        var test = SyntheticStacking.FromModel(truth, 20000, seed: 33);

        var learner = BayesianStackingMetaLearner.Fit(train.Inputs, train.Labels, Models, Options, "calibration");
        var predictions = test.Inputs.Select(learner.PredictProbabilities).ToList();

        foreach (var action in new[] { SignalAction.Buy, SignalAction.Sell, SignalAction.Hold })
        {
            var ece = ExpectedCalibrationError(
                predictions.Select(p => p.Of(action)).ToArray(),
                test.Labels.Select(label => label == action ? 1.0 : 0.0).ToArray(),
                bins: 10);
            output.WriteLine($"{action}: ECE {ece:F4}");
            ece.Should().BeLessThan(0.03);
        }
    }

    [Fact]
    public void SavedAndLoadedModelMakesIdenticalDecisions()
    {
        var sample = SyntheticStacking.ContextDependent(1500, seed: 41);
        var learner = BayesianStackingMetaLearner.Fit(sample.Inputs, sample.Labels, Models, Options, "v1");
        var path = Path.Combine(Path.GetTempPath(), $"stage3-{Guid.NewGuid():N}.json");
        try
        {
            learner.Save(path);
            var loaded = BayesianStackingMetaLearner.Load(path, "v1-loaded");

            loaded.Model.Should().Be(new ModelStamp("bayesian-stacking", "v1-loaded"));
            loaded.InputNames.Should().Equal(learner.InputNames);
            loaded.Posterior.Mean.Should().Equal(learner.Posterior.Mean);
            foreach (var input in SyntheticStacking.ContextDependent(200, seed: 42).Inputs)
                ShouldBeIdentical(Decide(loaded, input), Decide(learner, input));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingModelFileIsReportedByName()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");

        var act = () => BayesianStackingMetaLearner.Load(path, "v1");

        act.Should().Throw<FileNotFoundException>().WithMessage($"*{path}*");
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"Format\": 1, \"Model\": \"bayesian-stacking\"}")]
    [InlineData("null")]
    public void CorruptModelFileIsReportedByName(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        try
        {
            var act = () => BayesianStackingMetaLearner.Load(path, "v1");

            act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SameDataGivesTheSameModelAndTheSameDecisionsFromAnyThread()
    {
        var sample = SyntheticStacking.ContextDependent(1000, seed: 51);
        var first = BayesianStackingMetaLearner.Fit(sample.Inputs, sample.Labels, Models, Options, "v1");
        var second = BayesianStackingMetaLearner.Fit(sample.Inputs, sample.Labels, Models, Options, "v1");
        var probes = SyntheticStacking.ContextDependent(300, seed: 52).Inputs;

        first.Posterior.Mean.Should().Equal(second.Posterior.Mean);
        var sequential = probes.Select(p => Decide(first, p)).ToArray();
        var parallel = new MetaDecision[probes.Count];
        Parallel.For(0, probes.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => parallel[i] = Decide(first, probes[i]));

        for (var i = 0; i < probes.Count; i++)
        {
            ShouldBeIdentical(parallel[i], sequential[i]);
            ShouldBeIdentical(Decide(second, probes[i]), sequential[i]);
        }
    }

    [Fact]
    public void IntervalContainsTheConfidenceAndNarrowsWithMoreData()
    {
        var small = SyntheticStacking.ContextDependent(150, seed: 71);
        var large = SyntheticStacking.ContextDependent(6000, seed: 72);
        var fewItems = BayesianStackingMetaLearner.Fit(small.Inputs, small.Labels, Models, Options, "small");
        var manyItems = BayesianStackingMetaLearner.Fit(large.Inputs, large.Labels, Models, Options, "large");
        var probes = SyntheticStacking.ContextDependent(100, seed: 73).Inputs;

        var narrowerCount = 0;
        foreach (var probe in probes)
        {
            var fewDecision = Decide(fewItems, probe);
            var manyDecision = Decide(manyItems, probe);
            foreach (var decision in new[] { fewDecision, manyDecision })
            {
                decision.Interval.Level.Should().Be(Options.CredibleLevel);
                decision.Confidence.Should().BeInRange(decision.Interval.Lower, decision.Interval.Upper);
                decision.PosteriorStdDev.Should().BePositive();
            }

            if (Width(manyDecision.Interval) < Width(fewDecision.Interval)) narrowerCount++;
        }

        var meanWidth = (BayesianStackingMetaLearner model) => probes.Average(p => Width(Decide(model, p).Interval));
        output.WriteLine($"mean width: 150 items {meanWidth(fewItems):F3}, 6000 items {meanWidth(manyItems):F3}");
        narrowerCount.Should().BeGreaterThan(95);
        meanWidth(manyItems).Should().BeLessThan(0.5 * meanWidth(fewItems));
    }

    [Fact]
    public void ContributionsAreInputValueTimesPosteriorMeanWeightAndZeroForHold()
    {
        var sample = SyntheticStacking.ContextDependent(800, seed: 81);
        var learner = BayesianStackingMetaLearner.Fit(sample.Inputs, sample.Labels, Models, Options, "v1");
        var input = new MetaInput(0.7, [0.4, null], MarketRegime.High, 1.2);

        var decision = Decide(learner, input);
        var row = learner.Design.Encode(input);

        decision.Contributions.Select(c => c.Input).Should().Equal(learner.InputNames);
        for (var j = 0; j < row.Length; j++)
        {
            var contribution = decision.Contributions[j];
            contribution.Value.Should().Be(row[j]);
            contribution.Buy.Should().Be(row[j] * learner.PosteriorMeanWeight(SignalAction.Buy, contribution.Input));
            contribution.Sell.Should().Be(row[j] * learner.PosteriorMeanWeight(SignalAction.Sell, contribution.Input));
            contribution.Hold.Should().Be(0.0);
        }

        decision.Contributions.Where(c => c.Input.StartsWith("context.", StringComparison.Ordinal))
            .Should().Contain(c => c.Buy != 0.0, "the high regime input is set");
    }

    [Fact]
    public void DefaultPriorGivesTheBiasATenTimesWiderScale()
    {
        var design = new StackingDesign(Models);
        var prior = GaussianPrior.Default(design, Options with { PriorScale = 0.5 });

        prior.Dimension.Should().Be(2 * design.Dimension);
        prior.StandardDeviations[0].Should().Be(5.0);
        prior.StandardDeviations[design.Dimension].Should().Be(5.0);
        prior.StandardDeviations.Where((_, i) => i % design.Dimension != 0).Should().OnlyContain(sd => sd == 0.5);
    }

    [Fact]
    public void PriorOfTheWrongSizeIsRejected()
    {
        var sample = SyntheticStacking.ContextDependent(50, seed: 91);
        var prior = GaussianPrior.Independent(new double[4], [1.0, 1.0, 1.0, 1.0]);

        var act = () => BayesianStackingMetaLearner.Fit(sample.Inputs, sample.Labels, Models, Options, "v1", prior);

        act.Should().Throw<ArgumentException>().WithMessage("*24*");
    }

    /// <summary>The posterior summarised at its most probable class (ties to HOLD); the trade rule is the pipeline's, tested there.</summary>
    private static MetaDecision Decide(IMetaLearner learner, MetaInput input)
    {
        var posterior = learner.Predict(input);
        var p = posterior.Mean;
        var action = p.Buy > p.Hold && p.Buy >= p.Sell ? SignalAction.Buy : p.Sell > p.Hold ? SignalAction.Sell : SignalAction.Hold;
        var (standardDeviation, interval) = posterior.Spread(action);
        return new MetaDecision(action, p.Of(action), p, interval, posterior.Contributions, standardDeviation, null, 0, null, null);
    }

    private static double LargestGap(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
        a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private static double Width(CredibleInterval interval) => interval.Upper - interval.Lower;

    private static void ShouldBeIdentical(MetaDecision actual, MetaDecision expected)
    {
        actual.Action.Should().Be(expected.Action);
        actual.Confidence.Should().Be(expected.Confidence);
        actual.Probabilities.Should().Be(expected.Probabilities);
        actual.Interval.Should().Be(expected.Interval);
        actual.PosteriorStdDev.Should().Be(expected.PosteriorStdDev);
        actual.Contributions.Should().Equal(expected.Contributions);
    }

    private static double BaseRateLogLoss(IReadOnlyList<SignalAction> train, IReadOnlyList<SignalAction> test)
    {
        double Rate(SignalAction action) => (train.Count(label => label == action) + 1.0) / (train.Count + 3.0);
        return -test.Average(label => Math.Log(Rate(label)));
    }

    /// <summary>Equal-mass bins of the predicted probability; the mean |predicted − observed| weighted by bin size.</summary>
    private static double ExpectedCalibrationError(double[] predicted, double[] observed, int bins)
    {
        var order = Enumerable.Range(0, predicted.Length).OrderBy(i => predicted[i]).ToArray();
        var error = 0.0;
        for (var b = 0; b < bins; b++)
        {
            var start = b * order.Length / bins;
            var end = (b + 1) * order.Length / bins;
            var members = order[start..end];
            var gap = Math.Abs(members.Average(i => predicted[i]) - members.Average(i => observed[i]));
            error += gap * members.Length / order.Length;
        }

        return error;
    }

    [Fact]
    public void ADirectionScaleOfTheActScaleIsTheIndependentPriorAndASmallOneTiesEachInputsSides()
    {
        var design = new StackingDesign(SyntheticStacking.Models);
        var d = design.Dimension;
        var independent = GaussianPrior.Default(design, Options with { PriorScale = 0.5 });
        var same = GaussianPrior.Default(design, Options with { PriorScale = 0.5, DirectionScale = 0.5 / Math.Sqrt(2) });
        for (var a = 0; a < 2 * d; a++)
        {
            for (var b = 0; b < 2 * d; b++) same.Covariance(a, b).Should().BeApproximately(independent.Covariance(a, b), 1e-12);
        }

        var tied = GaussianPrior.Default(design, Options with { PriorScale = 0.5, DirectionScale = 0.02 });
        var stageOne = design.IndexOf(StackingDesign.TreeLogitInput);
        // Var(w_buy - w_sell) = 4 δ²: the side's prior sd is 0.04 where the act's stays 0.5.
        var sideVariance = tied.Covariance(stageOne, stageOne) + tied.Covariance(d + stageOne, d + stageOne) - 2 * tied.Covariance(stageOne, d + stageOne);
        Math.Sqrt(sideVariance).Should().BeApproximately(0.04, 1e-12);
        tied.Covariance(0, d).Should().Be(0, "the bias keeps its independent prior: the base rates set the side");
        tied.Covariance(0, 0).Should().Be(independent.Covariance(0, 0));
    }
}
