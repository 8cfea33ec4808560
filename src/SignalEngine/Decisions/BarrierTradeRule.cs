using SignalEngine.Labels;

namespace SignalEngine.Decisions;

/// <summary>Posterior predictive probabilities of the triple-barrier outcomes: upper first, lower first, neither.</summary>
public sealed record OutcomeProbabilities(double Buy, double Sell, double Hold);

/// <summary>Settings of <see cref="BarrierTradeRule"/>; bind from configuration and validate at start.</summary>
public sealed record BarrierTradeRuleOptions
{
    /// <summary>Cost of opening and closing one unit of position (spread, fees, impact), in basis points of notional.
    /// A backtest that charges per unit traded charges half of this on each side.</summary>
    [Range(0, 1000)] public double RoundTripCostBasisPoints { get; init; } = 5;

    /// <summary>Share of posterior draws whose net payoff must be positive before the rule acts.</summary>
    [Range(0.5, 1)] public double Certainty { get; init; } = 0.9;

    /// <summary>
    /// Expected return of a long whose barriers were both missed by the horizon. The close at the horizon lies
    /// between the barriers and, without drift, averages about 0; a desk that knows its series drifts can say so.
    /// </summary>
    [Range(-0.1, 0.1)] public double TimeoutReturn { get; init; }
}

/// <summary>Why the rule acted or held.</summary>
public enum TradeReason
{
    /// <summary>The side's expected payoff net of cost is positive with the configured certainty.</summary>
    EdgeAboveCost = 0,

    /// <summary>Neither side's expected payoff covers the round-trip cost.</summary>
    EdgeBelowCost = 1,

    /// <summary>The better side's expected net payoff is positive, but too few posterior draws agree.</summary>
    Uncertain = 2,
}

/// <summary>What the rule decided for one item.</summary>
/// <param name="Action">BUY, SELL or HOLD.</param>
/// <param name="Reason">Why; <see cref="BarrierTradeRule.Describe"/> gives the sentence for the signal.</param>
/// <param name="Side">The side that was weighed: the action, or for a HOLD the side with the better expected net payoff.</param>
/// <param name="ExpectedNetPayoff">That side's expected return of the barrier trade after the round-trip cost, under the
/// posterior predictive means.</param>
/// <param name="ShareInFavour">Share of posterior draws under which that side's net payoff is positive.</param>
public sealed record TradeDecision(SignalAction Action, TradeReason Reason, SignalAction Side, double ExpectedNetPayoff, double ShareInFavour)
{
    public string Describe() => BarrierTradeRule.Describe(Reason);
}

/// <summary>
/// Acts only when the barrier trade pays after costs. A long opened at the item's close earns +Upper if the upper
/// barrier is touched first (probability P(buy)), -Lower if the lower one is (P(sell)), and the timeout return if
/// neither is by the horizon (P(hold)); a short earns the negatives. BUY when the long's expected payoff minus the
/// round-trip cost is positive under the posterior means and under at least the configured share of posterior draws;
/// SELL symmetrically; otherwise HOLD. Because the long's and the short's net payoffs sum to minus twice the cost, at
/// most one side can pass, and a series whose barriers are narrower than the cost never trades.
/// </summary>
public static class BarrierTradeRule
{
    /// <param name="mean">Posterior predictive means of the three outcomes.</param>
    /// <param name="buyDraws">P(buy) under each posterior draw (the same draws, in the same order, for all three spans).</param>
    /// <param name="sellDraws">P(sell) under each draw.</param>
    /// <param name="holdDraws">P(hold) under each draw.</param>
    /// <param name="widths">The item's barrier widths, e.g. <see cref="BarrierWidths.FromVolatility"/> of its sigma.</param>
    /// <exception cref="ArgumentException">No draws, spans of different lengths, or non-finite probabilities.</exception>
    public static TradeDecision Decide(
        OutcomeProbabilities mean,
        ReadOnlySpan<double> buyDraws,
        ReadOnlySpan<double> sellDraws,
        ReadOnlySpan<double> holdDraws,
        BarrierWidths widths,
        BarrierTradeRuleOptions options)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(options);
        widths.Validate();
        if (!double.IsFinite(mean.Buy) || !double.IsFinite(mean.Sell) || !double.IsFinite(mean.Hold))
            throw new ArgumentException("the mean probabilities must be finite", nameof(mean));
        if (buyDraws.Length == 0) throw new ArgumentException("the rule needs posterior draws", nameof(buyDraws));
        if (sellDraws.Length != buyDraws.Length || holdDraws.Length != buyDraws.Length)
            throw new ArgumentException($"draw counts differ: {buyDraws.Length} buy, {sellDraws.Length} sell, {holdDraws.Length} hold");

        var cost = options.RoundTripCostBasisPoints / 10_000;
        var longPayoff = LongPayoff(mean.Buy, mean.Sell, mean.Hold, widths, options.TimeoutReturn) - cost;
        var shortPayoff = -LongPayoff(mean.Buy, mean.Sell, mean.Hold, widths, options.TimeoutReturn) - cost;
        var side = longPayoff >= shortPayoff ? SignalAction.Buy : SignalAction.Sell;
        var net = Math.Max(longPayoff, shortPayoff);

        var inFavour = 0;
        for (var s = 0; s < buyDraws.Length; s++)
        {
            var gross = LongPayoff(buyDraws[s], sellDraws[s], holdDraws[s], widths, options.TimeoutReturn);
            if (!double.IsFinite(gross)) throw new ArgumentException($"draw {s} has non-finite probabilities");
            if ((side == SignalAction.Buy ? gross : -gross) - cost > 0) inFavour++;
        }
        var share = inFavour / (double)buyDraws.Length;

        // Strict: a payoff of exactly the cost earns nothing, and HOLD commits no capital.
        if (!(net > 0)) return new TradeDecision(SignalAction.Hold, TradeReason.EdgeBelowCost, side, net, share);
        if (share < options.Certainty) return new TradeDecision(SignalAction.Hold, TradeReason.Uncertain, side, net, share);
        return new TradeDecision(side, TradeReason.EdgeAboveCost, side, net, share);
    }

    /// <summary>The sentence a signal carries for the reason.</summary>
    public static string Describe(TradeReason reason) => reason switch
    {
        TradeReason.EdgeAboveCost => "expected payoff beats cost",
        TradeReason.EdgeBelowCost => "edge below cost",
        TradeReason.Uncertain => "uncertain",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>Expected gross return of a long barrier trade: the short's is its negative.</summary>
    public static double LongPayoff(double buy, double sell, double hold, BarrierWidths widths, double timeoutReturn) =>
        buy * widths.Upper - sell * widths.Lower + hold * timeoutReturn;
}
