using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;

namespace SignalEngine.Evaluation;

/// <summary>One strategy's call on one bar: the action and the class probabilities it states.</summary>
public sealed record StrategyCall(SignalAction Action, ClassProbabilities Probabilities)
{
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
    public static ClassProbabilities Frequencies(IEnumerable<SignalAction> labels)
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
        return new ClassProbabilities(buy / total, sell / total, hold / total);
    }

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
