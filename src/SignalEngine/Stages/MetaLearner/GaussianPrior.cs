using SignalEngine.Numerics;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>
/// A multivariate normal over stage 3's stacked weight vector: the BUY weights for every design input, then the SELL
/// weights (HOLD is the reference class with no weights). Serves as the prior of a fit and, after a fit, as its
/// Laplace posterior, which is what makes sequential updating a matter of passing one fit's posterior to the next.
/// </summary>
public sealed class GaussianPrior
{
    /// <summary>The intercept's prior is this much wider than the other weights' so the prior does not pull the
    /// fitted base rates towards a uniform BUY / SELL / HOLD split.</summary>
    public const double BiasScaleFactor = 10.0;

    private readonly double[] _mean;
    private readonly double[,] _covariance;

    /// <exception cref="ArgumentException">Mismatched sizes, non-finite entries, or a covariance that is not
    /// symmetric positive definite.</exception>
    public GaussianPrior(IReadOnlyList<double> mean, double[,] covariance)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        var n = mean.Count;
        if (n == 0) throw new ArgumentException("the prior needs at least one weight", nameof(mean));
        if (covariance.GetLength(0) != n || covariance.GetLength(1) != n)
            throw new ArgumentException(
                $"the covariance is {covariance.GetLength(0)} x {covariance.GetLength(1)}, the mean has {n} entries",
                nameof(covariance));
        if (mean.Any(value => !double.IsFinite(value)))
            throw new ArgumentException("the prior mean must be finite", nameof(mean));

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var a = covariance[i, j];
                var b = covariance[j, i];
                if (!double.IsFinite(a) || !double.IsFinite(b))
                    throw new ArgumentException("the covariance must be finite", nameof(covariance));
                if (Math.Abs(a - b) > 1e-9 * Math.Max(1.0, Math.Max(Math.Abs(a), Math.Abs(b))))
                    throw new ArgumentException($"the covariance is not symmetric at ({i}, {j})", nameof(covariance));
            }
        }

        _mean = [.. mean];
        _covariance = (double[,])covariance.Clone();
        if (!CholeskyFactor.TryFactor(_covariance, out var factor))
            throw new ArgumentException("the covariance is not positive definite", nameof(covariance));
        CovarianceFactor = factor;
        Precision = factor.Inverse();
    }

    /// <summary>2 × D: BUY weights, then SELL weights.</summary>
    public int Dimension => _mean.Length;

    public IReadOnlyList<double> Mean => _mean;

    public IReadOnlyList<double> StandardDeviations =>
        [.. Enumerable.Range(0, Dimension).Select(i => Math.Sqrt(_covariance[i, i]))];

    internal CholeskyFactor CovarianceFactor { get; }

    internal double[,] Precision { get; }

    public double Covariance(int row, int column) => _covariance[row, column];

    /// <summary>A copy of the covariance matrix.</summary>
    public double[,] CovarianceMatrix() => (double[,])_covariance.Clone();

    public static GaussianPrior Independent(IReadOnlyList<double> mean, IReadOnlyList<double> standardDeviations)
    {
        ArgumentNullException.ThrowIfNull(standardDeviations);
        if (standardDeviations.Count != mean.Count)
            throw new ArgumentException("one standard deviation per weight", nameof(standardDeviations));
        var covariance = new double[mean.Count, mean.Count];
        for (var i = 0; i < mean.Count; i++) covariance[i, i] = standardDeviations[i] * standardDeviations[i];
        return new GaussianPrior(mean, covariance);
    }

    /// <summary>Zero mean; standard deviation <see cref="MetaLearnerOptions.PriorScale"/> on every weight except
    /// the bias, which gets <see cref="BiasScaleFactor"/> times that. With <see cref="MetaLearnerOptions.DirectionScale"/>
    /// each non-bias input's BUY and SELL weights are a + δ and a − δ, a ~ N(0, s²/2) and δ ~ N(0, DirectionScale²):
    /// correlated, the same marginal as before when DirectionScale is s/√2.</summary>
    public static GaussianPrior Default(StackingDesign design, MetaLearnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(options);
        var d = design.Dimension;
        var bias = design.IndexOf(StackingDesign.BiasInput);
        var scales = new double[2 * d];
        for (var i = 0; i < scales.Length; i++)
            scales[i] = i % d == bias ? BiasScaleFactor * options.PriorScale : options.PriorScale;
        if (options.DirectionScale is not { } direction) return Independent(new double[2 * d], scales);
        var covariance = new double[2 * d, 2 * d];
        var (act, side) = (options.PriorScale * options.PriorScale / 2, direction * direction);
        for (var j = 0; j < d; j++)
        {
            if (j == bias)
            {
                covariance[j, j] = covariance[d + j, d + j] = scales[j] * scales[j];
                continue;
            }
            covariance[j, j] = covariance[d + j, d + j] = act + side;
            covariance[j, d + j] = covariance[d + j, j] = act - side;
        }
        return new GaussianPrior(new double[2 * d], covariance);
    }
}
