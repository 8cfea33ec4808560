using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>Stage 3 prior, pooling and posterior settings. The decision itself is the pipeline's (see Decisions).</summary>
public sealed record MetaLearnerOptions
{
    /// <summary>The stage-3 kind, by its catalog name; a manifest written before the name was recorded reads this default.</summary>
    public string Model { get; init; } = BayesianStackingMetaLearner.ModelName;

    /// <summary>Standard deviation of the zero-mean Gaussian prior on every weight.</summary>
    [Range(1e-3, 1e3)] public double PriorScale { get; init; } = 0.5;

    /// <summary>
    /// Share of the (time-ordered) fitting items held out, last, to choose the forecast pool: how much of the stacking
    /// model to trust against stage 1 alone and the base rates (0 turns pooling off: the stacking model alone).
    /// </summary>
    [Range(0.0, 0.5)] public double PoolHoldoutShare { get; init; } = 0.25;

    [Range(0.5, 0.999)] public double CredibleLevel { get; init; } = 0.9;

    /// <summary>Posterior samples for the predictive probabilities and the interval (fixed seed: deterministic).</summary>
    [Range(16, 100000)] public int PosteriorSamples { get; init; } = 512;
}
