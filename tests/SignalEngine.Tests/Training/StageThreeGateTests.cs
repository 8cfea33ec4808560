using SignalEngine.Bundle;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Tests.Stages.MetaLearner;
using SignalEngine.Training;

namespace SignalEngine.Tests.Training;

/// <summary>A stage 3 that forecast worse than the base rates in the nested walk-forward does not ship (issue 11).</summary>
public sealed class StageThreeGateTests
{
    private static PipelineMetrics NestedSkill(double skill) => new(1000, 0, double.NaN, double.NaN, 0.3, 0.2, 1.0 - skill, 0.6, 1.0, skill);

    /// <summary>The single stacking model, and the default average over memories whose members each fall back.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WorseThanTheBaseRatesShipsTheBaseRatesAndSaysWhy(bool averagedOverMemories)
    {
        var sample = SyntheticStacking.ContextDependent(2000, seed: 3);
        var options = averagedOverMemories ? SyntheticStacking.Options : SyntheticStacking.Options with { Memories = null };
        var fitted = BayesianStackingKind.Instance.Fit(sample.Inputs, sample.Labels, SyntheticStacking.Models, options, "v1", 1);

        var (model, fallback) = BundleTrainer.Shippable(BayesianStackingKind.Instance, fitted, NestedSkill(-0.012));

        fallback.Should().Be("base rates: in the nested walk-forward stage 3 forecast worse than the label frequencies (log-loss skill -0.0120)");
        var (buy, sell) = fitted switch
        {
            MemoryAveragedStacking average => (
                average.Members.Select((m, k) => average.Weights[k] * m.Pool.BaseRates.Buy).Sum(),
                average.Members.Select((m, k) => average.Weights[k] * m.Pool.BaseRates.Sell).Sum()),
            _ => (((BayesianStackingMetaLearner)fitted).Pool.BaseRates.Buy, ((BayesianStackingMetaLearner)fitted).Pool.BaseRates.Sell),
        };
        foreach (var input in sample.Inputs.Take(50))
        {
            var p = model.Predict(input).Mean;
            p.Buy.Should().BeApproximately(buy, 1e-9, "every forecast is the label frequencies, whatever the stage outputs");
            p.Sell.Should().BeApproximately(sell, 1e-9);
        }
        var updated = BayesianStackingKind.Instance.Update(model, sample.Inputs.Take(100).ToArray(), sample.Labels.Take(100).ToArray(), "v2");
        var pools = updated is MemoryAveragedStacking a ? a.Members.Select(m => m.Pool) : [((BayesianStackingMetaLearner)updated).Pool];
        pools.Select(p => (p.Stacking, p.StageOne, p.BaseRate)).Should().AllBeEquivalentTo((0.0, 0.0, 1.0), "new outcomes move the frequencies, never the weights back to stacking");
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
