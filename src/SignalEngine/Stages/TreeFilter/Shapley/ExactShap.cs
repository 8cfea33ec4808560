namespace SignalEngine.Stages.TreeFilter.Shapley;

/// <summary>
/// How one tree serves its exact TreeSHAP: a grid lookup when its threshold grid is small, else per-leaf pattern
/// tables when those are small, else Algorithm 2 on every row (both null). All three give the same values.
/// </summary>
internal sealed record ExactShap(ThresholdGridShap? Grid, LeafPatternShap? Leaves)
{
    public int Entries => Grid?.Entries ?? Leaves?.Entries ?? 0;

    public static ExactShap For(DecisionTree tree, int featureCount, int maxEntries)
    {
        var leaves = LeafPatternShap.TryBuild(tree, maxEntries);
        var grid = ThresholdGridShap.TryBuild(tree, featureCount, maxEntries, leaves);
        return grid is not null ? new ExactShap(grid, null) : new ExactShap(null, leaves);
    }
}
