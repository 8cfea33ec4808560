using SignalEngine.Bundle;
using SignalEngine.Labels;

namespace SignalEngine.Online;

/// <summary>How a model did on held-out outcomes.</summary>
/// <param name="Precision">Share of its BUY and SELL calls that matched the outcome; NaN when it never acted.</param>
public sealed record ShadowScore(string Version, int Outcomes, double LogLoss, double Precision, double Coverage);

/// <summary>The serving model and a candidate scored side by side on outcomes neither was trained on.</summary>
public sealed record ShadowComparison(ShadowScore Serving, ShadowScore Candidate, bool Promote, string Reason);

public static class ShadowEvaluation
{
    public static ShadowScore Score(ModelBundle bundle, IReadOnlyList<OnlineSample> outcomes)
    {
        var decisions = bundle.Stages.Decide(outcomes.Select(o => o.Input).ToArray());
        double logLoss = 0;
        int acted = 0, right = 0;
        for (var i = 0; i < outcomes.Count; i++)
        {
            logLoss -= Math.Log(Math.Max(1e-12, decisions[i].Probabilities.Of(outcomes[i].Label)));
            if (decisions[i].Action == SignalAction.Hold) continue;
            acted++;
            if (decisions[i].Action == outcomes[i].Label) right++;
        }
        return new ShadowScore(
            bundle.Version, outcomes.Count, outcomes.Count == 0 ? double.NaN : logLoss / outcomes.Count,
            acted == 0 ? double.NaN : right / (double)acted, outcomes.Count == 0 ? 0 : acted / (double)outcomes.Count);
    }

    /// <summary>Promote when the candidate is not worse by the margins: log loss, and precision where both acted.</summary>
    public static ShadowComparison Compare(ShadowScore serving, ShadowScore candidate, OnlineOptions options)
    {
        if (candidate.LogLoss > serving.LogLoss + options.LogLossMargin)
        {
            return new ShadowComparison(serving, candidate, false,
                $"held-out log loss {candidate.LogLoss:0.0000} is worse than the serving model's {serving.LogLoss:0.0000} by more than {options.LogLossMargin}");
        }
        if (double.IsFinite(serving.Precision) && double.IsFinite(candidate.Precision) && candidate.Precision < serving.Precision - options.PrecisionMargin)
        {
            return new ShadowComparison(serving, candidate, false,
                $"held-out precision {candidate.Precision:0.000} is worse than the serving model's {serving.Precision:0.000} by more than {options.PrecisionMargin}");
        }
        return new ShadowComparison(serving, candidate, true,
            $"held-out log loss {candidate.LogLoss:0.0000} against {serving.LogLoss:0.0000}, precision {candidate.Precision:0.000} against {serving.Precision:0.000}: not worse");
    }
}
