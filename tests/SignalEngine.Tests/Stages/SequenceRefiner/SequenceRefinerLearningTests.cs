using SignalEngine.Stages.SequenceRefiner;
using Xunit.Abstractions;

namespace SignalEngine.Tests.Stages.SequenceRefiner;

[Collection(TrainedSequenceModels.Name)]
public sealed class SequenceRefinerLearningTests(TrainedSequenceModels models, ITestOutputHelper output)
{
    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void LearnsThePlantedTemporalEffectBeyondWhatAnyNonTemporalShortcutReaches(string kind)
    {
        var (windows, up) = SyntheticSequences.Sample(1000, seed: 99);
        var refiner = models.Get(kind);

        var probabilities = refiner.Refine(windows).Select(r => r.ProbabilityUp!.Value).ToArray();
        var accuracy = SyntheticSequences.Accuracy(probabilities, up);
        var lastRowOnly = windows.Zip(up).Count(w => w.First[^1][SyntheticSequences.Planted] > 0 == w.Second) / (double)up.Length;
        var wholeWindow = windows.Zip(up).Count(w => w.First.Sum(r => r[SyntheticSequences.Planted]) > 0 == w.Second) / (double)up.Length;
        output.WriteLine($"{kind}: accuracy {accuracy:F3}, last-row shortcut {lastRowOnly:F3}, whole-window shortcut {wholeWindow:F3}, {refiner.Training}");

        lastRowOnly.Should().BeLessThan(0.72, "the data must not be solvable without the temporal pattern");
        wholeWindow.Should().BeLessThan(0.72, "the data must not be solvable without the temporal pattern");
        accuracy.Should().BeGreaterThan(0.8);
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void TrainingSummaryRecordsTheEarlyStoppingHoldout(string kind)
    {
        var training = models.Get(kind).Training!;

        training.HoldoutWindows.Should().Be(360);
        training.TrainWindows.Should().Be(2400 - 360 - SequenceRefinerTrainer.HoldoutGap);
        training.BestEpoch.Should().BeInRange(1, training.EpochsRun);
        training.EpochsRun.Should().BeLessThanOrEqualTo(SyntheticSequences.Options.Epochs);
        training.HoldoutLogLoss.Should().BeLessThan(Math.Log(2));
    }

    /// <summary>Tolerance: the adaptive grid is refined until the gap is within 1% of the output change plus 1e-3.</summary>
    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void IntegratedGradientsAreCompleteAndConcentrateOnThePlantedRecentSteps(string kind)
    {
        var refiner = models.Get(kind);
        var (windows, _) = SyntheticSequences.Sample(20, seed: 5);
        var plantedShare = new List<double>();
        var featureMass = new double[4];
        foreach (var window in windows)
        {
            var attribution = refiner.Attribute(window);
            var change = attribution.Output - attribution.BaselineOutput;
            var sum = attribution.Attributions.Sum(row => row.Sum());

            attribution.Attributions.Should().HaveCount(SyntheticSequences.Length).And.OnlyContain(r => r.Length == 4);
            attribution.Features.Should().Equal(SyntheticSequences.Schema.Names);
            attribution.Baseline.Should().Be(TorchSequenceRefiner.BaselineDescription);
            attribution.CompletenessGap.Should().BeApproximately(Math.Abs(sum - change), 1e-9);
            attribution.CompletenessGap.Should().BeLessThan(1e-2 * Math.Abs(change) + 1e-3);
            for (var f = 0; f < 4; f++)
            {
                attribution.FeatureTotals[f].Should().BeApproximately(attribution.Attributions.Sum(r => r[f]), 1e-9);
            }
            var probability = refiner.Refine([window])[0].ProbabilityUp!.Value;
            attribution.Output.Should().BeApproximately(Math.Log(probability / (1 - probability)), 1e-4);

            var total = attribution.Attributions.Sum(r => r.Sum(Math.Abs));
            var planted = attribution.Attributions.Skip(SyntheticSequences.Length - SyntheticSequences.Recent)
                .Sum(r => Math.Abs(r[SyntheticSequences.Planted]));
            plantedShare.Add(planted / total);
            for (var f = 0; f < 4; f++) featureMass[f] += attribution.Attributions.Sum(r => Math.Abs(r[f]));
        }
        output.WriteLine($"{kind}: mean share of |attribution| on the planted feature's last steps {plantedShare.Average():F3}");
        output.WriteLine($"{kind}: |attribution| per feature {string.Join(", ", featureMass.Select(m => m.ToString("F2")))}");
        plantedShare.Average().Should().BeGreaterThan(0.3, "4 of 64 cells (1 in 16) carry the whole effect");
        Array.IndexOf(featureMass, featureMass.Max()).Should().Be(SyntheticSequences.Planted);
    }

    /// <summary>
    /// The adaptive grid is refined on the completeness gap, a sum over all cells; each feature's total must still be
    /// the path integral's, here against a 512-point midpoint rule computed directly.
    /// </summary>
    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void AdaptiveAttributionsMatchAFineFixedGridFeatureByFeature(string kind)
    {
        const int steps = 512;
        var refiner = models.Get(kind);
        var (windows, _) = SyntheticSequences.Sample(6, seed: 23);
        var adaptive = refiner.Attribute(windows);
        var worst = 0.0;
        for (var i = 0; i < windows.Length; i++)
        {
            var input = refiner.Scaler.Transform([windows[i]], SyntheticSequences.Length);
            var mean = refiner.UseNetwork(network =>
            {
                using var scope = TorchSharp.torch.NewDisposeScope();
                var x = TorchSharp.torch.tensor(input, [1, SyntheticSequences.Length, 4]);
                var alphas = (TorchSharp.torch.arange(steps, dtype: TorchSharp.torch.ScalarType.Float32) + 0.5f) / steps;
                var path = (alphas.view(steps, 1, 1) * x).detach().requires_grad_(true);
                var gradients = TorchSharp.torch.autograd.grad([network.call(path).sum()], [path])[0];
                return gradients.mean([0]).data<float>().ToArray();
            });
            var reference = new double[4];
            for (var j = 0; j < input.Length; j++) reference[j % 4] += (double)input[j] * mean[j];
            var scale = reference.Sum(Math.Abs);
            for (var f = 0; f < 4; f++)
            {
                var error = Math.Abs(adaptive[i].FeatureTotals[f] - reference[f]);
                worst = Math.Max(worst, error / (scale + 1e-3));
                error.Should().BeLessThan(0.05 * scale + 2e-3, $"window {i} feature {f}: {adaptive[i].FeatureTotals[f]} against {reference[f]}");
            }
        }
        output.WriteLine($"{kind}: worst feature total error {worst:E2} of the total |attribution|");
    }
}
