namespace SignalEngine.Stages.TreeFilter;

/// <summary>
/// Stage 1: a fast tree-ensemble filter of p(actionable) = P(BUY or SELL) plus rule filters. Items it does not
/// pass become HOLD with the reason; items it passes go on to sequence refinement.
/// </summary>
public interface ITreeFilter
{
    ModelStamp Model { get; }

    /// <summary>Scores one row of features, in the bundle's schema order. No explanation: the fast path.</summary>
    TreeFilterResult Evaluate(ReadOnlySpan<double> features);

    /// <summary>Exact path-dependent TreeSHAP of the combined score: BaseValue + sum(contributions) = Score.</summary>
    TreeExplanation Explain(ReadOnlySpan<double> features);

    /// <summary>
    /// <see cref="Evaluate"/> and <see cref="Explain"/> of one row, the same result and explanation; an implementation
    /// that can read both from one pass over its model should (the served pipeline explains every item).
    /// </summary>
    ExplainedTreeResult EvaluateAndExplain(ReadOnlySpan<double> features) => new(Evaluate(features), Explain(features));

    /// <summary>Each feature's share of the ensembles' split gain, in schema order: the cheapest global importance.</summary>
    IReadOnlyList<FeatureImportance> SplitGainImportance();
}

/// <summary>A stage-1 result and its explanation, from one call.</summary>
public sealed record ExplainedTreeResult(TreeFilterResult Result, TreeExplanation Explanation);

/// <summary>Stage 1 output for one item.</summary>
/// <param name="ProbabilityActionable">Calibrated P(BUY or SELL), the logistic function of <paramref name="Score"/>.</param>
/// <param name="Score">The combined log-odds the explanation decomposes.</param>
/// <param name="Passed">False when under the threshold or vetoed by a rule.</param>
/// <param name="Reason">Why it did not pass, or null.</param>
public sealed record TreeFilterResult(
    double ProbabilityActionable,
    double Score,
    bool Passed,
    string? Reason,
    IReadOnlyList<RuleHit> RulesFired,
    IReadOnlyList<TreeModelScore> Models);

/// <summary>One ensemble's own output: its raw score and its calibrated probability.</summary>
public sealed record TreeModelScore(string Model, double RawScore, double Probability);

/// <summary>A rule filter that fired, with the value that made it fire.</summary>
public sealed record RuleHit(string Rule, string Feature, double Value, string Condition, string Effect);

/// <summary>Exact TreeSHAP of the combined stage-1 score, plus each ensemble's own decomposition of its raw score.</summary>
public sealed record TreeExplanation(
    double BaseValue,
    double Score,
    IReadOnlyList<FeatureContribution> Contributions,
    IReadOnlyList<TreeModelExplanation> Models);

public sealed record TreeModelExplanation(string Model, double BaseValue, double RawScore, IReadOnlyList<FeatureContribution> Contributions);

/// <summary>A feature's value and its additive contribution to a score.</summary>
public sealed record FeatureContribution(string Feature, double Value, double Contribution);
