using System.Text.Json;
using System.Text.Json.Serialization;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Tests.Support;

namespace SignalEngine.Tests.Pipeline;

[Collection(TrainedBundleCollection.Name)]
public sealed class SignalPipelineTests(SmallBundleFixture fixture)
{
    private SignalPipeline Pipeline => new(fixture.Bundle.Stages);

    [Fact]
    public void SignalsComeBackInItemOrderWithDistinctIdsAndTheBundleVersion()
    {
        var items = RequestItems.LastBars(fixture, 30, fixture.Manifest.WindowLength - 1);

        var results = Pipeline.Run(items);

        results.Select(r => r.Signal.Timestamp).Should().Equal(items.Select(i => i.Timestamp));
        results.Select(r => r.Signal.Id).Should().OnlyHaveUniqueItems();
        results.Should().OnlyContain(r => r.Signal.ModelVersion == fixture.Manifest.Version && r.Explanation.SignalId == r.Signal.Id);
    }

    [Fact]
    public void ConfidenceIsTheProbabilityOfTheChosenActionInsideItsInterval()
    {
        var results = Pipeline.Run(RequestItems.LastBars(fixture, 60, fixture.Manifest.WindowLength - 1));

        foreach (var signal in results.Select(r => r.Signal))
        {
            var p = signal.Probabilities;
            (p.Buy + p.Sell + p.Hold).Should().BeApproximately(1.0, 1e-9);
            signal.Confidence.Should().BeApproximately(p.Of(signal.Action), 1e-12);
            signal.Interval.Lower.Should().BeLessThanOrEqualTo(signal.Confidence);
            signal.Interval.Upper.Should().BeGreaterThanOrEqualTo(signal.Confidence);
        }
    }

    [Fact]
    public void FilteredItemsBecomeHoldWithStageOneReasonAndSkipStageTwo()
    {
        var results = Pipeline.Run(RequestItems.LastBars(fixture, 300, fixture.Manifest.WindowLength - 1));

        var filtered = results.Where(r => !r.Signal.Stages.TreeFilter.Passed).ToArray();
        filtered.Should().NotBeEmpty("300 real bars include some the tree filter or the RSI rule does not pass");
        filtered.Should().OnlyContain(r => r.Signal.Action == SignalAction.Hold);
        filtered.Should().OnlyContain(r => r.Signal.Stages.TreeFilter.Reason!.StartsWith("filtered at stage 1"));
        filtered.SelectMany(r => r.Signal.Stages.Sequence).Should().OnlyContain(s => s.AbstainReason == StageComposer.FilteredReason);
        filtered.SelectMany(r => r.Explanation.Sequence).Should().OnlyContain(e => e.Attribution == null && e.AbstainReason == "not refined: filtered at stage 1");
        filtered.Should().OnlyContain(r => r.Signal.Reason!.StartsWith("filtered at stage 1"));
    }

    [Fact]
    public async Task ConcurrentRunsGiveTheSequentialSignalsAndExplanationsBitForBit()
    {
        var items = RequestItems.LastBars(fixture, 120, fixture.Manifest.WindowLength - 1);
        var pipeline = Pipeline;
        var sequential = Fingerprint(pipeline.Run(items));

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 2).Select(_ => Fingerprint(pipeline.Run(items))).ToArray())));

        sequential.Should().Contain("\"attribution\":{", "the batch must exercise stage 2's attributions");
        concurrent.SelectMany(runs => runs).Should().OnlyContain(run => run == sequential);
    }

    /// <summary>Every number of every signal and explanation (in round-trip form), the new ids left out.</summary>
    private static string Fingerprint(IReadOnlyList<PipelineResult> results) => JsonSerializer.Serialize(
        results.Select(r => new { Signal = r.Signal with { Id = Guid.Empty }, Explanation = r.Explanation with { SignalId = Guid.Empty } }),
        FingerprintJson);

    private static readonly JsonSerializerOptions FingerprintJson = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    [Fact]
    public void StageTwoAbstainsVisiblyWithoutEnoughHistoryAndTheSignalIsStillMade()
    {
        var results = Pipeline.Run(RequestItems.LastBars(fixture, 200, historyRows: 2));

        var passed = results.Where(r => r.Signal.Stages.TreeFilter.Passed).ToArray();
        passed.Should().NotBeEmpty();
        passed.SelectMany(r => r.Signal.Stages.Sequence).Should().OnlyContain(s => s.Abstained && s.AbstainReason!.Contains("abstained"));
        passed.SelectMany(r => r.Explanation.Sequence).Should().OnlyContain(e => e.Attribution == null && e.AbstainReason != null);
    }

    [Fact]
    public void ExplanationContributionsSumToTheStageOneScore()
    {
        var results = Pipeline.Run(RequestItems.LastBars(fixture, 50, fixture.Manifest.WindowLength - 1));

        foreach (var r in results)
        {
            var tree = r.Explanation.TreeFilter;
            (tree.BaseValue + tree.Contributions.Sum(c => c.Contribution))
                .Should().BeApproximately(r.Signal.Stages.TreeFilter.Score, 1e-6 * Math.Max(1, Math.Abs(tree.Score)));
            tree.Score.Should().BeApproximately(r.Signal.Stages.TreeFilter.Score, 1e-12);
        }
    }

    [Fact]
    public void PassedItemsWithHistoryCarryIntegratedGradientsPerFeatureAndStep()
    {
        var results = Pipeline.Run(RequestItems.LastBars(fixture, 100, fixture.Manifest.WindowLength - 1));

        var explained = results.SelectMany(r => r.Explanation.Sequence).Where(s => s.Attribution is not null).ToArray();
        explained.Should().NotBeEmpty();
        explained.Should().OnlyContain(s =>
            s.Attribution!.Attributions.Length == fixture.Manifest.WindowLength &&
            s.Attribution.Attributions[0].Length == fixture.Manifest.FeatureSchema.Count);

        // Completeness on the trained models: the attributions add up to the logit's change from the baseline window,
        // within 1% of that change plus 1e-3 (the tolerance the adaptive grid is refined to).
        foreach (var attribution in explained.Select(s => s.Attribution!))
        {
            var sum = attribution.Attributions.Sum(step => step.Sum());
            var change = attribution.Output - attribution.BaselineOutput;
            attribution.CompletenessGap.Should().BeApproximately(Math.Abs(sum - change), 1e-9);
            attribution.CompletenessGap.Should().BeLessThan(1e-2 * Math.Abs(change) + 1e-3, $"{attribution.Model}: sum {sum}, change {change}");
        }
    }
}
