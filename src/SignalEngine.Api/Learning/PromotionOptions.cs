using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Api.Learning;

/// <summary>What a candidate needs, besides being no worse, to replace the serving model (section "OnlineLearning").</summary>
public sealed class PromotionOptions
{
    /// <summary>
    /// Held-out outcomes of the service's own signals a promotion is judged on, at least: on a few dozen a lucky or
    /// fabricated sample decides.
    /// </summary>
    [Range(1, 1_000_000)] public int MinimumHeldOutOutcomes { get; set; } = 300;
}
