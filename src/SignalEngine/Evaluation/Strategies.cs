using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Stages.MetaLearner;

namespace SignalEngine.Evaluation;

/// <summary>One strategy's call on one bar: the action, the class probabilities it states and its bet size.</summary>
/// <param name="BetSize">Signed position of the bet the call opens; baselines, which size nothing, bet a whole unit.</param>
public sealed record StrategyCall(SignalAction Action, ClassProbabilities Probabilities, double? BetSize = null)
{
    public double Size => BetSize ?? StrategyScoring.Position(Action);

    public double Confidence => Probabilities.Of(Action);
}

/// <summary>The strategies the evaluation compares on the same test bars, from the trivial to the full pipeline.</summary>
public static class Strategies
{
    public const string AlwaysHold = "always-HOLD";
    public const string RsiRule = "RSI rule alone";
    public const string Stage1 = "stage 1 alone";
    public const string Stages12 = "stages 1+2 (no meta-learner)";
    public const string Pipeline = "full pipeline";

    public static IReadOnlyList<string> All { get; } = [AlwaysHold, RsiRule, Stage1, Stages12, Pipeline];

    /// <summary>RSI below this is oversold (BUY), above 100 minus it overbought (SELL): the textbook 30 / 70 rule.</summary>
    public const double RsiOversold = 30;

    /// <summary>Label frequencies of a training period, with add-one smoothing so no class has probability 0.</summary>
    public static ClassProbabilities Frequencies(IEnumerable<SignalAction> labels) => ForecastPool.Frequencies(labels).BaseRates;

    public static int RsiZone(double rsi) => rsi < RsiOversold ? 0 : rsi > 100 - RsiOversold ? 2 : 1;

    public static SignalAction RsiAction(double rsi) => RsiZone(rsi) switch
    {
        0 => SignalAction.Buy,
        2 => SignalAction.Sell,
        _ => SignalAction.Hold,
    };

    /// <summary>
    /// Stage 1 knows whether to act but not which way: a passed item takes the direction that was more frequent
    /// among the actionable training labels.
    /// </summary>
    public static StrategyCall Stage1Call(double pActionable, bool passed, double trainingShareUp)
    {
        var probabilities = new ClassProbabilities(pActionable * trainingShareUp, pActionable * (1 - trainingShareUp), 1 - pActionable);
        var action = !passed ? SignalAction.Hold : trainingShareUp >= 0.5 ? SignalAction.Buy : SignalAction.Sell;
        return new StrategyCall(action, probabilities);
    }

    /// <summary>Stage 1 decides whether to act, the mean p(up) of the sequence models which way, multiplied without stage 3.</summary>
    public static StrategyCall Stages12Call(double pActionable, bool passed, IReadOnlyList<double?> pUp, double trainingShareUp)
    {
        var scored = pUp.OfType<double>().ToArray();
        var up = scored.Length > 0 ? scored.Average() : trainingShareUp;
        var probabilities = new ClassProbabilities(pActionable * up, pActionable * (1 - up), 1 - pActionable);
        var action = !passed ? SignalAction.Hold : up >= 0.5 ? SignalAction.Buy : SignalAction.Sell;
        return new StrategyCall(action, probabilities);
    }
}

/// <summary>
/// What the baselines know of a labelled period: the label frequencies (always-HOLD states them), the share of BUY
/// among actionable labels (stage 1 alone takes that side) and the label frequencies per RSI zone (the RSI rule's).
/// </summary>
public sealed record BaselinePriors(ClassProbabilities Prior, double ShareUp, IReadOnlyList<ClassProbabilities> ByRsiZone)
{
    /// <summary>RSI of a bar when the schema has none: the neutral middle, so the RSI rule holds.</summary>
    public const double NeutralRsi = 50;

    public static BaselinePriors From(IReadOnlyList<double> rsi, IReadOnlyList<SignalAction> labels)
    {
        var prior = Strategies.Frequencies(labels);
        var byZone = Enumerable.Range(0, 3)
            .Select(zone => Strategies.Frequencies(labels.Where((_, i) => Strategies.RsiZone(rsi[i]) == zone)))
            .ToArray();
        return new BaselinePriors(prior, prior.Buy / (prior.Buy + prior.Sell), byZone);
    }

    /// <summary>Every strategy's call on one bar, in <see cref="Strategies.All"/> order.</summary>
    public IEnumerable<(string Strategy, StrategyCall Call)> Calls(CandidateScore score, double rsi, MetaDecision pipeline)
    {
        yield return (Strategies.AlwaysHold, new StrategyCall(SignalAction.Hold, Prior));
        yield return (Strategies.RsiRule, new StrategyCall(Strategies.RsiAction(rsi), ByRsiZone[Strategies.RsiZone(rsi)]));
        yield return (Strategies.Stage1, Strategies.Stage1Call(score.Tree.ProbabilityActionable, score.Tree.Passed, ShareUp));
        yield return (Strategies.Stages12, Strategies.Stages12Call(
            score.Tree.ProbabilityActionable, score.Tree.Passed, score.Sequence.Select(s => s.ProbabilityUp).ToArray(), ShareUp));
        yield return (Strategies.Pipeline, new StrategyCall(pipeline.Action, pipeline.Probabilities, pipeline.BetSize));
    }
}
