using SignalEngine.Labels;
using SignalEngine.Numerics;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>
/// The linear pool stage 3 forecasts with: a weight on the stacking model, one on stage 1 alone (p(actionable) split
/// by the training share of BUY among actionable labels) and one on the base rates, summing to 1. The weights are
/// chosen on the latest fitting items, held out from a stacking fit on the earlier ones, so the pool falls back to
/// what its inputs already know (stage 1) or to the label frequencies wherever stacking does not beat them out of
/// sample; stacking's own Laplace evidence cannot tell, because it is measured on the data it was fitted to.
/// </summary>
/// <param name="BaseRates">Label frequencies of the fitting items (add-one smoothed, recency-weighted).</param>
/// <param name="ShareUp">Share of BUY among the actionable fitting labels: stage 1 alone's direction.</param>
/// <param name="Outcomes">The weighted count behind <paramref name="BaseRates"/>, smoothing included (0: unknown, as in a
/// file from before it was kept: the frequencies then stay as they are and are drawn without spread).</param>
/// <param name="Losses">Per pool of the grid (in <see cref="Grid"/> order) its recency-weighted log loss on outcomes it
/// had not been fitted on: what the weights are re-chosen by as outcomes arrive (null: the weights stay as they are).</param>
public sealed record ForecastPool(
    double Stacking, double StageOne, double BaseRate, ClassProbabilities BaseRates, double ShareUp, double Outcomes = 0,
    IReadOnlyList<double>? Losses = null)
{
    /// <summary>The pool's weight grid step: 21 values per weight, 231 pools.</summary>
    public const double Step = 0.05;

    /// <summary>The stacking model alone (a model saved before pooling existed, or pooling switched off).</summary>
    public static ForecastPool StackingOnly { get; } = new(1, 0, 0, new ClassProbabilities(1 / 3.0, 1 / 3.0, 1 / 3.0), 0.5);

    /// <summary>The same frequencies with all the weight on them and no grid losses, so new outcomes update the
    /// frequencies but never move the weights back to stacking.</summary>
    public ForecastPool BaseRatesOnly() => this with { Stacking = 0, StageOne = 0, BaseRate = 1, Losses = null };

    /// <summary>The pooled BUY, SELL and HOLD probabilities from the stacking model's and the item's p(actionable).</summary>
    public (double Buy, double Sell, double Hold) Mix(double buy, double sell, double hold, double treeProbability) =>
        Mix(buy, sell, hold, treeProbability, BaseRates);

    /// <summary>The same with other base rates, a posterior draw of them (stage 1 alone's direction follows from them).</summary>
    public (double Buy, double Sell, double Hold) Mix(double buy, double sell, double hold, double treeProbability, ClassProbabilities rates)
    {
        var up = ShareUpOf(rates);
        return (
            Stacking * buy + StageOne * treeProbability * up + BaseRate * rates.Buy,
            Stacking * sell + StageOne * treeProbability * (1 - up) + BaseRate * rates.Sell,
            Stacking * hold + StageOne * (1 - treeProbability) + BaseRate * rates.Hold);
    }

    /// <summary>
    /// Draws of the base rates from their posterior given the weighted counts (<paramref name="Outcomes"/>): the normal
    /// approximation of the Dirichlet, covariance (diag p − p pᵀ) / (n + 1), in antithetic pairs so their mean is the
    /// point estimate. The base rates are known only as well as the memory allows, and a decision must not trust an
    /// imbalance of BUY over SELL that the counts cannot pin down. Without counts (a file from before), every draw is the
    /// point estimate.
    /// </summary>
    public ClassProbabilities[] RateDraws(int count, ulong seed)
    {
        var draws = new ClassProbabilities[count];
        var p = new[] { BaseRates.Buy, BaseRates.Sell, BaseRates.Hold };
        var scale = Outcomes > 0 ? 1 / Math.Sqrt(Outcomes + 1) : 0;
        var normals = new StandardNormalSource(seed);
        var offset = new double[3];
        for (var s = 0; s < count; s++)
        {
            if (s % 2 == 0)
            {
                // diag(√p)(I − u uᵀ) z with u = √p, a square root of diag p − p pᵀ.
                var z = new[] { normals.Next(), normals.Next(), normals.Next() };
                var along = 0.0;
                for (var c = 0; c < 3; c++) along += Math.Sqrt(p[c]) * z[c];
                for (var c = 0; c < 3; c++) offset[c] = scale * Math.Sqrt(p[c]) * (z[c] - Math.Sqrt(p[c]) * along);
            }
            var sign = s % 2 == 0 ? 1.0 : -1.0;
            var (buy, sell, hold) = (Math.Max(1e-6, p[0] + sign * offset[0]), Math.Max(1e-6, p[1] + sign * offset[1]), Math.Max(1e-6, p[2] + sign * offset[2]));
            var total = buy + sell + hold;
            draws[s] = new ClassProbabilities(buy / total, sell / total, hold / total);
        }
        return draws;
    }

    /// <summary>Add-one smoothed label frequencies and the share of BUY among actionable labels.</summary>
    public static (ClassProbabilities BaseRates, double ShareUp) Frequencies(IEnumerable<SignalAction> labels)
    {
        var (rates, _) = Counted(labels as IReadOnlyList<SignalAction> ?? [.. labels], null);
        return (rates, ShareUpOf(rates));
    }

    /// <summary>Add-one smoothed frequencies of labels counted with the given weights (1 each when null), and their weighted count.</summary>
    public static (ClassProbabilities BaseRates, double Outcomes) Counted(IReadOnlyList<SignalAction> labels, IReadOnlyList<double>? weights)
    {
        double buy = 1, sell = 1, hold = 1;
        for (var i = 0; i < labels.Count; i++)
        {
            var w = weights?[i] ?? 1.0;
            switch (labels[i])
            {
                case SignalAction.Buy: buy += w; break;
                case SignalAction.Sell: sell += w; break;
                default: hold += w; break;
            }
        }
        var total = buy + sell + hold;
        return (new ClassProbabilities(buy / total, sell / total, hold / total), total);
    }

    /// <summary>BUY's share of the actionable frequencies; with add-one smoothing the same as counting BUY among actionable labels.</summary>
    public static double ShareUpOf(ClassProbabilities rates) => rates.Buy / (rates.Buy + rates.Sell);

    /// <summary>
    /// The same pool with its frequencies carried forward over new time-ordered outcomes: the old counts decay by
    /// <paramref name="decayPerOutcome"/> per new outcome towards the add-one prior, the new ones count by their
    /// recency, as the stacking model forgets in <see cref="BayesianStackingMetaLearner.Update"/>.
    /// </summary>
    /// <param name="weightPerOutcome">What one outcome counts (its label uniqueness; 1 counts it fully).</param>
    public ForecastPool Updated(IReadOnlyList<SignalAction> labels, double decayPerOutcome, double weightPerOutcome = 1)
    {
        // Without counts (a file from before they were kept) a few new outcomes must not replace the training frequencies.
        if (labels.Count == 0 || Outcomes <= 0) return this;
        var keep = Math.Pow(decayPerOutcome, labels.Count);
        var weights = new double[labels.Count];
        var w = 1.0;
        for (var i = labels.Count - 1; i >= 0; i--, w *= decayPerOutcome) weights[i] = weightPerOutcome * w;
        var (fresh, freshTotal) = Counted(labels, weights);
        // Counts above the add-one prior: the old ones decay, the fresh ones add; the prior's one per class stays.
        double Count(double oldShare, double freshShare) => 1 + keep * Math.Max(0, oldShare * Outcomes - 1) + (freshShare * freshTotal - 1);
        var (buy, sell, hold) = (Count(BaseRates.Buy, fresh.Buy), Count(BaseRates.Sell, fresh.Sell), Count(BaseRates.Hold, fresh.Hold));
        var total = buy + sell + hold;
        var rates = new ClassProbabilities(buy / total, sell / total, hold / total);
        return this with { BaseRates = rates, ShareUp = ShareUpOf(rates), Outcomes = total };
    }

    /// <summary>The weight grid: (stacking, stage 1, base rates) on the <see cref="Step"/> grid, stacking-heaviest first, then stage 1.</summary>
    public static IReadOnlyList<(double Stacking, double StageOne, double BaseRate)> Grid { get; } = MakeGrid();

    private static (double, double, double)[] MakeGrid()
    {
        var steps = (int)Math.Round(1 / Step);
        var grid = new List<(double, double, double)>();
        for (var s = steps; s >= 0; s--)
        {
            for (var o = steps - s; o >= 0; o--) grid.Add((s * Step, o * Step, (steps - s - o) * Step));
        }
        return [.. grid];
    }

    /// <summary>
    /// The weights, on the <see cref="Step"/> grid, with the least (weighted) log loss on held-out items; ties go to
    /// more weight on stacking, then on stage 1. Frequencies are those of the items the stacking model was fitted on.
    /// </summary>
    /// <param name="stacking">The stacking model's predictive probabilities for each held-out item.</param>
    /// <param name="weights">Each held-out item's weight in the loss (1 each when null).</param>
    public static ForecastPool Choose(
        IReadOnlyList<ClassProbabilities> stacking, IReadOnlyList<double> treeProbability, IReadOnlyList<SignalAction> labels,
        ClassProbabilities baseRates, double shareUp, IReadOnlyList<double>? weights = null)
    {
        if (stacking.Count != labels.Count || treeProbability.Count != labels.Count)
            throw new ArgumentException($"{stacking.Count} forecasts, {treeProbability.Count} tree probabilities, {labels.Count} labels");
        var start = StackingOnly with { BaseRates = baseRates, ShareUp = shareUp, Losses = new double[Grid.Count] };
        return start.WithLosses(stacking, treeProbability, labels, weights, keep: 1);
    }

    /// <summary>
    /// The weights re-chosen after new outcomes, scored before anything was fitted on them: the grid's losses decay by
    /// one <paramref name="decayPerOutcome"/> per outcome and add the new ones' (follow the leader with forgetting, so
    /// the pool moves to whichever component has forecast best lately). A pool without losses keeps its weights.
    /// </summary>
    public ForecastPool Rechosen(
        IReadOnlyList<ClassProbabilities> stacking, IReadOnlyList<double> treeProbability, IReadOnlyList<SignalAction> labels, double decayPerOutcome)
    {
        if (Losses is null || Losses.Count != Grid.Count || labels.Count == 0) return this;
        var weights = new double[labels.Count];
        var w = 1.0;
        for (var i = labels.Count - 1; i >= 0; i--, w *= decayPerOutcome) weights[i] = w;
        return WithLosses(stacking, treeProbability, labels, weights, Math.Pow(decayPerOutcome, labels.Count));
    }

    private ForecastPool WithLosses(
        IReadOnlyList<ClassProbabilities> stacking, IReadOnlyList<double> treeProbability, IReadOnlyList<SignalAction> labels,
        IReadOnlyList<double>? weights, double keep)
    {
        var losses = new double[Grid.Count];
        var (best, bestLoss) = (0, double.PositiveInfinity);
        for (var g = 0; g < Grid.Count; g++)
        {
            var pool = this with { Stacking = Grid[g].Stacking, StageOne = Grid[g].StageOne, BaseRate = Grid[g].BaseRate };
            var loss = keep * (Losses?[g] ?? 0);
            for (var i = 0; i < labels.Count; i++)
            {
                var (buy, sell, hold) = pool.Mix(stacking[i].Buy, stacking[i].Sell, stacking[i].Hold, treeProbability[i]);
                var p = labels[i] switch { SignalAction.Buy => buy, SignalAction.Sell => sell, _ => hold };
                loss -= (weights?[i] ?? 1.0) * Math.Log(Math.Max(p, 1e-15));
            }
            losses[g] = loss;
            if (loss < bestLoss - 1e-12) (best, bestLoss) = (g, loss);
        }
        return this with { Stacking = Grid[best].Stacking, StageOne = Grid[best].StageOne, BaseRate = Grid[best].BaseRate, Losses = losses };
    }
}
