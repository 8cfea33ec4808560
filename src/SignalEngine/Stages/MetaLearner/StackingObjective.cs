using SignalEngine.Labels;
using SignalEngine.Numerics;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>
/// The unnormalised log posterior of the multinomial logistic model: softmax likelihood over (HOLD = 0, BUY, SELL)
/// logits plus a Gaussian log prior, with its exact gradient and Hessian, and its mode by Newton–Raphson. Each item's
/// log likelihood can carry a weight (recency: see <see cref="MetaLearnerOptions.MemoryOutcomes"/>).
/// </summary>
internal sealed class StackingObjective
{
    public const double GradientTolerance = 1e-8;
    private const int MaxIterations = 200;

    // Below this Newton decrement the step is inside the quadratic region and the log posterior, a sum over
    // every row, cannot resolve the Armijo increase any more, so the full step is taken unchecked.
    private const double QuadraticRegionDecrement = 1e-10;

    private readonly double[] _rows;
    private readonly int[] _labels;
    private readonly double[] _weights;
    private readonly GaussianPrior _prior;

    public StackingObjective(
        StackingDesign design,
        IReadOnlyList<MetaInput> inputs,
        IReadOnlyList<SignalAction> labels,
        GaussianPrior prior,
        IReadOnlyList<double>? itemWeights = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Count != labels.Count)
            throw new ArgumentException($"{inputs.Count} inputs but {labels.Count} labels", nameof(labels));
        if (inputs.Count == 0) throw new ArgumentException("stage 3 needs at least one labelled item", nameof(inputs));
        if (prior.Dimension != 2 * design.Dimension)
            throw new ArgumentException(
                $"the prior has {prior.Dimension} weights, the design needs {2 * design.Dimension} " +
                "(BUY and SELL weights per input)", nameof(prior));

        if (itemWeights is not null && itemWeights.Count != labels.Count)
            throw new ArgumentException($"{itemWeights.Count} item weights but {labels.Count} labels", nameof(itemWeights));
        if (itemWeights is not null && itemWeights.Any(w => !(w >= 0 && double.IsFinite(w))))
            throw new ArgumentException("item weights must be finite and not negative", nameof(itemWeights));

