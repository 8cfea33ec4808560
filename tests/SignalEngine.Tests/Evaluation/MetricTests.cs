using SignalEngine.Evaluation;
using SignalEngine.Labels;
using SignalEngine.Scoring;
using SignalEngine.Stages.MetaLearner;

namespace SignalEngine.Tests.Evaluation;

/// <summary>Every metric the reports print, against values computed by hand.</summary>
public sealed class MetricTests
{
    /// <summary>
    /// Certain forecasts (confidence 0 or 1) are never wrong by chance; at confidence 0.5, 4,000 forecasts in 10 bins of
    /// 400 miss by E|Binomial(400, 0.5) - 200| / 400 ≈ sqrt(400 · 0.25) · sqrt(2 / π) / 400 = 0.0199 on average.
    /// </summary>
    [Fact]
    public void TheChanceEceOfACalibratedForecastIsTheBinomialNoiseOfItsBins()
    {
        Calibration.CalibratedReference([.. Enumerable.Repeat(1.0, 500), .. Enumerable.Repeat(0.0, 500)]).Should().Be((0.0, 0.0));

        var (mean, p90) = Calibration.CalibratedReference(Enumerable.Repeat(0.5, 4000).ToArray(), replicates: 400);

        mean.Should().BeApproximately(10 * Math.Sqrt(2 / Math.PI) / 400, 0.0015);
        p90.Should().BeGreaterThan(mean);
        Calibration.CalibratedReference(Enumerable.Repeat(0.5, 40000).ToArray()).Mean.Should().BeLessThan(mean / 2, "ten times the forecasts, a third of the noise");
    }

