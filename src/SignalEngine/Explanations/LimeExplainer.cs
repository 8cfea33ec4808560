using SignalEngine.Numerics;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Explanations;

/// <summary>
/// LIME (Ribeiro et al., 2016) for tabular rows, with continuous perturbations and no discretisation.
/// <para>
/// Around a row x with per-feature scales s (typically the training standard deviations) it draws standardised
/// deltas z_ij ~ N(0, KernelScale²) and scores the rows x_j + s_j·z_ij in one batch, together with x itself
/// (z = 0). Each sample is weighted by the exponential kernel w_i = √exp(-‖z_i‖² / width²), width = 0.75·√F,
/// the kernel of LIME's tabular explainer. A weighted ridge regression of the score on z (intercept not
/// penalised, weights normalised to sum 1) is solved in closed form from its normal equations by Cholesky.
/// </para>
/// <para>
/// Because the deltas are centred on the row, the intercept is the surrogate's score at the row and each
/// coefficient is the local change of the score per one scale of its feature; the slope divides it by the scale.
/// Fidelity is the kernel-weighted R² of the surrogate on the samples: a step or an interaction inside the
/// kernel lowers it, and the weights then describe the model only loosely.
/// </para>
/// </summary>
public sealed class LimeExplainer(LimeOptions options)
{
    public LimeExplainer() : this(new LimeOptions())
    {
    }

    public LimeOptions Options { get; } = options;

    /// <summary>Stage 1's combined log-odds score, the quantity its TreeSHAP explanation decomposes, as a batch scorer.</summary>
    public static Func<double[][], double[]> StageOneScore(ITreeFilter filter) =>
        rows => rows.Select(row => filter.Evaluate(row).Score).ToArray();

