using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;

namespace SignalEngine.Tests.Stages.MetaLearner;

/// <summary>The pool's state as outcomes arrive: base rates that forget, weights re-chosen by recent losses, honest base-rate draws.</summary>
public sealed class ForecastPoolTests
{
    private static readonly SignalAction[] Old = [.. Enumerable.Repeat(SignalAction.Buy, 60), .. Enumerable.Repeat(SignalAction.Hold, 40)];
    private static readonly SignalAction[] New = [.. Enumerable.Repeat(SignalAction.Sell, 30), .. Enumerable.Repeat(SignalAction.Hold, 20)];

    [Fact]
    public void CarryingTheBaseRatesForwardEqualsCountingEverythingByRecency()
    {
        var decay = Math.Exp(-1 / 80.0);
        var (oldRates, oldCount) = ForecastPool.Counted(Old, Weights(Old.Length, decay));
        var carried = ForecastPool.StackingOnly with { BaseRates = oldRates, Outcomes = oldCount };

        var updated = carried.Updated(New, decay);
        SignalAction[] all = [.. Old, .. New];
        var (expected, expectedCount) = ForecastPool.Counted(all, Weights(all.Length, decay));

        updated.BaseRates.Buy.Should().BeApproximately(expected.Buy, 1e-12);
        updated.BaseRates.Sell.Should().BeApproximately(expected.Sell, 1e-12);
        updated.BaseRates.Hold.Should().BeApproximately(expected.Hold, 1e-12);
        updated.Outcomes.Should().BeApproximately(expectedCount, 1e-9);
        updated.ShareUp.Should().BeApproximately(expected.Buy / (expected.Buy + expected.Sell), 1e-12);
        (carried with { Outcomes = 0 }).Updated(New, decay).BaseRates.Should().Be(oldRates, "without counts a batch must not replace the frequencies");
    }

    [Fact]
    public void WeightsMoveToTheComponentThatHasForecastBestLately()
    {
        // Stacking was right on the held-out items; since then stage 1 alone has been, for many outcomes.
        var rates = new ClassProbabilities(0.3, 0.3, 0.4);
        var goodForHold = new ClassProbabilities(0.05, 0.05, 0.9);
        var holdLabels = Enumerable.Repeat(SignalAction.Hold, 40).ToArray();
        var pool = ForecastPool.Choose(Repeat(goodForHold, 40), Repeat(0.5, 40), holdLabels, rates, 0.5);
        pool.Stacking.Should().Be(1);

        var buyLabels = Enumerable.Repeat(SignalAction.Buy, 400).ToArray();
        var later = pool.Rechosen(Repeat(goodForHold, 400), Repeat(0.95, 400), buyLabels, Math.Exp(-1 / 100.0));

        later.StageOne.Should().BeGreaterThan(0.5, "stage 1 said actionable, and up is the training share's side");
        later.Stacking.Should().BeLessThan(0.5);
        (later.Stacking + later.StageOne + later.BaseRate).Should().BeApproximately(1, 1e-9);
        ForecastPool.StackingOnly.Rechosen(Repeat(goodForHold, 5), Repeat(0.95, 5), buyLabels[..5], 0.99)
            .Should().Be(ForecastPool.StackingOnly, "a pool without losses (a file from before) keeps its weights");
    }

    [Fact]
    public void BaseRateDrawsCentreOnTheRatesAndNarrowWithTheCount()
    {
        var rates = new ClassProbabilities(0.25, 0.3, 0.45);
        double Spread(double count)
        {
            var draws = (ForecastPool.StackingOnly with { BaseRates = rates, Outcomes = count }).RateDraws(2000, seed: 9);
            draws.Average(d => d.Buy).Should().BeApproximately(0.25, 1e-9, "antithetic pairs");
            draws.Should().OnlyContain(d => Math.Abs(d.Buy + d.Sell + d.Hold - 1) < 1e-12);
            return Math.Sqrt(draws.Average(d => (d.Buy - 0.25) * (d.Buy - 0.25)));
        }

        Spread(300).Should().BeApproximately(Math.Sqrt(0.25 * 0.75 / 301), 0.002, "the Dirichlet's spread at n = 300");
        Spread(3000).Should().BeLessThan(Spread(300) / 3);
        (ForecastPool.StackingOnly with { BaseRates = rates }).RateDraws(4, seed: 9)
            .Should().OnlyContain(d => Math.Abs(d.Buy - 0.25) < 1e-12 && Math.Abs(d.Sell - 0.3) < 1e-12, "no counts, no spread");
    }

    private static double[] Weights(int count, double decay) => [.. Enumerable.Range(0, count).Select(i => Math.Pow(decay, count - 1 - i))];

    private static T[] Repeat<T>(T value, int count) => [.. Enumerable.Repeat(value, count)];
}
