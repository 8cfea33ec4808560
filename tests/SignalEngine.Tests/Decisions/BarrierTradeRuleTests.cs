using SignalEngine.Decisions;
using SignalEngine.Labels;

namespace SignalEngine.Tests.Decisions;

public sealed class BarrierTradeRuleTests
{
    // Barriers 2% either side as simple returns, 5 bp round trip, 80% certainty, no timeout return.
    private static readonly BarrierWidths TwoPercent = new(0.02, 0.02);
    private static readonly BarrierTradeRuleOptions Options = new() { RoundTripCostBasisPoints = 5, Certainty = 0.8 };

    /// <summary>Ten draws: <paramref name="agreeing"/> of them equal to the mean, the others with buy and sell swapped.</summary>
    private static (double[] Buy, double[] Sell, double[] Hold) Draws(OutcomeProbabilities mean, int agreeing)
    {
        var buy = new double[10];
        var sell = new double[10];
        var hold = new double[10];
        for (var s = 0; s < 10; s++)
        {
            (buy[s], sell[s]) = s < agreeing ? (mean.Buy, mean.Sell) : (mean.Sell, mean.Buy);
            hold[s] = mean.Hold;
        }
        return (buy, sell, hold);
    }

    private static TradeDecision Decide(OutcomeProbabilities mean, int agreeing, BarrierWidths widths, BarrierTradeRuleOptions options)
    {
        var (buy, sell, hold) = Draws(mean, agreeing);
        return BarrierTradeRule.Decide(mean, buy, sell, hold, widths, options);
    }

    [Fact]
    public void BuysWhenTheLongPaysAfterCostUnderEnoughDraws()
    {
        // 0.45 * 2% - 0.25 * 2% + 0.30 * 0 - 0.05% = 0.35%; 9 of 10 draws agree.
        var decision = Decide(new OutcomeProbabilities(0.45, 0.25, 0.30), 9, TwoPercent, Options);

        decision.Action.Should().Be(SignalAction.Buy);
        decision.Reason.Should().Be(TradeReason.EdgeAboveCost);
        decision.ExpectedNetPayoff.Should().BeApproximately(0.0035, 1e-12);
        decision.ShareInFavour.Should().Be(0.9);
    }

    [Fact]
    public void SellsSymmetrically()
    {
        var decision = Decide(new OutcomeProbabilities(0.25, 0.45, 0.30), 10, TwoPercent, Options);

        decision.Action.Should().Be(SignalAction.Sell);
        decision.ExpectedNetPayoff.Should().BeApproximately(0.0035, 1e-12);
        decision.ShareInFavour.Should().Be(1);
    }

    [Fact]
    public void HoldsAsUncertainWhenTooFewDrawsAgree()
    {
        // The mean pays, but 3 of 10 draws have buy and sell swapped, and 7/10 is under the 80% asked for.
        var decision = Decide(new OutcomeProbabilities(0.45, 0.25, 0.30), 7, TwoPercent, Options);

        decision.Action.Should().Be(SignalAction.Hold);
        decision.Reason.Should().Be(TradeReason.Uncertain);
        decision.Describe().Should().Be("uncertain");
        decision.Side.Should().Be(SignalAction.Buy);
        decision.ShareInFavour.Should().Be(0.7);
    }

    [Fact]
    public void BarriersNarrowerThanTheCostNeverTrade()
    {
        // 4 bp barriers against a 5 bp round trip: even a certain upper touch loses 1 bp.
        var narrow = new BarrierWidths(0.0004, 0.0004);

        var decision = Decide(new OutcomeProbabilities(1, 0, 0), 10, narrow, Options);

        decision.Action.Should().Be(SignalAction.Hold);
        decision.Reason.Should().Be(TradeReason.EdgeBelowCost);
        decision.Describe().Should().Be("edge below cost");
        decision.ExpectedNetPayoff.Should().BeApproximately(-0.0001, 1e-12);
        decision.ShareInFavour.Should().Be(0);
    }

    [Fact]
    public void AnEdgeSmallerThanTheCostHolds()
    {
        // 0.36 * 2% - 0.34 * 2% = 4 bp gross, under the 5 bp cost, although BUY is the likelier barrier.
        var decision = Decide(new OutcomeProbabilities(0.36, 0.34, 0.30), 10, TwoPercent, Options);

        decision.Action.Should().Be(SignalAction.Hold);
        decision.Reason.Should().Be(TradeReason.EdgeBelowCost);
        decision.ExpectedNetPayoff.Should().BeApproximately(0.0004 - 0.0005, 1e-12);
    }

    [Fact]
    public void BarrierWidthsFromVolatilityAreTheLabellersAndFavourTheLongAtEvenOdds()
    {
        // sigma 1%, k = 1, H = 4: w = 2% in log terms: Upper = e^0.02 - 1, Lower = 1 - e^-0.02 (Python's math.expm1).
        var widths = BarrierWidths.FromVolatility(0.01, new LabelConfig { BarrierWidth = 1, Horizon = 4 });
        widths.Upper.Should().BeApproximately(0.02020134002675581, 1e-15);
        widths.Lower.Should().BeApproximately(0.0198013266932447, 1e-15);

        // Even odds pay the long 0.35 * (Upper - Lower) = 1.4 bp: above a zero cost, below a 5 bp one.
        var even = new OutcomeProbabilities(0.35, 0.35, 0.30);
        var free = Decide(even, 10, widths, Options with { RoundTripCostBasisPoints = 0 });
        free.Action.Should().Be(SignalAction.Buy);
        free.ExpectedNetPayoff.Should().BeApproximately(0.00014000466672888998, 1e-15);
        Decide(even, 10, widths, Options).Action.Should().Be(SignalAction.Hold);
    }

    [Fact]
    public void TheTimeoutReturnCountsWithTheHoldProbability()
    {
        // Even barrier odds, 80% timeout at +0.1%: long 0.8 * 0.1% - 0.05% = 3 bp; the short loses 13 bp.
        var mean = new OutcomeProbabilities(0.1, 0.1, 0.8);
        var decision = Decide(mean, 10, TwoPercent, Options with { TimeoutReturn = 0.001 });

        decision.Action.Should().Be(SignalAction.Buy);
        decision.ExpectedNetPayoff.Should().BeApproximately(0.0003, 1e-12);
    }

    [Fact]
    public void MismatchedOrMissingDrawsAreRejected()
    {
        var mean = new OutcomeProbabilities(0.45, 0.25, 0.30);
        var mismatched = () => BarrierTradeRule.Decide(mean, [0.4, 0.5], [0.3], [0.3, 0.2], TwoPercent, Options);
        mismatched.Should().Throw<ArgumentException>();
        var none = () => BarrierTradeRule.Decide(mean, [], [], [], TwoPercent, Options);
        none.Should().Throw<ArgumentException>();
        var negative = () => BarrierTradeRule.Decide(mean, [0.4], [0.3], [0.3], new BarrierWidths(-0.01, 0.01), Options);
        negative.Should().Throw<ArgumentOutOfRangeException>();
    }
}
