using SignalEngine.Numerics;

namespace SignalEngine.Tests.Numerics;

public sealed class LaplaceEvidenceTests
{
    private static readonly double[,] X = { { 1, 0.5 }, { 1, -1.2 }, { 1, 0.3 }, { 1, 2.0 }, { 1, -0.4 }, { 1, 1.1 } };
    private static readonly double[] Y = [0.9, -0.8, 0.1, 2.4, -0.2, 1.0];
    private const double NoiseSd = 0.5;

    private static double LogNormal(double y, double mean, double sd) => -0.5 * Math.Log(2 * Math.PI * sd * sd) - (y - mean) * (y - mean) / (2 * sd * sd);

    /// <summary>Bayesian linear regression y = X w + N(0, s²): the posterior is Gaussian, so Laplace is exact.</summary>
    private static (double LogLikAtMode, double[] Mode, double[,] Covariance, double[,] Precision) LinearPosterior(double[] priorMean, double[,] priorCovariance)
    {
        var priorPrecision = CholeskyFactor.Of(priorCovariance).Inverse();
        var precision = (double[,])priorPrecision.Clone();
        var rhs = new double[2];
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 2; j++)
            {
                for (var n = 0; n < Y.Length; n++) precision[i, j] += X[n, i] * X[n, j] / (NoiseSd * NoiseSd);
                rhs[i] += priorPrecision[i, j] * priorMean[j];
            }
            for (var n = 0; n < Y.Length; n++) rhs[i] += X[n, i] * Y[n] / (NoiseSd * NoiseSd);
        }
        var factor = CholeskyFactor.Of(precision);
        var mode = factor.Solve(rhs);
        var logLik = Enumerable.Range(0, Y.Length).Sum(n => LogNormal(Y[n], X[n, 0] * mode[0] + X[n, 1] * mode[1], NoiseSd));
        return (logLik, mode, factor.Inverse(), precision);
    }

    /// <summary>The closed form: y ~ N(X μ0, s² I + X Σ0 Xᵀ).</summary>
    private static double LinearMarginal(double[] priorMean, double[,] priorCovariance)
    {
        var n = Y.Length;
        var covariance = new double[n, n];
        var residual = new double[n];
        for (var a = 0; a < n; a++)
        {
            residual[a] = Y[a] - (X[a, 0] * priorMean[0] + X[a, 1] * priorMean[1]);
            for (var b = 0; b < n; b++)
            {
                for (var i = 0; i < 2; i++)
                    for (var j = 0; j < 2; j++) covariance[a, b] += X[a, i] * priorCovariance[i, j] * X[b, j];
                if (a == b) covariance[a, b] += NoiseSd * NoiseSd;
            }
        }
        var factor = CholeskyFactor.Of(covariance);
        var solved = factor.Solve(residual);
        var logDet = 2 * Enumerable.Range(0, n).Sum(i => Math.Log(factor[i, i]));
        return -0.5 * (n * Math.Log(2 * Math.PI) + logDet + residual.Zip(solved, (r, s) => r * s).Sum());
    }

    [Fact]
    public void LaplaceIsExactForTheLinearGaussianModel()
    {
        double[] priorMean = [0.2, -0.1];
        double[,] priorCovariance = { { 1.0, 0.3 }, { 0.3, 2.0 } };
        var (logLik, mode, covariance, precision) = LinearPosterior(priorMean, priorCovariance);

        var exact = LinearMarginal(priorMean, priorCovariance);

        LaplaceEvidence.LogEvidence(logLik, priorMean, priorCovariance, mode, covariance).Should().BeApproximately(exact, 1e-9);
        LaplaceEvidence.LogEvidenceFromPrecision(logLik, priorMean, priorCovariance, mode, precision).Should().BeApproximately(exact, 1e-9);
    }

    [Fact]
    public void LaplaceIsCloseToTheIntegratedEvidenceOfAOneDimensionalLogisticModel()
    {
        // 60 points on [-2, 2], labels from a golden-ratio sequence against σ(x); prior θ ~ N(0, 4).
        const int n = 60;
        const double priorVariance = 4;
        var xs = Enumerable.Range(0, n).Select(i => -2 + 4.0 * i / (n - 1)).ToArray();
        var ys = xs.Select((x, i) => i * 0.6180339887498949 % 1.0 < 1 / (1 + Math.Exp(-x))).ToArray();
        static double LogSigmoid(double z) => z > 0 ? -Math.Log(1 + Math.Exp(-z)) : z - Math.Log(1 + Math.Exp(z));
        double LogLik(double t) => xs.Select((x, i) => ys[i] ? LogSigmoid(t * x) : LogSigmoid(-t * x)).Sum();
        double LogPrior(double t) => -0.5 * Math.Log(2 * Math.PI * priorVariance) - t * t / (2 * priorVariance);

        // MAP by Newton's method, and the Hessian of the negative log posterior there.
        double theta = 0, hessian = 0;
        for (var step = 0; step < 50; step++)
        {
            double gradient = -theta / priorVariance;
            hessian = 1 / priorVariance;
            foreach (var (x, y) in xs.Zip(ys))
            {
                var p = 1 / (1 + Math.Exp(-theta * x));
                gradient += ((y ? 1 : 0) - p) * x;
                hessian += x * x * p * (1 - p);
            }
            theta += gradient / hessian;
        }

        // The evidence by the trapezoid rule over [-20, 20], in log space.
        const int points = 40_001;
        var logValues = Enumerable.Range(0, points).Select(k => -20 + 40.0 * k / (points - 1)).Select(t => LogLik(t) + LogPrior(t)).ToArray();
        var max = logValues.Max();
        var integral = logValues.Select((v, k) => Math.Exp(v - max) * (k == 0 || k == points - 1 ? 0.5 : 1)).Sum() * 40.0 / (points - 1);
        var integrated = max + Math.Log(integral);

        var laplace = LaplaceEvidence.LogEvidence(LogLik(theta), [0.0], new[,] { { priorVariance } }, [theta], new[,] { { 1 / hessian } });

        integrated.Should().BeApproximately(-37.87920274145371, 1e-6, "the same integral in Python");
        laplace.Should().BeApproximately(-37.88792391549061, 1e-6, "the same Laplace approximation in Python");
        laplace.Should().BeApproximately(integrated, 0.02);
    }

    [Fact]
    public void TheEvidencePrefersAPriorScaleThatFitsTheData()
    {
        // The data's slope is near 1: a prior of sd 0.01 cannot reach it, one of sd 1000 pays a large Occam factor.
        double[] scales = [0.01, 0.1, 1, 10, 1000];
        double Evidence(double scale)
        {
            double[] mean = [0, 0];
            var covariance = new[,] { { scale * scale, 0 }, { 0, scale * scale } };
            var (logLik, mode, posterior, _) = LinearPosterior(mean, covariance);
            return LaplaceEvidence.LogEvidence(logLik, mean, covariance, mode, posterior);
        }

        var (best, logEvidence) = LaplaceEvidence.ChooseByEvidence(scales, Evidence);

        best.Should().Be(1);
        logEvidence.Should().BeApproximately(scales.Max(Evidence), 1e-12);
        Evidence(1000).Should().BeLessThan(Evidence(1) - 5);
    }

    [Fact]
    public void ModelWeightsAreNormalisedEvidences()
    {
        // log evidences -1000 and -1000 - ln 3: weights 3/4 and 1/4, without underflow.
        var weights = LaplaceEvidence.ModelWeights([-1000, -1000 - Math.Log(3)]);

        weights[0].Should().BeApproximately(0.75, 1e-12);
        weights[1].Should().BeApproximately(0.25, 1e-12);
    }

    [Fact]
    public void MismatchedSizesAreRejected()
    {
        var act = () => LaplaceEvidence.LogEvidence(-1, [0.0, 0.0], new[,] { { 1.0 } }, [0.0, 0.0], new[,] { { 1.0, 0 }, { 0, 1.0 } });
        act.Should().Throw<ArgumentException>();
    }
}
