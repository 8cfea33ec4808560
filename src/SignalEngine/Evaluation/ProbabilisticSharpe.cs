using SignalEngine.Numerics;

namespace SignalEngine.Evaluation;

/// <summary>The Sharpe ratio of a return series with the moments its significance depends on.</summary>
/// <param name="Sharpe">Per-period mean over sample standard deviation (not annualised).</param>
/// <param name="Skewness">Third standardised moment γ3.</param>
/// <param name="Kurtosis">Fourth standardised moment γ4 (3 for a normal, not the excess).</param>
/// <param name="Probability">PSR: the probability that the true Sharpe ratio exceeds the benchmark; NaN when undefined.</param>
public sealed record ProbabilisticSharpeRatio(double Sharpe, double Skewness, double Kurtosis, double Benchmark, int Observations, double Probability);

/// <summary>
/// The probabilistic Sharpe ratio of Bailey and López de Prado (2012, "The Sharpe ratio efficient frontier"):
/// PSR(SR*) = Φ((SR - SR*) sqrt(n - 1) / sqrt(1 - γ3 SR + (γ4 - 1) / 4 SR²)). A Sharpe ratio from few, skewed or
/// fat-tailed returns is less sure to be above the benchmark than the same ratio from many normal ones.
/// </summary>
public static class ProbabilisticSharpe
{
    /// <param name="returns">Per-period returns.</param>
    /// <param name="benchmarkSharpe">SR* per period; an annual benchmark divides by sqrt(periods per year) first.</param>
    public static ProbabilisticSharpeRatio Of(IReadOnlyList<double> returns, double benchmarkSharpe = 0)
    {
        ArgumentNullException.ThrowIfNull(returns);
        var n = returns.Count;
        if (n < 3) return new ProbabilisticSharpeRatio(double.NaN, double.NaN, double.NaN, benchmarkSharpe, n, double.NaN);
        var mean = returns.Average();
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (var r in returns)
        {
            var d = r - mean;
            m2 += d * d;
            m3 += d * d * d;
            m4 += d * d * d * d;
        }
        m2 /= n;
        m3 /= n;
        m4 /= n;
        if (!(m2 > 0)) return new ProbabilisticSharpeRatio(double.NaN, double.NaN, double.NaN, benchmarkSharpe, n, double.NaN);

        var sharpe = mean / Math.Sqrt(m2 * n / (n - 1));
        var skewness = m3 / Math.Pow(m2, 1.5);
        var kurtosis = m4 / (m2 * m2);
        var variance = 1 - skewness * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe;
        // The bracket is positive for any attainable moments at realistic Sharpe ratios; guard the pathological rest.
        var probability = variance > 0 ? StandardNormal.Cdf((sharpe - benchmarkSharpe) * Math.Sqrt(n - 1) / Math.Sqrt(variance)) : double.NaN;
        return new ProbabilisticSharpeRatio(sharpe, skewness, kurtosis, benchmarkSharpe, n, probability);
    }
}
