using SignalEngine.Labels;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>
/// The linear pool stage 3 forecasts with: a weight on the stacking model, one on stage 1 alone (p(actionable) split
/// by the training share of BUY among actionable labels) and one on the base rates, summing to 1. The weights are
/// chosen on the latest fitting items, held out from a stacking fit on the earlier ones, so the pool falls back to
/// what its inputs already know (stage 1) or to the label frequencies wherever stacking does not beat them out of
/// sample; stacking's own Laplace evidence cannot tell, because it is measured on the data it was fitted to.
/// </summary>
/// <param name="BaseRates">Label frequencies of the fitting items (add-one smoothed).</param>
/// <param name="ShareUp">Share of BUY among the actionable fitting labels: stage 1 alone's direction.</param>
public sealed record ForecastPool(double Stacking, double StageOne, double BaseRate, ClassProbabilities BaseRates, double ShareUp)
{
    /// <summary>The pool's weight grid step: 21 values per weight, 231 pools.</summary>
    public const double Step = 0.05;

    /// <summary>The stacking model alone (a model saved before pooling existed, or pooling switched off).</summary>
    public static ForecastPool StackingOnly { get; } = new(1, 0, 0, new ClassProbabilities(1 / 3.0, 1 / 3.0, 1 / 3.0), 0.5);

    /// <summary>The pooled BUY, SELL and HOLD probabilities from the stacking model's and the item's p(actionable).</summary>
    public (double Buy, double Sell, double Hold) Mix(double buy, double sell, double hold, double treeProbability) => (
        Stacking * buy + StageOne * treeProbability * ShareUp + BaseRate * BaseRates.Buy,
        Stacking * sell + StageOne * treeProbability * (1 - ShareUp) + BaseRate * BaseRates.Sell,
        Stacking * hold + StageOne * (1 - treeProbability) + BaseRate * BaseRates.Hold);

    /// <summary>Add-one smoothed label frequencies and the share of BUY among actionable labels.</summary>
    public static (ClassProbabilities BaseRates, double ShareUp) Frequencies(IEnumerable<SignalAction> labels)
    {
        double buy = 1, sell = 1, hold = 1;
        foreach (var label in labels)
        {
            switch (label)
            {
                case SignalAction.Buy: buy++; break;
                case SignalAction.Sell: sell++; break;
                default: hold++; break;
            }
        }
        var total = buy + sell + hold;
        return (new ClassProbabilities(buy / total, sell / total, hold / total), buy / (buy + sell));
    }

    /// <summary>
    /// The weights, on the <see cref="Step"/> grid, with the least mean log loss on held-out items; ties go to more
    /// weight on stacking, then on stage 1. Frequencies are those of the items the stacking model was fitted on.
    /// </summary>
    /// <param name="stacking">The stacking model's predictive probabilities for each held-out item.</param>
    public static ForecastPool Choose(
        IReadOnlyList<ClassProbabilities> stacking, IReadOnlyList<double> treeProbability, IReadOnlyList<SignalAction> labels,
        ClassProbabilities baseRates, double shareUp)
    {
        if (stacking.Count != labels.Count || treeProbability.Count != labels.Count)
            throw new ArgumentException($"{stacking.Count} forecasts, {treeProbability.Count} tree probabilities, {labels.Count} labels");
        var steps = (int)Math.Round(1 / Step);
        var best = StackingOnly with { BaseRates = baseRates, ShareUp = shareUp };
        var bestLoss = double.PositiveInfinity;
        for (var s = steps; s >= 0; s--)
        {
            for (var o = steps - s; o >= 0; o--)
            {
                var pool = new ForecastPool(s * Step, o * Step, (steps - s - o) * Step, baseRates, shareUp);
                var loss = 0.0;
                for (var i = 0; i < labels.Count; i++)
                {
                    var (buy, sell, hold) = pool.Mix(stacking[i].Buy, stacking[i].Sell, stacking[i].Hold, treeProbability[i]);
                    var p = labels[i] switch { SignalAction.Buy => buy, SignalAction.Sell => sell, _ => hold };
                    loss -= Math.Log(Math.Max(p, 1e-15));
                }
                if (loss < bestLoss - 1e-12) (best, bestLoss) = (pool, loss);
            }
        }
        return best;
    }
}
