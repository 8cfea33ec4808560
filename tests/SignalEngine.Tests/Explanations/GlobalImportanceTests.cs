using SignalEngine.Explanations;
using SignalEngine.Tests.Stages.TreeFilter;
using Xunit.Abstractions;

namespace SignalEngine.Tests.Explanations;

[Collection(PlantedFilterCollection.Name)]
public sealed class GlobalImportanceTests(PlantedFilterFixture planted, ITestOutputHelper output)
{
    private const string Planted = "planted";
    private const string LastFold = "the training data's last fold";

    private ModelImportance Measure(int seed = 0) =>
        GlobalImportance.Measure(planted.Filter, planted.FoldRows, planted.FoldLabels, LastFold, seed: seed);

    [Fact]
    public void PlantedFeatureRanksFirstOnAllThreeMeasures()
    {
        var importance = Measure();
        foreach (var f in importance.Features)
        {
            output.WriteLine($"{f.Feature,-10} |SHAP| {f.MeanAbsoluteShap:0.0000}  gain {f.SplitGain:0.0000}  permutation {f.Permutation:0.0000}");
        }

        importance.Features[0].Feature.Should().Be(Planted);
        importance.Features.MaxBy(f => f.SplitGain)!.Feature.Should().Be(Planted);
        importance.Features.MaxBy(f => f.Permutation)!.Feature.Should().Be(Planted);
        importance.Features.Select(f => f.MeanAbsoluteShap).Should().BeInDescendingOrder();
    }

    [Fact]
    public void SplitGainSharesSumToOne()
    {
        Measure().Features.Sum(f => f.SplitGain).Should().BeApproximately(1, 1e-12);
    }

    [Fact]
    public void PureNoiseFeatureHasNearZeroPermutationImportance()
    {
        var importance = Measure();
        var planted = importance.Features.Single(f => f.Feature == Planted).Permutation;
        planted.Should().BeGreaterThan(0.1);
        foreach (var noise in importance.Features.Where(f => f.Feature.StartsWith("noise_", StringComparison.Ordinal)))
        {
            Math.Abs(noise.Permutation).Should().BeLessThan(0.05 * planted, noise.Feature);
        }
    }

    [Fact]
    public void ResultStatesTheModelTheDataAndIsReproducible()
    {
        var importance = Measure(seed: 4);

        importance.Model.Should().Be(planted.Filter.Model);
        importance.Model.Version.Should().Be("explain-test-1");
        importance.Data.Should().Be(LastFold);
        importance.Rows.Should().Be(planted.FoldRows.Length);
        importance.Repeats.Should().Be(GlobalImportance.DefaultRepeats);
        importance.Features.Select(f => f.Feature).Should().BeEquivalentTo(PlantedThreshold.Schema.Names);
        Measure(seed: 4).Should().BeEquivalentTo(importance);
    }
}
