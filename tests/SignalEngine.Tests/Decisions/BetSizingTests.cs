using SignalEngine.Decisions;
using SignalEngine.Labels;

namespace SignalEngine.Tests.Decisions;

public sealed class BetSizingTests
{
    private static readonly BetSizingOptions Continuous = new() { Outcomes = 3, Step = 0, UncertaintyPenalty = 0 };

    // 2 Φ(z) - 1 with z = (p - 1/K) / sqrt(p (1 - p)), computed with Python's math.erfc:
    // p = 0.6, K = 2: z = 0.1 / sqrt(0.24) = 0.20412, Φ(z) = 0.58087, size 0.16174.
    [Theory]
    [InlineData(0.6, 2, 0.1617435136141736)]
    [InlineData(0.6, 3, 0.41378631892686)]
    [InlineData(0.45, 3, 0.18541001605354057)]
    [InlineData(0.9, 3, 0.941093281384338)]
    public void SizeFollowsTheSizingFormula(double p, int outcomes, double expected)
    {
        var size = BetSizing.Size(SignalAction.Buy, p, 0, Continuous with { Outcomes = outcomes });

        size.Size.Should().BeApproximately(expected, 1e-12);
        size.UnshrunkSize.Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void HoldHasSizeZero()
    {
        BetSizing.Size(SignalAction.Hold, 0.9, 0.01, new BetSizingOptions()).Size.Should().Be(0);
    }

    [Fact]
    public void SignFollowsTheSide()
    {
        var buy = BetSizing.Size(SignalAction.Buy, 0.6, 0, Continuous);
        var sell = BetSizing.Size(SignalAction.Sell, 0.6, 0, Continuous);

        buy.Size.Should().BeApproximately(0.41378631892686, 1e-12);
        sell.Size.Should().BeApproximately(-0.41378631892686, 1e-12);
    }

    [Fact]
    public void PosteriorUncertaintyShrinksTheSizeToThatOfTheLowerBound()
    {
        // p = 0.6 with sd 0.05 and one sd off: sized as p = 0.55, 2 Φ((0.55 - 1/3) / sqrt(0.55 * 0.45)) - 1 = 0.33681.
        var size = BetSizing.Size(SignalAction.Buy, 0.6, 0.05, Continuous with { UncertaintyPenalty = 1 });

        size.ShrunkProbability.Should().BeApproximately(0.55, 1e-12);
        size.Size.Should().BeApproximately(0.33681235268841614, 1e-12);
        size.UnshrunkSize.Should().BeApproximately(0.41378631892686, 1e-12);
        (size.UnshrunkSize - size.ContinuousSize).Should().BeApproximately(0.41378631892686 - 0.33681235268841614, 1e-12, "the explanation reports what the uncertainty cost");
    }

    [Fact]
    public void SizesAreRoundedToTheStep()
    {
        // p = 0.5, sd 0.03, two sd off: p' = 0.44, continuous size 0.17014, rounded to steps of 0.1: 0.2; of 0.25: 0.25.
        var options = new BetSizingOptions { Outcomes = 3, UncertaintyPenalty = 2, Step = 0.1 };

        var tenths = BetSizing.Size(SignalAction.Sell, 0.5, 0.03, options);
        tenths.ContinuousSize.Should().BeApproximately(0.17014389616608994, 1e-12);
        tenths.Size.Should().BeApproximately(-0.2, 1e-12);
        BetSizing.Size(SignalAction.Sell, 0.5, 0.03, options with { Step = 0.25 }).Size.Should().BeApproximately(-0.25, 1e-12);
        BetSizing.Size(SignalAction.Buy, 0.999999, 0, options with { Step = 0.3 }).Size.Should().BeApproximately(0.9, 1e-12, "rounding never goes above 1");
    }

    [Fact]
    public void AProbabilityNoBetterThanAGuessSizesToZeroRatherThanReversingTheSide()
    {
        BetSizing.Size(SignalAction.Buy, 0.3, 0, Continuous).Size.Should().Be(0);
        BetSizing.Size(SignalAction.Sell, 0.4, 0.1, Continuous with { UncertaintyPenalty = 1 }).Size.Should().Be(0, "0.4 - 0.1 is below 1/3");
        BetSizing.Size(SignalAction.Buy, 1, 0, Continuous).Size.Should().Be(1);
    }

    [Fact]
    public void InvalidInputsAreRejected()
    {
        var act = () => BetSizing.Size(SignalAction.Buy, 1.2, 0, Continuous);
        act.Should().Throw<ArgumentOutOfRangeException>();
        var negative = () => BetSizing.Size(SignalAction.Buy, 0.5, -0.1, Continuous);
        negative.Should().Throw<ArgumentOutOfRangeException>();
    }
}
