using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Pipeline;

/// <summary>Stage 1 and stage 2 outputs of one item: what stage 3 stacks.</summary>
public sealed record CandidateScore(TreeFilterResult Tree, IReadOnlyList<SequenceRefinerResult> Sequence)
{
    public MetaInput ToMetaInput(ItemContext context) =>
        new(Tree.ProbabilityActionable, Sequence.Select(s => s.ProbabilityUp).ToArray(), context.Regime, context.Liquidity);
}

/// <summary>What stage 3 knows of an item besides the stage outputs: its market regime and liquidity.</summary>
public sealed record ItemContext(string Regime, double Liquidity);

/// <summary>
/// The one composition of the stages: stage 1 filters, stage 2 refines what stage 1 passed, stage 3 decides. Serving,
/// training, evaluation, scoring, shadow evaluation and tuning all score and decide through here, so stage 3 never
/// sees an encoding at serving time that it was not trained on, and the decision rule is written once.
/// </summary>
public static class StageComposer
{
    public const string FilteredReason = "skipped: filtered at stage 1";

    /// <summary>Stages 1 and 2 over a batch; filtered items never reach stage 2 (the tree filter exists to spare it those).</summary>
    /// <param name="windows">Per item the T x F window ending at the item, or null when its history is too short.</param>
    public static IReadOnlyList<CandidateScore> Score(
        ITreeFilter treeFilter,
        IReadOnlyList<ISequenceRefiner> refiners,
        IReadOnlyList<double[]> rows,
        IReadOnlyList<double[][]?> windows)
    {
        var trees = new TreeFilterResult[rows.Count];
        for (var i = 0; i < rows.Count; i++) trees[i] = treeFilter.Evaluate(rows[i]);

        var passedWindows = new double[][]?[rows.Count];
        for (var i = 0; i < rows.Count; i++) passedWindows[i] = trees[i].Passed ? windows[i] : null;

        var sequence = new SequenceRefinerResult[refiners.Count][];
        for (var m = 0; m < refiners.Count; m++)
        {
            var results = refiners[m].Refine(passedWindows);
            sequence[m] = new SequenceRefinerResult[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                sequence[m][i] = trees[i].Passed
                    ? results[i]
                    : new SequenceRefinerResult(refiners[m].Model.Name, null, FilteredReason);
            }
        }

        var scores = new CandidateScore[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            scores[i] = new CandidateScore(trees[i], sequence.Select(s => s[i]).ToArray());
        }
        return scores;
    }

    /// <summary>
    /// Stage 3's decision on one scored item: an item stage 1 filtered stays HOLD (with stage 3's probabilities and
    /// uncertainty for it); the others take stage 3's decision rule.
    /// </summary>
    public static MetaDecision Decide(IMetaLearner meta, CandidateScore score, ItemContext context)
    {
        var input = score.ToMetaInput(context);
        return score.Tree.Passed ? meta.Decide(input) : meta.DecideAs(input, SignalAction.Hold);
    }

    /// <summary><see cref="Decide(IMetaLearner, CandidateScore, ItemContext)"/> for each item, in order.</summary>
    public static IReadOnlyList<MetaDecision> Decide(IMetaLearner meta, IReadOnlyList<CandidateScore> scores, IReadOnlyList<ItemContext> contexts)
    {
        if (scores.Count != contexts.Count) throw new ArgumentException($"{scores.Count} scores but {contexts.Count} contexts", nameof(contexts));
        var decisions = new MetaDecision[scores.Count];
        for (var i = 0; i < decisions.Length; i++) decisions[i] = Decide(meta, scores[i], contexts[i]);
        return decisions;
    }
}