    /// <summary>
    /// Overlapping labels make a calibrated forecast's ECE noisier: at ū = 1 the correlated reference is the independent
    /// one (in distribution), at ū = 0.1 (10-bar labels) consecutive outcomes move together and a bin of 400 consecutive
    /// bars holds far fewer independent outcomes; the correlation runs within a series, not across interleaved ones.
    /// </summary>
    [Fact]
    public void OutcomesThatOverlapRaiseTheChanceEceAndOnlyWithinTheirSeries()
    {
        var confidence = Enumerable.Repeat(0.5, 4000).ToArray();
        var one = new int[4000];
        var independent = Calibration.CalibratedReference(confidence, replicates: 400).Mean;

        Calibration.CalibratedReference(confidence, one, 1.0, replicates: 400).Mean.Should().BeApproximately(independent, 0.002);
        var overlapping = Calibration.CalibratedReference(confidence, one, 0.1, replicates: 400);
        overlapping.Mean.Should().BeGreaterThan(2 * independent, "400 consecutive 10-bar labels are worth far fewer than 400 outcomes");
        overlapping.P90.Should().BeGreaterThan(overlapping.Mean);
        var interleaved = Enumerable.Range(0, 4000).Select(i => i % 4).ToArray();
        Calibration.CalibratedReference(confidence, interleaved, 0.1, replicates: 400).Mean.Should().BeLessThan(overlapping.Mean,
            "four series' outcomes in one bin move together only within each series");
        var act = () => Calibration.CalibratedReference(confidence, one, 0, replicates: 10);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void EceUsesEqualMassBins()
    {
        // Sorted confidences split into 2 bins of 2: {0.2, 0.4} with 1 hit, {0.6, 0.8} with 2 hits.
        // |0.3 - 0.5| * 2/4 + |0.7 - 1.0| * 2/4 = 0.1 + 0.15.
        double[] confidence = [0.8, 0.2, 0.6, 0.4];
        bool[] correct = [true, false, true, true];

        var bins = Calibration.Bins(confidence, correct, 2);
        bins.Select(b => b.Count).Should().Equal(2, 2);
        bins[0].MeanConfidence.Should().BeApproximately(0.3, 1e-12);
        bins[0].ObservedFrequency.Should().Be(0.5);
        Calibration.ExpectedCalibrationError(confidence, correct, 2).Should().BeApproximately(0.25, 1e-12);
    }

    [Fact]
    public void EceOfAPerfectlyCalibratedForecastIsZero()
    {
        // Ten predictions at 0.7 with seven hits, ten at 0.2 with two.
        var confidence = Enumerable.Repeat(0.7, 10).Concat(Enumerable.Repeat(0.2, 10)).ToArray();
        var correct = Enumerable.Range(0, 10).Select(i => i < 7).Concat(Enumerable.Range(0, 10).Select(i => i < 2)).ToArray();

        Calibration.ExpectedCalibrationError(confidence, correct, 2).Should().BeApproximately(0, 1e-12);
    }

    [Fact]
    public void BrierLogLossAndPrecision()
    {
        Metrics.Brier([0.9, 0.2], [true, true]).Should().BeApproximately((0.01 + 0.64) / 2, 1e-12);
        Metrics.LogLoss([0.5, 0.25], [true, false]).Should().BeApproximately((Math.Log(2) - Math.Log(0.75)) / 2, 1e-12);
        Metrics.Precision([true, true, false, true], [true, false, true, true]).Should().BeApproximately(2.0 / 3, 1e-12);
        Metrics.Precision([false, false], [true, true]).Should().Be(double.NaN);
    }

    [Fact]
    public void MulticlassBrierLogLossPrecisionAndFalsePositiveRateOfAStrategy()
    {
        var p = new ClassProbabilities(0.6, 0.1, 0.3);
        StrategyCall[] calls = [new(SignalAction.Buy, p), new(SignalAction.Buy, p), new(SignalAction.Hold, p), new(SignalAction.Sell, p)];
        SignalAction[] labels = [SignalAction.Buy, SignalAction.Hold, SignalAction.Hold, SignalAction.Sell];
        var bars = Enumerable.Range(0, 4).Select(i => (0, i, 0.0)).ToArray();

        var m = StrategyScoring.Score("s", calls, labels, bars, 0, 252, 2).Metrics;

        m.Coverage.Should().Be(0.75);
        m.PrecisionBuy.Should().Be(0.5);
        m.PrecisionSell.Should().Be(1);
        m.FalsePositiveRate.Should().Be(0.5, "one of the two HOLD bars got a BUY");
        // Brier per bar: label BUY: 0.16 + 0.01 + 0.09; HOLD: 0.36 + 0.01 + 0.49; SELL: 0.36 + 0.81 + 0.09.
        m.Brier.Should().BeApproximately((0.26 + 0.86 + 0.86 + 1.26) / 4, 1e-12);
        m.LogLoss.Should().BeApproximately(-(Math.Log(0.6) + 2 * Math.Log(0.3) + Math.Log(0.1)) / 4, 1e-12);
    }

    [Fact]
    public void SharpeAndDrawdown()
    {
        // Returns 1%, -1%, 2%, 0%: mean 0.5%, sample sd sqrt((0.25 + 2.25 + 2.25 + 0.25) / 3) % = sqrt(5/3) %.
        Backtest.Sharpe([0.01, -0.01, 0.02, 0.0], 252).Should().BeApproximately(Math.Sqrt(252) * 0.005 / (Math.Sqrt(5.0 / 3) / 100), 1e-9);
        Backtest.Sharpe([0.01, 0.01], 252).Should().Be(0);

        // Peak 1.2, trough 0.9: 25% drawdown; a later high does not undo it.
        Backtest.MaxDrawdown([1.1, 1.2, 1.0, 0.9, 1.3]).Should().BeApproximately(0.25, 1e-12);
        Backtest.MaxDrawdown([0.8, 1.1]).Should().BeApproximately(0.2, 1e-12, "a fall below the starting equity counts");
    }

    [Fact]
    public void BacktestChargesCostsOnEveryChangeOfPosition()
    {
        // Long, long, short, flat with 10 bp: costs 1 + 0 + 2 + 1 units of 0.001.
        var result = Backtest.Run([1, 1, -1, 0], [0.01, 0.02, -0.03, 0.05], 10, 252);

        var expected = (1 + 0.01 - 0.001) * (1 + 0.02) * (1 + 0.03 - 0.002) * (1 - 0.001) - 1;
        result.TotalReturn.Should().BeApproximately(expected, 1e-12);
        result.Turnover.Should().Be(1.0);
    }

    [Fact]
    public void PeriodsPerYearFollowTheBarSpacing()
    {
        DateTimeOffset[] Every(TimeSpan step) => Enumerable.Range(0, 10).Select(i => DateTimeOffset.UnixEpoch + step * i).ToArray();

        // Ten consecutive calendar days include a weekend: daily bars seven days a week are a 365-day year (crypto);
        // the weekday-only series is the daily-equity 252 (see BacktestAnnualisationTests).
        Backtest.PeriodsPerYear(Every(TimeSpan.FromDays(1))).Should().Be(365.25);
        Backtest.PeriodsPerYear(Every(TimeSpan.FromMinutes(5))).Should().BeApproximately(252 * 78, 1e-9);
    }
}
