using SignalEngine.Labels;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>
/// Stage 3: combines the stage outputs with market context into the final action, its calibrated confidence
/// and an uncertainty estimate.
/// </summary>
public interface IMetaLearner
{
    ModelStamp Model { get; }

    /// <summary>Names of the inputs the contributions refer to, in the learner's order.</summary>
    IReadOnlyList<string> InputNames { get; }

    /// <summary>
    /// The posterior predictive of one item: mean class probabilities, the same under each posterior draw, and each
    /// input's contribution to each class logit. No decision: the pipeline's composition decides from this.
    /// </summary>
    MetaPosterior Predict(MetaInput input);
}

/// <summary>What stage 3 sees of one item.</summary>
/// <param name="SequenceProbabilities">p(up) per sequence model, in the bundle's model order; null where it abstained
/// or was skipped because stage 1 filtered the item.</param>
/// <param name="Regime">One of <see cref="Features.MarketRegime.All"/>.</param>
public sealed record MetaInput(
    double TreeProbability,
    IReadOnlyList<double?> SequenceProbabilities,
    string Regime,
    double Liquidity);

/// <summary>Stage 3's posterior predictive for one item.</summary>
/// <param name="Mean">Posterior predictive class probabilities (the mean over the draws).</param>
/// <param name="Buy">P(BUY) under each posterior draw; <paramref name="Sell"/> and <paramref name="Hold"/> under the same draws.</param>
/// <param name="CredibleLevel">Level of the intervals <see cref="Spread"/> gives.</param>
/// <param name="Contributions">Each input's contribution to each class logit (posterior mean weights).</param>
public sealed record MetaPosterior(
    ClassProbabilities Mean,
    double[] Buy,
    double[] Sell,
    double[] Hold,
    double CredibleLevel,
    IReadOnlyList<LogitContribution> Contributions)
{
    public double[] Draws(SignalAction action) => action switch
    {
        SignalAction.Buy => Buy,
        SignalAction.Sell => Sell,
        _ => Hold,
    };

    /// <summary>
    /// The posterior standard deviation of one class's probability and its equal-tailed credible interval. The mean
    /// can fall just outside the quantiles of very lopsided draws, and an interval that excludes its own point
    /// estimate reads as a bug, so the interval is widened to include it.
    /// </summary>
    public (double StdDev, CredibleInterval Interval) Spread(SignalAction action)
    {
        var draws = Draws(action);
        var mean = Mean.Of(action);
        var sum = 0.0;
        foreach (var value in draws) sum += (value - mean) * (value - mean);
        var standardDeviation = draws.Length > 1 ? Math.Sqrt(sum / (draws.Length - 1)) : 0.0;
        var sorted = (double[])draws.Clone();
        Array.Sort(sorted);
        var tail = 0.5 * (1.0 - CredibleLevel);
        var interval = new CredibleInterval(
            Math.Min(Quantile(sorted, tail), mean), Math.Max(Quantile(sorted, 1.0 - tail), mean), CredibleLevel);
        return (standardDeviation, interval);
    }

    /// <summary>Linear interpolation between order statistics (Hyndman and Fan type 7) of sorted values.</summary>
    private static double Quantile(double[] sorted, double level)
    {
        if (sorted.Length == 0) return double.NaN;
        var position = level * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}

public sealed record ClassProbabilities(double Buy, double Sell, double Hold)
{
    public double Of(SignalAction action) => action switch
    {
        SignalAction.Buy => Buy,
        SignalAction.Sell => Sell,
        _ => Hold,
    };
}

public sealed record CredibleInterval(double Lower, double Upper, double Level);

/// <summary>One input's value times its posterior-mean weight, for each class logit.</summary>
public sealed record LogitContribution(string Input, double Value, double Buy, double Sell, double Hold);
