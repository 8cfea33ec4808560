using SignalEngine.Evaluation;

namespace SignalEngine.Tests.Evaluation;

public sealed class TradeBacktestTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset[] Days(int n) => Enumerable.Range(0, n).Select(i => Start.AddDays(i)).ToArray();

    // Closes of bars 0..7, horizon 3, 10 bp round trip (5 bp per unit of position changed).
    private static readonly double[] Path = [100, 101, 103, 102, 99, 98, 100, 101];

    private static readonly TradeSignal[] Signals =
    [
        new(0, 0.5, 0.025, 0.02),   // A: long 0.5, barriers 102.5 / 98: close 103 at bar 2 touches the upper one.
        new(1, 1.0, 0.05, 0.02),    // B: long 1, barriers 106.05 / 98.98: 103, 102, 99 touch neither: out at the horizon, bar 4.
        new(4, -0.6, 0.03, 0.015),  // C: short 0.6, barriers 101.97 / 97.515: 98, 100, 101 touch neither: out at bar 7.
        new(5, 0, 0.03, 0.03),      // HOLD: size 0 opens nothing and does not dilute the average.
        new(6, 0.4, 0.1, 0.1),      // E: long 0.4: the data ends at bar 7, one bar in.
    ];

    [Fact]
    public void BetsCloseAtTheFirstBarrierOrTheHorizonAndOverlappingBetsAverage()
    {
        var result = TradeBacktest.Run([new InstrumentTrades("x", Days(8), Path, Signals)], horizon: 3, roundTripCostBasisPoints: 10, periodsPerYear: 252);

        result.TradeLog.Select(t => (t.EntryBar, t.ExitBar, t.Exit)).Should().Equal(
            (0, 2, TradeExit.UpperBarrier), (1, 4, TradeExit.Horizon), (4, 7, TradeExit.Horizon), (6, 7, TradeExit.EndOfData));
        result.TradeLog[0].Return.Should().BeApproximately(0.03, 1e-12);
        result.TradeLog[2].Return.Should().BeApproximately(-(101.0 / 99 - 1), 1e-12, "a short earns the fall");
        result.Trades.Should().Be(4);
        result.AverageHoldingBars.Should().Be((2 + 3 + 3 + 1) / 4.0);

        // Net position after each close: {A} 0.5, {A, B} 0.75, {B} 1, {B} 1, {C} -0.6, {C} -0.6, {C, E} -0.1, none 0.
        // Changes 0.5, 0.25, 0.25, 0, 1.6, 0, 0.5, 0.1, each paying 5 bp per unit.
        const double c = 0.0005;
        double[] expected =
        [
            -0.5 * c,
            0.5 * (101.0 / 100 - 1) - 0.25 * c,
            0.75 * (103.0 / 101 - 1) - 0.25 * c,
            1.0 * (102.0 / 103 - 1),
            1.0 * (99.0 / 102 - 1) - 1.6 * c,
            -0.6 * (98.0 / 99 - 1),
            -0.6 * (100.0 / 98 - 1) - 0.5 * c,
            -0.1 * (101.0 / 100 - 1) - 0.1 * c,
        ];
        result.Returns.Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-12);
        result.TotalReturn.Should().BeApproximately(expected.Aggregate(1.0, (e, r) => e * (1 + r)) - 1, 1e-12);
        result.Turnover.Should().BeApproximately(3.2 / 8, 1e-12);
        result.Times.Should().Equal(Days(8));
        result.Equity[^1].Should().BeApproximately(1 + result.TotalReturn, 1e-12);
        result.Sharpe.Should().BeApproximately(Backtest.Sharpe(expected, 252), 1e-12);
    }

    [Fact]
    public void ARoundedNetPositionTradesOnlyWhenItMovesAStep()
    {
        // Averages 0.5, 0.75, 1, 1, -0.6, -0.6, -0.1, 0 rounded to halves: 0.5, 1, 1, 1, -0.5, -0.5, 0, 0.
        var result = TradeBacktest.Run([new InstrumentTrades("x", Days(8), Path, Signals)], 3, 10, 252, positionStep: 0.5);

        const double c = 0.0005;
        result.Turnover.Should().BeApproximately((0.5 + 0.5 + 1.5 + 0.5) / 8, 1e-12);
        result.Returns[2].Should().BeApproximately(1.0 * (103.0 / 101 - 1), 1e-12);
        result.Returns[4].Should().BeApproximately(1.0 * (99.0 / 102 - 1) - 1.5 * c, 1e-12);
        result.Returns[7].Should().BeApproximately(0, 1e-12, "flat from bar 6 on");
    }

    [Fact]
    public void WithoutSignalsNothingIsTradedOrPaid()
    {
        var result = TradeBacktest.Run([new InstrumentTrades("x", Days(8), Path, [])], 3, 10, 252);

        result.TotalReturn.Should().Be(0);
        result.Turnover.Should().Be(0);
        result.Trades.Should().Be(0);
        result.AverageHoldingBars.Should().Be(double.NaN);
    }

    [Fact]
    public void InstrumentsAreCombinedInEqualWeightOverTheBarsEachTrades()
    {
        // y trades only on the last four days, always long one unit through its whole path.
        var x = new InstrumentTrades("x", Days(8), Path, Signals);
        var y = new InstrumentTrades("y", Days(8)[4..], [50, 51, 52, 53], [new TradeSignal(0, 1, 1, 0.9)]);

        var both = TradeBacktest.Run([x, y], 3, 10, 252);
        var alone = TradeBacktest.Run([x], 3, 10, 252);
        var yAlone = TradeBacktest.Run([y], 3, 10, 252);

        both.Times.Should().Equal(Days(8));
        both.Returns[..4].Should().Equal(alone.Returns[..4], "only x trades on the first four days");
        for (var j = 4; j < 8; j++) both.Returns[j].Should().BeApproximately((alone.Returns[j] + yAlone.Returns[j - 4]) / 2, 1e-15);
        both.PerInstrument.Keys.Should().BeEquivalentTo(["x", "y"]);
        both.Trades.Should().Be(5);
    }

    [Fact]
    public void ABadSignalIsRejectedWithItsBar()
    {
        var outside = () => TradeBacktest.Run([new InstrumentTrades("x", Days(8), Path, [new TradeSignal(9, 1, 0.1, 0.1)])], 3, 10, 252);
        outside.Should().Throw<ArgumentException>().WithMessage("*bar 9*");
        var oversized = () => TradeBacktest.Run([new InstrumentTrades("x", Days(8), Path, [new TradeSignal(1, 1.5, 0.1, 0.1)])], 3, 10, 252);
        oversized.Should().Throw<ArgumentException>().WithMessage("*size 1.5*");
    }
}
