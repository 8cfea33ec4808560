using SignalEngine.Labels;

namespace SignalEngine.Tests.Labels;

public sealed class TripleBarrierLabelerTests
{
    /// <summary>
    /// Returns alternate +1% / -1% for the volatility window, so sigma is known by hand, then the paths below touch the
    /// upper barrier, the lower barrier, or neither within the horizon.
    /// </summary>
    private static List<double> Warmup(int bars)
    {
        var close = new List<double> { 100 };
        for (var i = 0; i < bars; i++) close.Add(close[^1] * Math.Exp(i % 2 == 0 ? 0.01 : -0.01));
        return close;
    }

    private static readonly LabelConfig Config = new() { Horizon = 4, BarrierWidth = 1.0, VolatilityWindow = 4 };

    [Fact]
    public void Sigma_is_the_sample_standard_deviation_of_the_window_returns()
    {
        // Returns +1%, -1%, +1%, -1%: mean 0, sample variance 4e-4 / 3.
        TripleBarrierLabeler.Volatility(Warmup(4), 4, 4).Should().BeApproximately(Math.Sqrt(4e-4 / 3), 1e-12);
    }

    [Theory]
    [InlineData(new[] { 0.01, 0.014, 0.0, 0.0 }, SignalAction.Buy)]    // +2.4% passes the upper barrier
    [InlineData(new[] { -0.01, -0.014, 0.0, 0.0 }, SignalAction.Sell)] // -2.4% passes the lower barrier
    [InlineData(new[] { 0.01, -0.01, 0.01, -0.01 }, SignalAction.Hold)]
    [InlineData(new[] { 0.03, -0.06, 0.0, 0.0 }, SignalAction.Buy)]    // upper touched first: the later fall does not count
    [InlineData(new[] { -0.03, 0.06, 0.0, 0.0 }, SignalAction.Sell)]
    public void The_first_barrier_touched_within_the_horizon_decides(double[] forwardReturns, SignalAction expected)
    {
        // sigma = 0.011547, so the barriers sit at +/- 1.0 * sigma * sqrt(4) = 2.309% in log terms.
        var close = Warmup(4);
        foreach (var r in forwardReturns) close.Add(close[^1] * Math.Exp(r));

        TripleBarrierLabeler.Label(close, Config)[4].Should().Be(expected);
    }

    [Fact]
    public void A_move_just_inside_the_barrier_is_hold()
    {
        var close = Warmup(4);
        foreach (var r in new[] { 0.01, 0.013, 0.0, 0.0 }) close.Add(close[^1] * Math.Exp(r)); // 2.3% < 2.309%

        TripleBarrierLabeler.Label(close, Config)[4].Should().Be(SignalAction.Hold);
    }

    [Fact]
    public void Labels_are_unknown_in_the_warmup_and_the_last_horizon_bars()
    {
        var close = Warmup(30);

        var labels = TripleBarrierLabeler.Label(close, Config);

        labels.Take(4).Should().OnlyContain(l => l == null);
        labels.Skip(close.Count - 4).Should().OnlyContain(l => l == null);
        labels.Skip(4).Take(close.Count - 8).Should().OnlyContain(l => l != null);
    }

    [Fact]
    public void Flat_prices_have_no_label()
    {
        TripleBarrierLabeler.Label(Enumerable.Repeat(5.0, 20).ToArray(), Config).Should().OnlyContain(l => l == null);
    }

    [Fact]
    public void Forward_log_returns_look_exactly_horizon_bars_ahead()
    {
        var returns = TripleBarrierLabeler.ForwardLogReturns([1.0, 2.0, 4.0, 8.0], 2);

        returns[0].Should().BeApproximately(Math.Log(4), 1e-12);
        returns[1].Should().BeApproximately(Math.Log(4), 1e-12);
        returns[2].Should().BeNull();
        returns[3].Should().BeNull();
    }
}
