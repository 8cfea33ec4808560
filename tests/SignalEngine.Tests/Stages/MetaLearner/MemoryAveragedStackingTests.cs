using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;

namespace SignalEngine.Tests.Stages.MetaLearner;

/// <summary>Stage 3 averaged over memories by their prequential evidence (issue 11: calibration that holds when base rates move).</summary>
public sealed class MemoryAveragedStackingTests
{
    private static readonly MetaLearnerOptions Options = new() { PosteriorSamples = 128 };

    /// <summary>BUY then SELL weights over the design's inputs: intercepts first, the stage-1 input next, the rest 0.</summary>
    private static double[] Weights(double buyIntercept, double sellIntercept)
    {
        var d = new StackingDesign(SyntheticStacking.Models).Dimension;
        var weights = new double[2 * d];
        (weights[0], weights[1], weights[d], weights[d + 1]) = (buyIntercept, 1.0, sellIntercept, -1.0);
        return weights;
    }

    private static double LogLoss(IMetaLearner model, IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels) =>
        inputs.Select((input, i) => -Math.Log(model.Predict(input).Mean.Of(labels[i]))).Average();

    /// <summary>Updates in chunks as the nested walk-forward does, returning the log loss of each chunk scored before it was learned.</summary>
    private static (IMetaLearner Model, List<double> Losses) RunThrough(IMetaLearner model, SyntheticStacking.Sample sample, int chunk = 25)
    {
        var losses = new List<double>();
        for (var start = 0; start < sample.Inputs.Count; start += chunk)
        {
            var (inputs, labels) = (sample.Inputs.Skip(start).Take(chunk).ToArray(), sample.Labels.Skip(start).Take(chunk).ToArray());
            losses.AddRange(inputs.Select((input, i) => -Math.Log(model.Predict(input).Mean.Of(labels[i]))));
            model = BayesianStackingKind.Instance.Update(model, inputs, labels, "v");
        }
        return (model, losses);
    }

    [Fact]
    public void WhenTheBaseRatesTurnTheEvidenceMovesToAShortMemoryAndForecastsBetterThanTheLongOne()
    {
        var before = SyntheticStacking.FromModel(Weights(0.8, -1.2), 3000, seed: 21);
        var after = SyntheticStacking.FromModel(Weights(-1.2, 0.8), 1500, seed: 22);
        var average = (MemoryAveragedStacking)BayesianStackingKind.Instance.Fit(before.Inputs, before.Labels, SyntheticStacking.Models, Options, "v", 1);
        var longOnly = BayesianStackingKind.Instance.Fit(before.Inputs, before.Labels, SyntheticStacking.Models, Options with { Memories = null }, "v", 1);

        average.Members.Select(m => m.Options.MemoryOutcomes).Should().Equal(3000, 1000, 300, 3000, 1000, 300);
        average.Members.Select(m => m.Options.DirectionScale).Should().Equal(null, null, null, 0.02, 0.02, 0.02);
        var (averaged, averageLosses) = RunThrough(average, after);
        var (_, longLosses) = RunThrough(longOnly, after);

        var weights = ((MemoryAveragedStacking)averaged).Weights;
        (weights[2] + weights[5]).Should().BeGreaterThan(weights[0] + weights[3], "after the turn the 300-outcome memory has forecast the new outcomes best");
        averageLosses.Skip(500).Average().Should().BeLessThan(longLosses.Skip(500).Average() - 0.02,
            "the long memory alone keeps forecasting the old base rates for most of its 3,000 outcomes");
    }

