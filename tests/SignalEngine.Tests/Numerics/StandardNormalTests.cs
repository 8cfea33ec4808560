using SignalEngine.Numerics;

namespace SignalEngine.Tests.Numerics;

public sealed class StandardNormalTests
{
    // Reference values: Python's 0.5 * math.erfc(-x / math.sqrt(2)).
    [Theory]
    [InlineData(-8, 6.220960574271819e-16)]
    [InlineData(-3, 0.0013498980316300957)]
    [InlineData(-1.5, 0.06680720126885809)]
    [InlineData(-0.5, 0.3085375387259869)]
    [InlineData(0, 0.5)]
    [InlineData(0.3, 0.6179114221889526)]
    [InlineData(1, 0.8413447460685429)]
    [InlineData(1.959963984540054, 0.975)]
    [InlineData(2.5, 0.9937903346742238)]
    [InlineData(6, 0.9999999990134123)]
    public void CdfMatchesReferenceValues(double x, double expected)
    {
        StandardNormal.Cdf(x).Should().BeApproximately(expected, 1e-14);
    }

    [Fact]
    public void FarTailKeepsItsRelativePrecision()
    {
        (StandardNormal.Cdf(-8) / 6.220960574271819e-16).Should().BeApproximately(1, 1e-7);
        StandardNormal.Cdf(-40).Should().Be(0);
        StandardNormal.Cdf(40).Should().Be(1);
        StandardNormal.Cdf(double.NaN).Should().Be(double.NaN);
    }

    [Fact]
    public void DensityAtZeroIsOneOverSqrtTwoPi()
    {
        StandardNormal.Density(0).Should().BeApproximately(1 / Math.Sqrt(2 * Math.PI), 1e-15);
        StandardNormal.Density(1).Should().BeApproximately(Math.Exp(-0.5) / Math.Sqrt(2 * Math.PI), 1e-15);
    }
}
