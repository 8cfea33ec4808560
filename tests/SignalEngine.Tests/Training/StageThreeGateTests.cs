using SignalEngine.Bundle;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Tests.Stages.MetaLearner;
using SignalEngine.Training;

namespace SignalEngine.Tests.Training;

/// <summary>A stage 3 that forecast worse than the base rates in the nested walk-forward does not ship (issue 11).</summary>
public sealed class StageThreeGateTests
{
    private static PipelineMetrics NestedSkill(double skill) => new(1000, 0, double.NaN, double.NaN, 0.3, 0.2, 1.0 - skill, 0.6, 1.0, skill);

    [Fact]
    public void WorseThanTheBaseRatesShipsTheBaseRatesAndSaysWhy()
    {
        var sample = SyntheticStacking.ContextDependent(2000, seed: 3);
        var fitted = BayesianStackingKind.Instance.Fit(sample.Inputs, sample.Labels, SyntheticStacking.Models, SyntheticStacking.Options, "v1", 1);

        var (model, fallback) = BundleTrainer.Shippable(BayesianStackingKind.Instance, fitted, NestedSkill(-0.012));

        fallback.Should().Be("base rates: in the nested walk-forward stage 3 forecast worse than the label frequencies (log-loss skill -0.0120)");
        var rates = ((BayesianStackingMetaLearner)fitted).Pool.BaseRates;
        foreach (var input in sample.Inputs.Take(50))
        {
            var p = model.Predict(input).Mean;
            p.Buy.Should().BeApproximately(rates.Buy, 1e-9, "every forecast is the label frequencies, whatever the stage outputs");
            p.Sell.Should().BeApproximately(rates.Sell, 1e-9);
        }
        var updated = (BayesianStackingMetaLearner)BayesianStackingKind.Instance.Update(model, sample.Inputs.Take(100).ToArray(), sample.Labels.Take(100).ToArray(), "v2");
        (updated.Pool.Stacking, updated.Pool.StageOne, updated.Pool.BaseRate).Should().Be((0, 0, 1), "new outcomes move the frequencies, never the weights back to stacking");
    }

    [Theory]
    [InlineData(0.004)]
    [InlineData(double.NaN)] // too few folds for a nested figure
    public void AStageThreeNotWorseThanTheBaseRatesShipsAsFitted(double skill)
    {
        var sample = SyntheticStacking.ContextDependent(500, seed: 4);
        var fitted = BayesianStackingKind.Instance.Fit(sample.Inputs, sample.Labels, SyntheticStacking.Models, SyntheticStacking.Options, "v1", 1);

        var (model, fallback) = BundleTrainer.Shippable(BayesianStackingKind.Instance, fitted, NestedSkill(skill));

        model.Should().BeSameAs(fitted);
        fallback.Should().BeNull();
    }
}
