using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>Stage 3 prior and decision settings.</summary>
public sealed record MetaLearnerOptions
{
    /// <summary>Standard deviation of the zero-mean Gaussian prior on every weight.</summary>
    [Range(1e-3, 1e3)] public double PriorScale { get; init; } = 0.5;

    /// <summary>BUY or SELL is chosen only when it is the most probable class and at least this probable.</summary>
    [Range(0.0, 1.0)] public double DecisionThreshold { get; init; } = 0.0;

    /// <summary>
    /// BUY or SELL is chosen only when its probability exceeds HOLD's in at least this share of the posterior draws
    /// (0 turns the check off): the posterior must be fairly sure acting beats holding.
    /// </summary>
    [Range(0.0, 1.0)] public double MinimumEdgeProbability { get; init; } = 0.8;

    [Range(0.5, 0.999)] public double CredibleLevel { get; init; } = 0.9;

    /// <summary>Posterior samples for the predictive probabilities and the interval (fixed seed: deterministic).</summary>
    [Range(16, 100000)] public int PosteriorSamples { get; init; } = 512;
}
