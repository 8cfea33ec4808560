namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>
/// Stage 2: a sequence model over the item's recent history window (T rows x F features, oldest first, the
/// current bar last) estimating p(up | actionable) = P(BUY | BUY or SELL).
/// </summary>
public interface ISequenceRefiner : IDisposable
{
    ModelStamp Model { get; }

    /// <summary>T: rows per window, the current bar included.</summary>
    int WindowLength { get; }

    /// <summary>Scores windows in one batch under inference mode. A null window abstains, visibly.</summary>
    IReadOnlyList<SequenceRefinerResult> Refine(IReadOnlyList<double[][]?> windows);

    /// <summary>
    /// Integrated gradients of the output logit against the documented baseline window, for every window in one batch,
    /// in order; each is refined until its completeness gap is within its stated tolerance.
    /// </summary>
    IReadOnlyList<SequenceAttribution> Attribute(IReadOnlyList<double[][]> windows);
}

/// <summary>Stage 2 output of one model for one item: a probability, or the reason it abstained.</summary>
public sealed record SequenceRefinerResult(string Model, double? ProbabilityUp, string? AbstainReason)
{
    public bool Abstained => ProbabilityUp is null;
}

/// <summary>Integrated-gradients attribution of one model's output logit.</summary>
/// <param name="Attributions">T x F, per time step (oldest first) and feature.</param>
/// <param name="FeatureTotals">Per feature, summed over time steps.</param>
/// <param name="CompletenessGap">|sum(attributions) - (Output - BaselineOutput)|.</param>
/// <param name="Steps">Intervals of the integration grid the attribution was refined to.</param>
/// <param name="Tolerance">The gap it was refined to stay within (it exceeds it only when the grid reached its limit).</param>
public sealed record SequenceAttribution(
    string Model,
    string Baseline,
    double Output,
    double BaselineOutput,
    IReadOnlyList<string> Features,
    double[][] Attributions,
    double[] FeatureTotals,
    double CompletenessGap,
    int Steps,
    double Tolerance);
