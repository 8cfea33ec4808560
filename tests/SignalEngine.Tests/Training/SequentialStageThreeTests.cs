using SignalEngine.Data;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Tests.Support;
using SignalEngine.Training;

namespace SignalEngine.Tests.Training;

/// <summary>The nested walk-forward updates stage 3 through the test period only with outcomes known at each bar's close.</summary>
[Collection(TrainedBundleCollection.Name)]
public sealed class SequentialStageThreeTests(SmallBundleFixture fixture)
{
    [Fact]
    public void ADecisionNeverDependsOnAnOutcomeNotYetKnownAtItsBar()
    {
        var options = fixture.Manifest.Hyperparameters;
        var horizon = options.Labels.Horizon;
        var set = TrainingSet.Build(CsvBarLoader.Load(fixture.DataPath).Series, options.Features, options.Labels, options.Sequence.WindowLength, maxBars: 1500);
        var samples = set.Samples.TakeLast(600).ToArray();
        var stages = fixture.Bundle.Stages;
        // Scored once: libtorch's float kernels may differ in the last digits between two runs over the same windows.
        var allScores = StageComposer.Score(stages.TreeFilter, stages.SequenceRefiners, samples.Select(set.Row).ToArray(), samples.Select(s => (double[][]?)set.Window(s)).ToArray());
        FoldOutput Fold(int index, IReadOnlyList<TrainingSample> part, IReadOnlyList<SignalAction> labels)
        {
            var offset = Array.IndexOf(samples, part[0]);
            var scores = allScores.Skip(offset).Take(part.Count).ToArray();
            var fold = new WalkForwardFold(index, part[0].TimeStep, part[^1].TimeStep + 1, part[0].TimeStep, part[^1].TimeStep + 1);
            return new FoldOutput(fold, part, scores, part.Select(set.Context).ToArray(), labels);
        }
        var earlier = Fold(0, samples[..300], samples[..300].Select(s => s.Label).ToArray());
        var test = samples[300..];
        var runner = new FoldRunner(set, options, "sequential-test", null, CancellationToken.None);

        var asLabelled = runner.Nested([earlier], Fold(1, test, test.Select(s => s.Label).ToArray()));
        // Every outcome from bar `cut` on is turned to SELL: no decision at a bar before cut + H may see the change.
        var cut = test[150].TimeStep;
        var rewritten = runner.Nested([earlier], Fold(1, test, test.Select(s => s.TimeStep >= cut ? SignalAction.Sell : s.Label).ToArray()));

        for (var i = 0; i < test.Length; i++)
        {
            if (test[i].TimeStep < cut + horizon)
                rewritten.Decisions[i].Probabilities.Should().Be(asLabelled.Decisions[i].Probabilities, $"bar {test[i].TimeStep} is decided before any rewritten outcome is known");
        }
        var later = Enumerable.Range(0, test.Length).Where(i => test[i].TimeStep >= cut + horizon + options.Meta.SequentialUpdateOutcomes).ToArray();
        later.Should().NotBeEmpty();
        later.Select(i => rewritten.Decisions[i].Probabilities.Sell).Average()
            .Should().BeGreaterThan(later.Select(i => asLabelled.Decisions[i].Probabilities.Sell).Average(), "stage 3 learns the outcomes once they are known");
    }
}