    [Fact]
    public void ItsForecastIsTheEvidenceWeightedMeanOfItsMembersDrawByDraw()
    {
        var sample = SyntheticStacking.ContextDependent(1500, seed: 5);
        var model = (MemoryAveragedStacking)RunThrough(
            BayesianStackingKind.Instance.Fit(sample.Inputs.Take(1000).ToArray(), sample.Labels.Take(1000).ToArray(), SyntheticStacking.Models, Options, "v", 0.5),
            new SyntheticStacking.Sample(sample.Inputs.Skip(1000).ToList(), sample.Labels.Skip(1000).ToList())).Model;

        model.Weights.Sum().Should().BeApproximately(1, 1e-12);
        model.Weights.Should().OnlyContain(w => w > 0 && w < 1, "500 outcomes leave every memory some weight");
        foreach (var input in sample.Inputs.Take(20))
        {
            var posterior = model.Predict(input);
            var members = model.Members.Select(m => m.Predict(input)).ToArray();
            posterior.Mean.Buy.Should().BeApproximately(members.Select((p, m) => model.Weights[m] * p.Mean.Buy).Sum(), 1e-12);
            posterior.Mean.Hold.Should().BeApproximately(members.Select((p, m) => model.Weights[m] * p.Mean.Hold).Sum(), 1e-12);
            posterior.Sell[7].Should().BeApproximately(members.Select((p, m) => model.Weights[m] * p.Sell[7]).Sum(), 1e-12);
            posterior.Contributions[1].Buy.Should().BeApproximately(members.Select((p, m) => model.Weights[m] * p.Contributions[1].Buy).Sum(), 1e-12);
        }
    }

