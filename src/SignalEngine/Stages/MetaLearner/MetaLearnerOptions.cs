
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

    /// <summary>
    /// Effective memory in outcomes: an outcome this many items old counts e⁻¹ as much as the latest, in the fit and in
    /// every later <see cref="BayesianStackingMetaLearner.Update"/> (exponential forgetting towards the prior, so weights
    /// and base rates that drift are tracked, and the posterior never grows more certain than this many outcomes allow).
    /// 0 remembers every outcome equally.
    /// </summary>
    [Range(0, 1e9)] public double MemoryOutcomes { get; init; } = 3000;

    /// <summary>
    /// The memories (in outcomes, as <see cref="MemoryOutcomes"/>) that stage 3 averages over by their evidence
    /// (<see cref="MemoryAveragedStacking"/>), one stacking model each, the evidence itself forgetting at
    /// <see cref="MemoryOutcomes"/>. Each must be positive: a member that never forgets would never give way to a change.
    /// Null or empty: one stacking model with <see cref="MemoryOutcomes"/>, as before the average existed.
    /// </summary>
    public IReadOnlyList<double>? Memories { get; init; } = [3000, 1000, 300];

    /// <summary>
    /// Prior standard deviation of each non-bias input's direction part, half the difference of its BUY and SELL weights;
    /// its act part, half their sum, keeps <see cref="PriorScale"/>/√2, so <see cref="PriorScale"/>/√2 here is the
    /// independent prior. Small values tie the two weights: the input then moves how likely acting is, not which side,
    /// and the side comes from the bias (the base rates). Null: the independent prior.
    /// </summary>
    [Range(1e-4, 1e3)] public double? DirectionScale { get; init; }

    /// <summary>
    /// The memory average also holds, for each memory, a stacking model whose inputs say nothing about the side
    /// (<see cref="DirectionScale"/> this small), weighed by the same evidence as the others: whether stage 2 and the
    /// context carry direction beyond the base rates is then a question the outcomes answer, per series and as they
    /// come, instead of one the prior settles. Null: no such members (as before they existed).
    /// </summary>
    [Range(1e-4, 1e3)] public double? TiedDirectionScale { get; init; } = 0.02;

    /// <summary>
    /// In the nested walk-forward, stage 3 is updated (<see cref="BayesianStackingMetaLearner.Update"/>) through each test
    /// period as outcomes become known, H bars after their bar, once at least this many have arrived: the system
    /// measured as it runs with online learning.
    /// </summary>
    [Range(1, 1_000_000)] public int SequentialUpdateOutcomes { get; init; } = 25;

    /// <summary>
    /// What one outcome counts in stage 3's likelihood and base rates (<see cref="BayesianStackingMetaLearner.LabelUniqueness"/>);
    /// null: 1 / H, the uniqueness of triple-barrier labels whose H-bar windows overlap fully.
    /// </summary>
    [Range(1e-6, 1.0)] public double? LabelUniqueness { get; init; }

    [Range(0.5, 0.999)] public double CredibleLevel { get; init; } = 0.9;

    /// <summary>Posterior samples for the predictive probabilities and the interval (fixed seed: deterministic).</summary>
    [Range(16, 100000)] public int PosteriorSamples { get; init; } = 512;

    /// <summary>e^(-1/<see cref="MemoryOutcomes"/>): how much an outcome's weight keeps per newer outcome (1 without forgetting).</summary>
    public double DecayPerOutcome() => MemoryOutcomes > 0 ? Math.Exp(-1 / MemoryOutcomes) : 1.0;

    /// <summary>Recency weights of time-ordered items: 1 for the latest, <see cref="DecayPerOutcome"/> per item before it.</summary>
    public double[] RecencyWeights(int count)
    {
        var decay = DecayPerOutcome();
        var weights = new double[count];
        var w = 1.0;
        for (var i = count - 1; i >= 0; i--, w *= decay) weights[i] = w;
        return weights;
    }
}