    /// <summary>Per-feature population standard deviations of rows, the usual perturbation scales.</summary>
    public static double[] StandardDeviations(IReadOnlyList<double[]> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("no rows to measure scales on", nameof(rows));
        var featureCount = rows[0].Length;
        var mean = new double[featureCount];
        var squares = new double[featureCount];
        foreach (var row in rows)
        {
            if (row.Length != featureCount) throw new ArgumentException($"rows have {featureCount} and {row.Length} features", nameof(rows));
            for (var j = 0; j < featureCount; j++) mean[j] += row[j] / rows.Count;
        }
        foreach (var row in rows)
        {
            for (var j = 0; j < featureCount; j++) squares[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / rows.Count;
        }
        return squares.Select(Math.Sqrt).ToArray();
    }

    /// <summary>Fits the local surrogate of <paramref name="score"/> around <paramref name="row"/>.</summary>
    /// <param name="score">Scores a batch of rows; called once with Samples + 1 rows.</param>
    /// <param name="scales">Per-feature perturbation scales, finite and ≥ 0; a feature with scale 0 is held fixed and gets weight 0.</param>
    public LimeExplanation Explain(
        Func<double[][], double[]> score, IReadOnlyList<double> row, IReadOnlyList<string> featureNames, IReadOnlyList<double> scales)
    {
        var featureCount = row.Count;
        if (featureNames.Count != featureCount) throw new ArgumentException($"{featureNames.Count} names for {featureCount} features", nameof(featureNames));
        if (scales.Count != featureCount) throw new ArgumentException($"{scales.Count} scales for {featureCount} features", nameof(scales));
        for (var j = 0; j < featureCount; j++)
        {
            if (!double.IsFinite(scales[j]) || scales[j] < 0) throw new ArgumentException($"scale of {featureNames[j]} is {scales[j]}", nameof(scales));
        }

        var sampleCount = Options.Samples + 1;
        var deltas = Perturb(sampleCount, featureCount, scales);
        var rows = new double[sampleCount][];
        for (var i = 0; i < sampleCount; i++)
        {
            rows[i] = new double[featureCount];
            for (var j = 0; j < featureCount; j++) rows[i][j] = row[j] + scales[j] * deltas[i][j];
        }
        var scores = score(rows);
        if (scores.Length != sampleCount) throw new InvalidOperationException($"the scorer returned {scores.Length} scores for {sampleCount} rows");

        var width = 0.75 * Math.Sqrt(featureCount);
        var weights = new double[sampleCount];
        for (var i = 0; i < sampleCount; i++)
        {
            var squared = 0.0;
            for (var j = 0; j < featureCount; j++) squared += deltas[i][j] * deltas[i][j];
            weights[i] = Math.Sqrt(Math.Exp(-squared / (width * width)));
        }
        var totalWeight = weights.Sum();
        for (var i = 0; i < sampleCount; i++) weights[i] /= totalWeight;

        var (intercept, coefficients) = FitRidge(deltas, scores, weights, Options.Ridge);
        var fidelity = WeightedRSquared(deltas, scores, weights, intercept, coefficients);
        var terms = new LimeWeight[featureCount];
        for (var j = 0; j < featureCount; j++)
        {
            terms[j] = new LimeWeight(featureNames[j], row[j], scales[j], coefficients[j], scales[j] > 0 ? coefficients[j] / scales[j] : 0);
        }
        return new LimeExplanation(scores[0], intercept, terms, fidelity, sampleCount, width, Options.KernelScale, Options.Seed);
    }

    /// <summary>Standardised deltas; row 0 is the explained row itself, and fixed features stay at 0.</summary>
    private double[][] Perturb(int sampleCount, int featureCount, IReadOnlyList<double> scales)
    {
        var random = new Random(Options.Seed);
        var deltas = new double[sampleCount][];
        deltas[0] = new double[featureCount];
        for (var i = 1; i < sampleCount; i++)
        {
            deltas[i] = new double[featureCount];
            for (var j = 0; j < featureCount; j++)
            {
                // Drawn even for fixed features so that adding a constant column does not reshuffle the others.
                var z = Options.KernelScale * StandardNormal(random);
                deltas[i][j] = scales[j] > 0 ? z : 0;
            }
        }
        return deltas;
    }

    private static double StandardNormal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Weighted ridge on centred data: (Zc'WZc + λI) β = Zc'W(y - ȳ), then intercept = ȳ - z̄·β.</summary>
    private static (double Intercept, double[] Coefficients) FitRidge(double[][] z, double[] y, double[] w, double ridge)
    {
        var featureCount = z[0].Length;
        var zMean = new double[featureCount];
        var yMean = 0.0;
        for (var i = 0; i < z.Length; i++)
        {
            yMean += w[i] * y[i];
            for (var j = 0; j < featureCount; j++) zMean[j] += w[i] * z[i][j];
        }

        var gram = new double[featureCount, featureCount];
        var rhs = new double[featureCount];
        var centred = new double[featureCount];
        for (var i = 0; i < z.Length; i++)
        {
            for (var j = 0; j < featureCount; j++) centred[j] = z[i][j] - zMean[j];
            var dy = y[i] - yMean;
            for (var j = 0; j < featureCount; j++)
            {
                rhs[j] += w[i] * centred[j] * dy;
                for (var k = 0; k <= j; k++) gram[j, k] += w[i] * centred[j] * centred[k];
            }
        }
        for (var j = 0; j < featureCount; j++)
        {
            // A fixed feature's column is all zeros: a unit diagonal keeps the system solvable and its slope at 0.
            gram[j, j] += gram[j, j] > 0 ? ridge : 1;
            for (var k = 0; k < j; k++) gram[k, j] = gram[j, k];
        }

        var beta = CholeskyFactor.TryFactor(gram, out var factor)
            ? factor.Solve(rhs)
            : throw new InvalidOperationException("the surrogate's normal equations are not positive definite; raise the ridge penalty");
        var intercept = yMean;
        for (var j = 0; j < featureCount; j++) intercept -= zMean[j] * beta[j];
        return (intercept, beta);
    }

    private static double WeightedRSquared(double[][] z, double[] y, double[] w, double intercept, double[] beta)
    {
        var yMean = 0.0;
        for (var i = 0; i < y.Length; i++) yMean += w[i] * y[i];
        double residual = 0, total = 0;
        for (var i = 0; i < y.Length; i++)
        {
            var fitted = intercept;
            for (var j = 0; j < beta.Length; j++) fitted += beta[j] * z[i][j];
            residual += w[i] * (y[i] - fitted) * (y[i] - fitted);
            total += w[i] * (y[i] - yMean) * (y[i] - yMean);
        }
        // A score that does not move around the row is fitted exactly by its intercept.
        return total > 0 ? 1 - residual / total : 1;
    }
}
