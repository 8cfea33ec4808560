namespace SignalEngine.Stages.TreeFilter.Shapley;

/// <summary>
/// One tree's exact TreeSHAP values, tabulated. The path-dependent Shapley values depend on the row only through
/// which side of each threshold every feature falls, so they are constant on the cells of the grid the tree's
/// thresholds cut: run Algorithm 2 once per cell and serving an explanation becomes a cell lookup and one add
/// per feature the tree uses. Built only while the table stays within budget (see <see cref="ExactShap"/>).
/// </summary>
internal sealed class ThresholdGridShap
{
    private readonly int[] features;
    private readonly float[][] thresholds;
    private readonly int[] strides;
    private readonly double[] values;
    private readonly double[] leafValues;

    private ThresholdGridShap(int[] features, float[][] thresholds, int[] strides, double[] values, double[] leafValues)
    {
        this.features = features;
        this.thresholds = thresholds;
        this.strides = strides;
        this.values = values;
        this.leafValues = leafValues;
    }

    public int Entries => values.Length;

    /// <summary>The table, or null when it would hold more than <paramref name="maxEntries"/> values.</summary>
    /// <remarks>Cells are filled from <paramref name="leaves"/> when given (faster), else by Algorithm 2.</remarks>
    public static ThresholdGridShap? TryBuild(DecisionTree tree, int featureCount, int maxEntries, LeafPatternShap? leaves = null)
    {
        if (tree.NodeCount == 0) return null;
        var features = tree.SplitFeatures.Distinct().Order().ToArray();
        var thresholds = features
            .Select(f => Enumerable.Range(0, tree.NodeCount).Where(n => tree.SplitFeatures[n] == f).Select(n => tree.Thresholds[n]).Distinct().Order().ToArray())
            .ToArray();
        var strides = new int[features.Length];
        long cells = 1;
        for (var k = features.Length - 1; k >= 0; k--)
        {
            strides[k] = (int)cells;
            cells *= thresholds[k].Length + 1;
            if (cells * features.Length > maxEntries) return null;
        }

        var values = new double[cells * features.Length];
        var leafValues = new double[cells];
        var row = new float[featureCount];
        var phi = new double[featureCount];
        var path = new TreeShap.PathElement[TreeShap.PathBufferLength(tree.Depth)];
        for (var cell = 0; cell < cells; cell++)
        {
            for (var k = 0; k < features.Length; k++)
            {
                // Cell c of a feature is t[c-1] < x <= t[c]: t[c] itself represents it, and just above the last threshold the last one.
                var c = cell / strides[k] % (thresholds[k].Length + 1);
                row[features[k]] = c < thresholds[k].Length ? thresholds[k][c] : MathF.BitIncrement(thresholds[k][^1]);
            }
            leafValues[cell] = tree.Predict(row);
            Array.Clear(phi);
            if (leaves is not null) leaves.Accumulate(row, phi);
            else TreeShap.Accumulate(tree, row, phi, path);
            for (var k = 0; k < features.Length; k++) values[cell * features.Length + k] = phi[features[k]];
        }
        return new ThresholdGridShap(features, thresholds, strides, values, leafValues);
    }

    public void Accumulate(ReadOnlySpan<float> row, Span<double> phi) => AddCell(CellOf(row), phi);

    /// <summary>The row's cell: for each feature, how many of the tree's thresholds the row lies above.</summary>
    public int CellOf(ReadOnlySpan<float> row)
    {
        var cell = 0;
        for (var k = 0; k < features.Length; k++)
        {
            var x = row[features[k]];
            var cuts = thresholds[k];
            var c = 0;
            // Counted as the tree routes: a value goes left only when x <= t, so NaN lands in the last cell.
            while (c < cuts.Length && !(x <= cuts[c])) c++;
            cell += c * strides[k];
        }
        return cell;
    }

    /// <summary>The tree's output for every row in the cell: the cell lies in one leaf.</summary>
    public double LeafValueOf(int cell) => leafValues[cell];

    public void AddCell(int cell, Span<double> phi)
    {
        var offset = cell * features.Length;
        for (var k = 0; k < features.Length; k++) phi[features[k]] += values[offset + k];
    }
}
