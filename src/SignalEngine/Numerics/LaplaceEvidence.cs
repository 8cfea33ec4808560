namespace SignalEngine.Numerics;

/// <summary>
/// The Laplace approximation of a model's log evidence (marginal likelihood) under a Gaussian prior, for choosing
/// prior scales by empirical Bayes and weighing models against each other (e.g. the stacking model against the
/// intercept-only base-rate model). With the posterior approximated by N(mode, Σpost):
/// log p(y) ≈ log p(y | mode) + log N(mode; μ0, Σ0) + d/2 log 2π + 1/2 log det Σpost
///          = log p(y | mode) - 1/2 (mode - μ0)ᵀ Σ0⁻¹ (mode - μ0) - 1/2 log det Σ0 + 1/2 log det Σpost.
/// The first two terms reward fit; the last two, the Occam factor, charge for how much the data had to narrow the
/// prior. Exact when the log posterior is quadratic (a linear-Gaussian model).
/// </summary>
public static class LaplaceEvidence
{
    /// <param name="logLikelihoodAtMode">log p(y | θ) at the posterior mode (the MAP fit), summed over the observations.</param>
    /// <param name="priorMean">μ0.</param>
    /// <param name="priorCovariance">Σ0, symmetric positive definite.</param>
    /// <param name="mode">The MAP estimate θ̂.</param>
    /// <param name="posteriorCovariance">Σpost: the inverse of the negative log posterior's Hessian at the mode.</param>
    /// <exception cref="ArgumentException">Sizes differ, or a covariance is not positive definite.</exception>
    public static double LogEvidence(
        double logLikelihoodAtMode, IReadOnlyList<double> priorMean, double[,] priorCovariance, IReadOnlyList<double> mode, double[,] posteriorCovariance)
    {
        var posterior = Factor(posteriorCovariance, priorMean.Count, nameof(posteriorCovariance));
        return LogEvidence(logLikelihoodAtMode, priorMean, priorCovariance, mode, 0.5 * LogDeterminant(posterior));
    }

    /// <summary>The same, from the posterior precision (the negative log posterior's Hessian at the mode) as the fit
    /// computes it, without inverting it: log det Σpost = -log det H.</summary>
    public static double LogEvidenceFromPrecision(
        double logLikelihoodAtMode, IReadOnlyList<double> priorMean, double[,] priorCovariance, IReadOnlyList<double> mode, double[,] posteriorPrecision)
    {
        var precision = Factor(posteriorPrecision, priorMean.Count, nameof(posteriorPrecision));
        return LogEvidence(logLikelihoodAtMode, priorMean, priorCovariance, mode, -0.5 * LogDeterminant(precision));
    }

    /// <summary>
    /// Of the candidate values (e.g. prior scales), the one whose model has the highest log evidence: type-II maximum
    /// likelihood over a grid, which needs no gradient of the evidence and can not wander off on a flat ridge.
    /// </summary>
    /// <param name="logEvidence">Fits the model at a candidate and returns its log evidence.</param>
    public static (double Best, double LogEvidence) ChooseByEvidence(IEnumerable<double> candidates, Func<double, double> logEvidence)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(logEvidence);
        (double Best, double LogEvidence)? best = null;
        foreach (var candidate in candidates)
        {
            var value = logEvidence(candidate);
            if (double.IsNaN(value)) continue;
            if (best is null || value > best.Value.LogEvidence) best = (candidate, value);
        }
        return best ?? throw new ArgumentException("no candidate had a finite evidence", nameof(candidates));
    }

    /// <summary>exp of each log evidence, normalised: posterior model probabilities under equal prior odds.</summary>
    public static double[] ModelWeights(IReadOnlyList<double> logEvidences)
    {
        ArgumentNullException.ThrowIfNull(logEvidences);
        if (logEvidences.Count == 0) throw new ArgumentException("no models", nameof(logEvidences));
        // Shift by the largest so that exp does not underflow for evidences of thousands of nats.
        var max = logEvidences.Max();
        var weights = logEvidences.Select(e => Math.Exp(e - max)).ToArray();
        var total = weights.Sum();
        return weights.Select(w => w / total).ToArray();
    }

    private static double LogEvidence(double logLikelihoodAtMode, IReadOnlyList<double> priorMean, double[,] priorCovariance, IReadOnlyList<double> mode, double halfLogDetPosterior)
    {
        ArgumentNullException.ThrowIfNull(priorMean);
        ArgumentNullException.ThrowIfNull(mode);
        var d = priorMean.Count;
        if (mode.Count != d) throw new ArgumentException($"the mode has {mode.Count} entries, the prior mean {d}", nameof(mode));
        if (!double.IsFinite(logLikelihoodAtMode)) throw new ArgumentException("the log-likelihood must be finite", nameof(logLikelihoodAtMode));
        var prior = Factor(priorCovariance, d, nameof(priorCovariance));

        var offset = new double[d];
        for (var i = 0; i < d; i++) offset[i] = mode[i] - priorMean[i];
        var solved = prior.Solve(offset);
        var quadratic = 0.0;
        for (var i = 0; i < d; i++) quadratic += offset[i] * solved[i];

        return logLikelihoodAtMode - 0.5 * quadratic - 0.5 * LogDeterminant(prior) + halfLogDetPosterior;
    }

    private static CholeskyFactor Factor(double[,] matrix, int size, string name)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.GetLength(0) != size || matrix.GetLength(1) != size)
            throw new ArgumentException($"{name} is {matrix.GetLength(0)} x {matrix.GetLength(1)}, expected {size} x {size}", name);
        return CholeskyFactor.TryFactor(matrix, out var factor) ? factor : throw new ArgumentException($"{name} is not positive definite", name);
    }

    private static double LogDeterminant(CholeskyFactor factor)
    {
        var sum = 0.0;
        for (var i = 0; i < factor.Size; i++) sum += Math.Log(factor[i, i]);
        return 2 * sum;
    }
}
