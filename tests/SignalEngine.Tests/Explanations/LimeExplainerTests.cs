using SignalEngine.Explanations;
using SignalEngine.Tests.Stages.TreeFilter;
using Xunit.Abstractions;

namespace SignalEngine.Tests.Explanations;

[Collection(PlantedFilterCollection.Name)]
public sealed class LimeExplainerTests(PlantedFilterFixture planted, ITestOutputHelper output)
{
    private static readonly string[] Names = ["a", "b", "c"];

    private static double[] Linear(double[] x) => [1 + 2 * x[0] - 3 * x[1] + 0.5 * x[2]];

    private static Func<double[][], double[]> Each(Func<double[], double> f) => rows => rows.Select(f).ToArray();

    [Fact]
    public void LinearFunctionsSlopesAreRecoveredWithFidelityNearOne()
    {
        double[] scales = [1, 0.5, 2];
        var explanation = new LimeExplainer().Explain(Each(x => Linear(x)[0]), [0.3, -1.2, 4], Names, scales);

        explanation.Fidelity.Should().BeGreaterThan(0.99);
        explanation.Weights.Select(w => w.Slope).Should().Equal([2, -3, 0.5], (actual, expected) => Math.Abs(actual - expected) < 0.01 * Math.Abs(expected));
        explanation.Weights.Select(w => w.Coefficient).Should().Equal([2, -1.5, 1], (actual, expected) => Math.Abs(actual - expected) < 0.01 * Math.Abs(expected));
        explanation.Score.Should().BeApproximately(1 + 0.6 + 3.6 + 2, 1e-12);
        explanation.Intercept.Should().BeApproximately(explanation.Score, 1e-3);
        explanation.Weights.Select(w => w.Value).Should().Equal(0.3, -1.2, 4);
        explanation.Samples.Should().Be(501);
        explanation.KernelWidth.Should().BeApproximately(0.75 * Math.Sqrt(3), 1e-12);
    }

    [Fact]
    public void StepFunctionIsFittedLessFaithfullyThanALinearOne()
    {
        double[] scales = [1, 1, 1];
        var linear = new LimeExplainer().Explain(Each(x => Linear(x)[0]), [0, 0, 0], Names, scales);
        var step = new LimeExplainer().Explain(Each(x => x[0] > 0 ? 1 : 0), [0, 0, 0], Names, scales);

        output.WriteLine($"fidelity: linear {linear.Fidelity:0.0000}, step {step.Fidelity:0.0000}");
        step.Fidelity.Should().BeLessThan(0.9).And.BeLessThan(linear.Fidelity - 0.1);
        step.Weights[0].Coefficient.Should().BeGreaterThan(0.2, "the step still rises along its own feature");
    }

    [Fact]
    public void SameSeedGivesTheSameExplanationAndAnotherSeedADifferentOne()
    {
        double[] scales = [1, 1, 1];
        Func<double[][], double[]> step = Each(x => x[0] > 0 ? 1 : 0);
        var first = new LimeExplainer(new LimeOptions(Seed: 7)).Explain(step, [0, 0, 0], Names, scales);
        var again = new LimeExplainer(new LimeOptions(Seed: 7)).Explain(step, [0, 0, 0], Names, scales);
        var other = new LimeExplainer(new LimeOptions(Seed: 8)).Explain(step, [0, 0, 0], Names, scales);

        again.Should().BeEquivalentTo(first);
        again.Fidelity.Should().Be(first.Fidelity);
        other.Weights[0].Coefficient.Should().NotBe(first.Weights[0].Coefficient);
        other.Seed.Should().Be(8);
    }

    [Fact]
    public void FeatureWithZeroScaleIsHeldFixedAndGetsNoWeight()
    {
        var explanation = new LimeExplainer().Explain(Each(x => Linear(x)[0]), [0, 0, 0], Names, [1, 0, 1]);

        explanation.Weights[1].Coefficient.Should().Be(0);
        explanation.Weights[1].Slope.Should().Be(0);
        explanation.Weights[0].Slope.Should().BeApproximately(2, 0.02);
        explanation.Fidelity.Should().BeGreaterThan(0.99);
    }

    [Fact]
    public void TrainedTreeFilterGivesThePlantedFeatureTheLargestWeight()
    {
        var scales = LimeExplainer.StandardDeviations(planted.TrainRows);
        var row = new double[PlantedThreshold.Schema.Count];
        row[PlantedThreshold.PlantedIndex] = 0.2;
        row[PlantedThreshold.RsiIndex] = 30;

        var explanation = new LimeExplainer(new LimeOptions(Seed: 1)).Explain(
            LimeExplainer.StageOneScore(planted.Filter), row, PlantedThreshold.Schema.Names, scales);

        output.WriteLine($"score {explanation.Score:0.000}, intercept {explanation.Intercept:0.000}, fidelity {explanation.Fidelity:0.000}");
        foreach (var w in explanation.Weights) output.WriteLine($"{w.Feature,-10} coefficient {w.Coefficient,8:0.000}  slope {w.Slope,8:0.000}");
        var largest = explanation.Weights.MaxBy(w => Math.Abs(w.Coefficient))!;
        largest.Feature.Should().Be(PlantedThreshold.Schema.Names[PlantedThreshold.PlantedIndex]);
        largest.Coefficient.Should().BeGreaterThan(0, "crossing the planted threshold upwards makes an item actionable");
        explanation.Score.Should().Be(planted.Filter.Evaluate(row).Score);
        explanation.Fidelity.Should().BeInRange(0, 1);
    }

    [Fact]
    public void MismatchedScalesAreRejected()
    {
        var act = () => new LimeExplainer().Explain(Each(x => x[0]), [0, 0, 0], Names, [1, 1]);
        act.Should().Throw<ArgumentException>().WithParameterName("scales");
    }
}
