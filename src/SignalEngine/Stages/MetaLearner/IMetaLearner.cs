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

    MetaDecision Decide(MetaInput input);

    /// <summary>
    /// The decision when an earlier stage has already fixed the action (stage 1 filtered the item to HOLD):
    /// that action's predictive probability, interval and uncertainty, with the same contributions.
    /// </summary>
    MetaDecision DecideAs(MetaInput input, SignalAction action);
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

/// <summary>Stage 3's decision for one item.</summary>
/// <param name="Confidence">Posterior predictive probability of <paramref name="Action"/>.</param>
/// <param name="Interval">Credible interval of that probability under the Laplace posterior.</param>
/// <param name="Contributions">Each input's contribution to each class logit (posterior mean weights).</param>
/// <param name="PosteriorStdDev">Posterior standard deviation of the chosen action's probability.</param>
public sealed record MetaDecision(
    SignalAction Action,
    double Confidence,
    ClassProbabilities Probabilities,
    CredibleInterval Interval,
    IReadOnlyList<LogitContribution> Contributions,
    double PosteriorStdDev);

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
