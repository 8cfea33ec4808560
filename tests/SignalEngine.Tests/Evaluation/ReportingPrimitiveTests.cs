using SignalEngine.Labels;
using SignalEngine.Evaluation;
using SignalEngine.Scoring;

namespace SignalEngine.Tests.Evaluation;

/// <summary>Log-loss skill with its block-bootstrap interval, the probabilistic Sharpe ratio and the ECE's bins.</summary>
public sealed class ReportingPrimitiveTests
{
    [Fact]
    public void LogLossSkillIsOneMinusTheRatioOfLogLosses()
    {
        // Model: -(ln 0.5 + ln 0.6 + ln 0.3 + ln 0.7) / 4 = 0.691155; base rate 0.4 throughout: -ln 0.4 = 0.916291.
        var skill = ForecastSkill.LogLossSkill([0.5, 0.6, 0.3, 0.7], [0.4, 0.4, 0.4, 0.4]);

        skill.ModelLogLoss.Should().BeApproximately(0.6911551381476511, 1e-12);
        skill.ReferenceLogLoss.Should().BeApproximately(0.916290731874155, 1e-12);
        skill.Skill.Should().BeApproximately(0.24570323140344108, 1e-12);
        skill.BlockLength.Should().Be(2, "round(sqrt(4))");
        skill.Lower.Should().BeLessThanOrEqualTo(skill.Upper);
    }

    [Fact]
    public void OneBlockAsLongAsTheSeriesResamplesTheSeriesItself()
    {
        var skill = ForecastSkill.LogLossSkill([0.5, 0.6, 0.3, 0.7], [0.4, 0.4, 0.4, 0.4], blockLength: 4, replicates: 50);

        skill.Lower.Should().BeApproximately(skill.Skill, 1e-12);
        skill.Upper.Should().BeApproximately(skill.Skill, 1e-12);
    }

    [Fact]
    public void TheIntervalIsReproducibleAndExcludesZeroOnlyForARealEdge()
    {
        var random = new Random(5);
        var model = new double[600];
        var reference = new double[600];
        var noisy = new double[600];
        for (var i = 0; i < 600; i++)
        {
            reference[i] = 0.4;
            model[i] = 0.45 + 0.1 * random.NextDouble();        // better than the base rate on every bar
            noisy[i] = random.NextDouble() < 0.5 ? 0.3 : 0.53;   // as good on average: mean log loss about equal
        }

        var edge = ForecastSkill.LogLossSkill(model, reference);
        edge.Should().Be(ForecastSkill.LogLossSkill(model, reference), "a fixed seed gives the same interval");
        edge.Lower.Should().BeGreaterThan(0);
        edge.Level.Should().Be(0.9);

        var none = ForecastSkill.LogLossSkill(noisy, reference);
        none.Lower.Should().BeLessThan(0);
        none.Upper.Should().BeGreaterThan(0);
        none.Lower.Should().BeLessThan(none.Skill);
        none.Upper.Should().BeGreaterThan(none.Skill);
    }

    [Fact]
    public void PrecisionCountsBothSidesAgainstTheReferenceOnTheSameBars()
    {
        SignalAction[] labels = [SignalAction.Buy, SignalAction.Sell, SignalAction.Sell, SignalAction.Hold];
        // Calls on bars 0, 2, 3: BUY right, SELL right, BUY on a HOLD bar: 2 of 3. Stage 1 buys every bar: 1 of 4.
        var estimate = SignalPrecision.Against(
            [SignalAction.Buy, SignalAction.Hold, SignalAction.Sell, SignalAction.Buy], [.. labels.Select(_ => SignalAction.Buy)], labels);

        estimate.Precision.Should().BeApproximately(2.0 / 3, 1e-12);
        (estimate.Signals, estimate.ReferenceSignals).Should().Be((3, 4));
        estimate.Reference.Should().BeApproximately(0.25, 1e-12);
        estimate.Difference.Should().BeApproximately(2.0 / 3 - 0.25, 1e-12);
        estimate.BlockLength.Should().Be(2, "round(sqrt(4))");
        estimate.Lower.Should().BeLessThanOrEqualTo(estimate.Upper);
    }