    [Fact]
    public void TheOutcomesJustLearnedNeverScoreTheirOwnNeighbours()
    {
        var sample = SyntheticStacking.ContextDependent(1200, seed: 6);
        var fitted = (MemoryAveragedStacking)BayesianStackingKind.Instance.Fit(sample.Inputs.Take(1000).ToArray(), sample.Labels.Take(1000).ToArray(), SyntheticStacking.Models, Options, "v", 1);
        var (first, firstLabels) = (sample.Inputs.Skip(1000).Take(50).ToArray(), sample.Labels.Skip(1000).Take(50).ToArray());
        var (second, secondLabels) = (sample.Inputs.Skip(1050).Take(50).ToArray(), sample.Labels.Skip(1050).Take(50).ToArray());

        var once = fitted.Update(first, firstLabels, "v");
        once.LogEvidence.Should().Equal(fitted.LogEvidence, "a fitted model has no earlier state to score the first outcomes with");
        var twice = once.Update(second, secondLabels, "v");

        // The second batch is scored by the members as they were before they learned the first; the evidence is kept
        // relative to the best member's.
        var decay = Options.DecayPerOutcome();
        var expected = fitted.Members.Select((member, m) => Math.Pow(decay, second.Length) * once.LogEvidence[m] +
            second.Select((input, i) => Math.Pow(decay, second.Length - 1 - i) * Math.Log(member.PredictProbabilities(input).Of(secondLabels[i]))).Sum()).ToArray();
        twice.LogEvidence.Should().Equal(expected.Select(e => e - expected.Max()), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void ItSavesAndLoadsToTheSameForecastsAndAFileOfOneModelStillLoadsAsOne()
    {
        var sample = SyntheticStacking.ContextDependent(1500, seed: 7);
        var model = RunThrough(
            BayesianStackingKind.Instance.Fit(sample.Inputs.Take(1000).ToArray(), sample.Labels.Take(1000).ToArray(), SyntheticStacking.Models, Options, "v", 0.5),
            new SyntheticStacking.Sample(sample.Inputs.Skip(1000).ToList(), sample.Labels.Skip(1000).ToList())).Model;
        var single = BayesianStackingKind.Instance.Fit(sample.Inputs, sample.Labels, SyntheticStacking.Models, Options with { Memories = null }, "v", 0.5);
        var (averagePath, singlePath) = (Path.GetTempFileName(), Path.GetTempFileName());
        try
        {
            BayesianStackingKind.Instance.Save(model, averagePath);
            BayesianStackingKind.Instance.Save(single, singlePath);

            var loaded = BayesianStackingKind.Instance.Load(averagePath, "loaded");
            loaded.Should().BeOfType<MemoryAveragedStacking>();
            ((MemoryAveragedStacking)loaded).Weights.Should().Equal(((MemoryAveragedStacking)model).Weights);
            foreach (var input in sample.Inputs.Take(20)) loaded.Predict(input).Mean.Should().Be(model.Predict(input).Mean);
            BayesianStackingKind.Instance.Load(singlePath, "loaded").Should().BeOfType<BayesianStackingMetaLearner>();
        }
        finally
        {
            File.Delete(averagePath);
            File.Delete(singlePath);
        }
    }

    /// <summary>BUY then SELL weights: stage 1 raises both logits (acting), stage 2's LSTM moves BUY against SELL by <paramref name="side"/>.</summary>
    private static double[] ActAndSide(double side)
    {
        var d = new StackingDesign(SyntheticStacking.Models).Dimension;
        var weights = new double[2 * d];
        (weights[0], weights[1], weights[2], weights[d], weights[d + 1], weights[d + 2]) = (-0.5, 1.0, side, -0.5, 1.0, -side);
        return weights;
    }

    [Fact]
    public void WhereStageTwoCarriesTheSideTheEvidenceGoesToTheFreeMembersAndTheTiedOnesBarelyFollowIt()
    {
        var sample = SyntheticStacking.FromModel(ActAndSide(1.2), 3000, seed: 31);
        var fitted = (MemoryAveragedStacking)BayesianStackingKind.Instance.Fit(
            sample.Inputs.Take(1000).ToArray(), sample.Labels.Take(1000).ToArray(), SyntheticStacking.Models, Options, "v", 0.2);
        var later = new SyntheticStacking.Sample(sample.Inputs.Skip(1000).ToList(), sample.Labels.Skip(1000).ToList());
        var weights = ((MemoryAveragedStacking)RunThrough(fitted, later).Model).Weights;

        double Share(ClassProbabilities p) => p.Buy / (p.Buy + p.Sell);
        double Range(BayesianStackingMetaLearner member, IEnumerable<MetaInput> inputs)
        {
            var shares = inputs.Select(i => Share(member.Predict(i).Mean)).ToArray();
            return shares.Max() - shares.Min();
        }
        var probes = SyntheticStacking.FromModel(ActAndSide(1.2), 200, seed: 32).Inputs;
        Range(fitted.Members[3], probes).Should().BeLessThan(0.5 * Range(fitted.Members[0], probes),
            "the tied prior holds the side near the bias's unless the outcomes insist");
        weights.Take(3).Sum().Should().BeGreaterThan(0.9, "outcomes whose side follows stage 2 are evidence against tying it");
    }

    [Fact]
    public void AFileFromBeforeTheTiedMembersLoadsWithOneMemberPerMemory()
    {
        var sample = SyntheticStacking.ContextDependent(1200, seed: 9);
        var model = BayesianStackingKind.Instance.Fit(sample.Inputs, sample.Labels, SyntheticStacking.Models, Options with { TiedDirectionScale = null }, "v", 0.5);
        var path = Path.GetTempFileName();
        try
        {
            BayesianStackingKind.Instance.Save(model, path);
            // Written before the option existed: no TiedDirectionScale in the average's options, which then read its default.
            var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
            node["Options"]!.AsObject().Remove(nameof(MetaLearnerOptions.TiedDirectionScale)).Should().BeTrue();
            File.WriteAllText(path, node.ToJsonString());

            var loaded = (MemoryAveragedStacking)BayesianStackingKind.Instance.Load(path, "loaded");
            loaded.Members.Should().HaveCount(3);
            loaded.Options.TiedDirectionScale.Should().BeNull();
            foreach (var input in sample.Inputs.Take(10)) loaded.Predict(input).Mean.Should().Be(model.Predict(input).Mean);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new[] { 3000.0, 0.0 })]
    [InlineData(new[] { 3000.0, double.PositiveInfinity })]
    public void MemoriesThatNeverForgetAreRefused(double[] memories)
    {
        var sample = SyntheticStacking.ContextDependent(300, seed: 8);
        var fit = () => MemoryAveragedStacking.Fit(sample.Inputs, sample.Labels, SyntheticStacking.Models, Options with { Memories = memories }, "v", 1);
        fit.Should().Throw<ArgumentException>().WithMessage("*memories*positive*");
    }
}
