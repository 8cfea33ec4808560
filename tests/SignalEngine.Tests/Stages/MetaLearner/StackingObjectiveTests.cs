using SignalEngine.Stages.MetaLearner;

namespace SignalEngine.Tests.Stages.MetaLearner;

public sealed class StackingObjectiveTests
{
    private const double Step = 1e-5;

    private readonly StackingDesign _design = new(SyntheticStacking.Models);
    private readonly SyntheticStacking.Sample _sample = SyntheticStacking.ContextDependent(400, seed: 11);
    private readonly StackingObjective _objective;
    private readonly BayesianStackingMetaLearner _fit;

    public StackingObjectiveTests()
    {
        // The fit weights its items by recency (MetaLearnerOptions.MemoryOutcomes): the objective checked is that one.
        _objective = new StackingObjective(
            _design, _sample.Inputs, _sample.Labels, GaussianPrior.Default(_design, SyntheticStacking.Options),
            SyntheticStacking.Options.RecencyWeights(_sample.Labels.Count));
        _fit = BayesianStackingMetaLearner.Fit(
            _sample.Inputs, _sample.Labels, SyntheticStacking.Models, SyntheticStacking.Options, "test");
    }

    [Fact]
    public void GradientAtTheMapIsZeroAnalyticallyAndByFiniteDifferences()
    {
        var mode = _fit.Posterior.Mean.ToArray();

        _fit.Fitting!.GradientNorm.Should().BeLessThan(1e-8);
        Norm(_objective.Gradient(mode)).Should().BeLessThan(1e-8);
        foreach (var component in FiniteDifferenceGradient(mode)) Math.Abs(component).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void GradientMatchesFiniteDifferencesAwayFromTheMap()
    {
        var point = RandomPoint(seed: 3);

        var analytic = _objective.Gradient(point);
        var numeric = FiniteDifferenceGradient(point);

        Norm(analytic).Should().BeGreaterThan(1.0, "the check is only meaningful where the gradient is not zero");
        for (var a = 0; a < analytic.Length; a++)
            analytic[a].Should().BeApproximately(numeric[a], 1e-5 * Math.Max(1.0, Math.Abs(analytic[a])));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HessianMatchesFiniteDifferencesOfTheGradient(bool atTheMap)
    {
        var point = atTheMap ? _fit.Posterior.Mean.ToArray() : RandomPoint(seed: 5);
        var hessian = _objective.Hessian(point);

        for (var b = 0; b < point.Length; b++)
        {
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[b] += Step;
            minus[b] -= Step;
            var gradientPlus = _objective.Gradient(plus);
            var gradientMinus = _objective.Gradient(minus);
            for (var a = 0; a < point.Length; a++)
            {
                var numeric = (gradientPlus[a] - gradientMinus[a]) / (2 * Step);
                hessian[a, b].Should().BeApproximately(numeric, 1e-5 * Math.Max(1.0, Math.Abs(numeric)));
            }
        }
    }

    [Fact]
    public void LaplaceCovarianceIsTheInverseNegativeHessianAtTheMap()
    {
        var mode = _fit.Posterior.Mean.ToArray();
        var hessian = _objective.Hessian(mode);
        var n = mode.Length;

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var product = 0.0;
                for (var k = 0; k < n; k++) product -= hessian[i, k] * _fit.Posterior.Covariance(k, j);
                product.Should().BeApproximately(i == j ? 1.0 : 0.0, 1e-8);
            }
        }
    }

    private double[] FiniteDifferenceGradient(double[] point)
    {
        var gradient = new double[point.Length];
        for (var a = 0; a < point.Length; a++)
        {
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[a] += Step;
            minus[a] -= Step;
            gradient[a] = (_objective.LogPosterior(plus) - _objective.LogPosterior(minus)) / (2 * Step);
        }

        return gradient;
    }

    private double[] RandomPoint(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, _objective.ParameterCount).Select(_ => 0.5 * SyntheticStacking.Normal(random))];
    }

    private static double Norm(double[] vector) => Math.Sqrt(vector.Sum(value => value * value));
}
