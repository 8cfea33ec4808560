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
/// (<see cref="MovingBlockBootstrap"/>): the model's and the reference's losses are resampled as pairs.
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

        var model = new double[n];
        var reference = new double[n];
        for (var i = 0; i < n; i++)
        {
            model[i] = Loss(modelProbability[i]);
            reference[i] = Loss(referenceProbability[i]);
        }
        var (modelMean, referenceMean) = (model.Average(), reference.Average());
        var (lower, upper, block) = MovingBlockBootstrap.Interval([model, reference], blockLength, replicates, level, seed, sums => Skill(sums[0], sums[1]));
        return new SkillEstimate(Skill(modelMean, referenceMean), modelMean, referenceMean, lower, upper, level, block, replicates);
    }

    private static double Loss(double p)
    {
        if (!(p is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability lies in [0, 1]");
        return -Math.Log(Math.Max(Epsilon, p));
    }

    // Sums or means alike: the ratio does not care. A reference that is certain and right leaves nothing to beat.
    private static double Skill(double model, double reference) => reference > 0 ? 1 - model / reference : double.NaN;
}