        Dimension = design.Dimension;
        _prior = prior;
        _weights = itemWeights is null ? [.. Enumerable.Repeat(1.0, labels.Count)] : [.. itemWeights];
        _rows = new double[inputs.Count * Dimension];
        _labels = new int[labels.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            design.Encode(inputs[i], _rows.AsSpan(i * Dimension, Dimension));
            _labels[i] = labels[i] switch
            {
                SignalAction.Hold => 0,
                SignalAction.Buy => 1,
                SignalAction.Sell => 2,
                _ => throw new ArgumentException($"label {i} is not a signal action: {labels[i]}", nameof(labels)),
            };
        }
    }

    public int Dimension { get; }

    public int ParameterCount => 2 * Dimension;

    public int Count => _labels.Length;

    public double LogPosterior(ReadOnlySpan<double> weights)
    {
        var d = Dimension;
        var total = 0.0;
        for (var i = 0; i < _labels.Length; i++)
        {
            var x = _rows.AsSpan(i * d, d);
            var buy = Dot(weights[..d], x);
            var sell = Dot(weights[d..], x);
            var max = Math.Max(0.0, Math.Max(buy, sell));
            var logNormaliser = max + Math.Log(Math.Exp(-max) + Math.Exp(buy - max) + Math.Exp(sell - max));
            var own = _labels[i] switch { 1 => buy, 2 => sell, _ => 0.0 };
            total += _weights[i] * (own - logNormaliser);
        }

        return total - 0.5 * PriorQuadraticForm(weights);
    }

    public double[] Gradient(ReadOnlySpan<double> weights)
    {
        var d = Dimension;
        var gradient = new double[2 * d];
        for (var i = 0; i < _labels.Length; i++)
        {
            var x = _rows.AsSpan(i * d, d);
            var (pBuy, pSell) = Probabilities(weights, x);
            var rBuy = _weights[i] * ((_labels[i] == 1 ? 1.0 : 0.0) - pBuy);
            var rSell = _weights[i] * ((_labels[i] == 2 ? 1.0 : 0.0) - pSell);
            for (var j = 0; j < d; j++)
            {
                gradient[j] += rBuy * x[j];
                gradient[d + j] += rSell * x[j];
            }
        }

        var precision = _prior.Precision;
        var mean = _prior.Mean;
        for (var a = 0; a < gradient.Length; a++)
        {
            var sum = 0.0;
            for (var b = 0; b < gradient.Length; b++) sum += precision[a, b] * (weights[b] - mean[b]);
            gradient[a] -= sum;
        }

        return gradient;
    }

    /// <summary>∂²/∂w∂w of the log posterior: −Σ (diag p − p pᵀ) ⊗ x xᵀ − prior precision (negative definite).</summary>
    public double[,] Hessian(ReadOnlySpan<double> weights)
    {
        var d = Dimension;
        var n = 2 * d;
        var hessian = new double[n, n];
        for (var i = 0; i < _labels.Length; i++)
        {
            var x = _rows.AsSpan(i * d, d);
            var (pBuy, pSell) = Probabilities(weights, x);
            var buyBuy = _weights[i] * pBuy * (1.0 - pBuy);
            var sellSell = _weights[i] * pSell * (1.0 - pSell);
            var buySell = -_weights[i] * pBuy * pSell;
            for (var j = 0; j < d; j++)
            {
                for (var k = 0; k <= j; k++)
                {
                    var xx = x[j] * x[k];
                    hessian[j, k] -= buyBuy * xx;
                    hessian[d + j, d + k] -= sellSell * xx;
                    hessian[d + j, k] -= buySell * xx;
                    if (k != j) hessian[d + k, j] -= buySell * xx;
                }
            }
        }

        var precision = _prior.Precision;
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b <= a; b++)
            {
                var value = hessian[a, b] - precision[a, b];
                hessian[a, b] = value;
                hessian[b, a] = value;
            }
        }

        return hessian;
    }

    /// <summary>The MAP weights by Newton–Raphson with Armijo backtracking, started at the prior mean. The log
    /// posterior is strictly concave (the prior precision is positive definite), so the mode is unique.</summary>
    /// <exception cref="InvalidOperationException">The gradient norm did not fall under the tolerance.</exception>
    public PosteriorMode FindMode()
    {
        var weights = _prior.Mean.ToArray();
        var value = LogPosterior(weights);
        var candidate = new double[weights.Length];
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var gradient = Gradient(weights);
            var gradientNorm = Norm(gradient);
            var negativeHessian = Negate(Hessian(weights));
            if (gradientNorm < GradientTolerance)
                return new PosteriorMode(weights, negativeHessian, iteration, gradientNorm);

            var step = CholeskyFactor.Of(negativeHessian).Solve(gradient);
            var decrement = Dot(gradient, step);
            var scale = 1.0;
            while (true)
            {
                for (var a = 0; a < weights.Length; a++) candidate[a] = weights[a] + scale * step[a];
                var candidateValue = LogPosterior(candidate);
                if (decrement < QuadraticRegionDecrement || candidateValue >= value + 1e-4 * scale * decrement)
                {
                    (weights, candidate) = (candidate, weights);
                    value = candidateValue;
                    break;
                }

                scale *= 0.5;
                if (scale < 1e-12)
                    throw new InvalidOperationException(
                        $"stage 3 MAP fit stalled at gradient norm {gradientNorm:G3} after {iteration} Newton steps");
            }
        }

        throw new InvalidOperationException($"stage 3 MAP fit did not converge in {MaxIterations} Newton steps");
    }

    internal static (double Buy, double Sell) Probabilities(ReadOnlySpan<double> weights, ReadOnlySpan<double> x)
    {
        var d = x.Length;
        var buy = Dot(weights[..d], x);
        var sell = Dot(weights[d..], x);
        var max = Math.Max(0.0, Math.Max(buy, sell));
        var eHold = Math.Exp(-max);
        var eBuy = Math.Exp(buy - max);
        var eSell = Math.Exp(sell - max);
        var total = eHold + eBuy + eSell;
        return (eBuy / total, eSell / total);
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    internal static double Norm(ReadOnlySpan<double> vector) => Math.Sqrt(Dot(vector, vector));

    private double PriorQuadraticForm(ReadOnlySpan<double> weights)
    {
        var precision = _prior.Precision;
        var mean = _prior.Mean;
        var n = weights.Length;
        Span<double> centred = stackalloc double[n];
        for (var a = 0; a < n; a++) centred[a] = weights[a] - mean[a];
        var sum = 0.0;
        for (var a = 0; a < n; a++)
        {
            var row = 0.0;
            for (var b = 0; b < n; b++) row += precision[a, b] * centred[b];
            sum += centred[a] * row;
        }

        return sum;
    }

    private static double[,] Negate(double[,] matrix)
    {
        var result = (double[,])matrix.Clone();
        for (var i = 0; i < result.GetLength(0); i++)
        {
            for (var j = 0; j < result.GetLength(1); j++) result[i, j] = -result[i, j];
        }

        return result;
    }
}

/// <summary>The MAP weights, the negative Hessian there (the Laplace precision) and how the fit got there.</summary>
internal sealed record PosteriorMode(double[] Mean, double[,] NegativeHessian, int Iterations, double GradientNorm);
