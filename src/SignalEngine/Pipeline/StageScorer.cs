using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Pipeline;

/// <summary>Stage 1 and stage 2 outputs of one item: what stage 3 stacks.</summary>
public sealed record CandidateScore(TreeFilterResult Tree, IReadOnlyList<SequenceRefinerResult> Sequence)
{
    public MetaInput ToMetaInput(string regime, double liquidity) =>
        new(Tree.ProbabilityActionable, Sequence.Select(s => s.ProbabilityUp).ToArray(), regime, liquidity);
}

/// <summary>
/// Runs stages 1 and 2 over a batch the same way for serving and for the out-of-fold predictions stage 3 is fitted
/// on, so stage 3 never sees an encoding at serving time that it was not trained on.
/// </summary>
public static class StageScorer
{
    public const string FilteredReason = "skipped: filtered at stage 1";

    /// <param name="windows">Per item the T x F window ending at the item, or null when its history is too short.</param>
    public static IReadOnlyList<CandidateScore> Score(
        ITreeFilter treeFilter,
        IReadOnlyList<ISequenceRefiner> refiners,
        IReadOnlyList<double[]> rows,
        IReadOnlyList<double[][]?> windows)
    {
        var trees = new TreeFilterResult[rows.Count];
        for (var i = 0; i < rows.Count; i++) trees[i] = treeFilter.Evaluate(rows[i]);

        // Filtered items never reach stage 2: the tree filter exists to spare it those.
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
}