    [Fact]
    public void APrecisionIntervalTellsARealEdgeFromNoiseAndNoCallsFromEither()
    {
        var random = new Random(9);
        var labels = new SignalAction[2000];
        var better = new SignalAction[2000];
        var coin = new SignalAction[2000];
        var reference = new SignalAction[2000];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = random.NextDouble() < 0.3 ? SignalAction.Buy : SignalAction.Hold;
            reference[i] = SignalAction.Buy;
            // On every fifth bar: one that knows the label buys its BUYs and one HOLD in ten (precision about 0.8
            // against a base rate of 0.3), one that does not buys them all.
            better[i] = i % 5 == 0 && (labels[i] == SignalAction.Buy || random.NextDouble() < 0.1) ? SignalAction.Buy : SignalAction.Hold;
            coin[i] = i % 5 == 0 ? SignalAction.Buy : SignalAction.Hold;
        }

        var edge = SignalPrecision.Against(better, reference, labels);
        edge.Should().Be(SignalPrecision.Against(better, reference, labels), "a fixed seed gives the same interval");
        edge.Lower.Should().BeGreaterThan(0, "right about four times in five where the reference is right three in ten");

        var none = SignalPrecision.Against(coin, reference, labels);
        none.Lower.Should().BeLessThan(0);
        none.Upper.Should().BeGreaterThan(0);

        var silent = SignalPrecision.Against([.. labels.Select(_ => SignalAction.Hold)], reference, labels);
        silent.Signals.Should().Be(0);
        double.IsNaN(silent.Precision).Should().BeTrue();
        double.IsNaN(silent.Lower).Should().BeTrue("no resample has a call to count");
    }

    [Fact]
    public void ProbabilisticSharpeRatioMatchesTheFormula()
    {
        // Python, population moments: SR = 0.560155 (sample sd), γ3 = -0.330007, γ4 = 2.312890;
        // PSR = Φ((SR - SR*) * 3 / sqrt(1 - γ3 SR + (γ4 - 1) / 4 SR²)).
        double[] returns = [0.01, -0.005, 0.02, 0.003, -0.012, 0.008, 0.015, -0.002, 0.006, 0.011];

        var psr = ProbabilisticSharpe.Of(returns);
        psr.Sharpe.Should().BeApproximately(0.560154723450343, 1e-12);
        psr.Skewness.Should().BeApproximately(-0.33000716708252725, 1e-12);
        psr.Kurtosis.Should().BeApproximately(2.3128904569491304, 1e-12);
        psr.Probability.Should().BeApproximately(0.9306707265315068, 1e-12);
        ProbabilisticSharpe.Of(returns, benchmarkSharpe: 0.1).Probability.Should().BeApproximately(0.8880929534569105, 1e-12);
    }

    [Fact]
    public void ProbabilisticSharpeRatioIsUndefinedWithoutVariation()
    {
        ProbabilisticSharpe.Of([0.01, 0.01, 0.01]).Probability.Should().Be(double.NaN);
        ProbabilisticSharpe.Of([0.01, 0.02]).Probability.Should().Be(double.NaN);
    }

    [Fact]
    public void CalibrationSummaryCarriesTheBinsBehindTheEce()
    {
        double[] confidence = [0.8, 0.2, 0.6, 0.4];
        bool[] correct = [true, false, true, true];

        var summary = Calibration.Summarise(confidence, correct, 2);

        summary.ExpectedCalibrationError.Should().BeApproximately(0.25, 1e-12);
        summary.Bins.Select(b => (b.Count, b.MeanConfidence, b.ObservedFrequency)).Should().Equal(
            [(2, 0.3, 0.5), (2, 0.7, 1.0)], (a, b) => a.Item1 == b.Item1 && Math.Abs(a.Item2 - b.Item2) < 1e-12 && a.Item3 == b.Item3);
    }
}
