namespace SignalEngine.Explanations;

/// <summary>
/// A local linear surrogate of a score around one row: score(x) ≈ Intercept + Σ Coefficient_j (x_j - row_j) / Scale_j.
/// </summary>
/// <param name="Score">The explained model's own score at the row.</param>
/// <param name="Intercept">The surrogate's score at the row; far from <paramref name="Score"/> means a poor local fit.</param>
/// <param name="Weights">One term per feature, in the row's feature order.</param>
/// <param name="Fidelity">Kernel-weighted R² of the surrogate on its samples: 1 is a perfect local fit; read the weights only when it is high.</param>
/// <param name="Samples">Rows scored to fit the surrogate, the explained row included.</param>
/// <param name="KernelWidth">Width of the exponential kernel on standardised distance (0.75·√F, as LIME's default).</param>
/// <param name="KernelScale">Perturbation standard deviation in units of each feature's scale.</param>
/// <param name="Seed">Seed of the perturbations.</param>
public sealed record LimeExplanation(
    double Score,
    double Intercept,
    IReadOnlyList<LimeWeight> Weights,
    double Fidelity,
    int Samples,
    double KernelWidth,
    double KernelScale,
    int Seed);
