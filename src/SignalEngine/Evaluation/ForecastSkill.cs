namespace SignalEngine.Evaluation;

/// <summary>Log-loss skill against a reference forecast, with a bootstrap interval.</summary>
/// <param name="Skill">1 - logLoss(model) / logLoss(reference): positive when the model beats the reference.</param>
/// <param name="Lower">Lower end of the interval.</param>
/// <param name="Upper">Upper end of the interval.</param>
/// <param name="Level">Coverage of the interval, e.g. 0.9.</param>
/// <param name="BlockLength">Length of the bootstrap's blocks, in bars.</param>
public sealed record SkillEstimate(double Skill, double ModelLogLoss, double ReferenceLogLoss, double Lower, double Upper, double Level, int BlockLength, int Replicates);

/// <summary>
/// Log-loss skill of a forecast against the base rates (or any reference), with a moving-block bootstrap interval
/// (Künsch 1989). Losses of neighbouring bars are correlated (overlapping label horizons, volatility clusters), and
/// resampling single bars would make the interval too narrow; resampling blocks of consecutive bars keeps that
/// dependence within each block. The model's and the reference's losses are resampled as pairs, so the interval is
/// of the difference between them, not of two separate noises.
/// </summary>
public static class ForecastSkill
{
    private const double Epsilon = 1e-12;

    /// <param name="modelProbability">Per bar, in time order, the probability the model gave the outcome that happened.</param>
    /// <param name="referenceProbability">Per bar, the probability the reference gave it (the training base rate of the label).</param>
    /// <param name="blockLength">Bars per block; null takes round(sqrt(n)), a common rule for moderate dependence.</param>
    /// <param name="seed">Seeds the resampling, so the same inputs give the same interval.</param>
    public static SkillEstimate LogLossSkill(
        IReadOnlyList<double> modelProbability,
        IReadOnlyList<double> referenceProbability,
        int? blockLength = null,
        int replicates = 1000,
        double level = 0.9,
        int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(modelProbability);
        ArgumentNullException.ThrowIfNull(referenceProbability);
        var n = modelProbability.Count;
        if (referenceProbability.Count != n) throw new ArgumentException($"length mismatch: {n} model probabilities, {referenceProbability.Count} reference ones");
        if (n == 0) throw new ArgumentException("no bars", nameof(modelProbability));
        ArgumentOutOfRangeException.ThrowIfLessThan(replicates, 1);
        if (!(level is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "the level lies in (0, 1)");
        var block = Math.Clamp(blockLength ?? (int)Math.Round(Math.Sqrt(n)), 1, n);

        var model = new double[n];
        var reference = new double[n];
        for (var i = 0; i < n; i++)
        {
            model[i] = Loss(modelProbability[i]);
            reference[i] = Loss(referenceProbability[i]);
        }
        var modelMean = model.Average();
        var referenceMean = reference.Average();

        // System.Random with a seed is reproducible on one runtime, which is what a report needs.
        var random = new Random(seed);
        var skills = new double[replicates];
        for (var b = 0; b < replicates; b++)
        {
            double modelSum = 0, referenceSum = 0;
            for (var taken = 0; taken < n;)
            {
                var start = random.Next(n - block + 1);
                for (var k = 0; k < block && taken < n; k++, taken++)
                {
                    modelSum += model[start + k];
                    referenceSum += reference[start + k];
                }
            }
            skills[b] = Skill(modelSum, referenceSum);
        }
        Array.Sort(skills);
        var tail = (1 - level) / 2;
        return new SkillEstimate(
            Skill(modelMean, referenceMean), modelMean, referenceMean, Quantile(skills, tail), Quantile(skills, 1 - tail), level, block, replicates);
    }

    private static double Loss(double p)
    {
        if (!(p is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability lies in [0, 1]");
        return -Math.Log(Math.Max(Epsilon, p));
    }

    // Sums or means alike: the ratio does not care. A reference that is certain and right leaves nothing to beat.
    private static double Skill(double model, double reference) => reference > 0 ? 1 - model / reference : double.NaN;

    /// <summary>Linear interpolation between order statistics (Hyndman and Fan type 7) of sorted values.</summary>
    private static double Quantile(double[] sorted, double level)
    {
        var position = level * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
