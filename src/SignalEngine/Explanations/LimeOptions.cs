namespace SignalEngine.Explanations;

/// <summary>How a LIME surrogate samples around a row and fits itself.</summary>
/// <param name="Samples">Perturbed rows drawn around the explained row (the row itself is one more).</param>
/// <param name="KernelScale">Perturbation standard deviation in units of each feature's scale.</param>
/// <param name="Ridge">L2 penalty on the slopes; the sample weights are normalised to sum 1, so it is relative to the perturbation variance.</param>
/// <param name="Seed">Seed of the perturbations: the same seed, row and model give the same explanation.</param>
public sealed record LimeOptions(
    [property: Range(10, 100000)] int Samples = 500,
    [property: Range(1e-6, 100.0)] double KernelScale = 1.0,
    [property: Range(0.0, 1e6)] double Ridge = 1e-4,
    int Seed = 0);
