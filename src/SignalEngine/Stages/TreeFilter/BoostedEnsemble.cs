using SignalEngine.Stages.TreeFilter.Shapley;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>
/// One boosted ensemble (LightGBM or FastTree) as extracted from ML.NET: raw score = bias + sum of tree outputs,
/// calibrated log-odds = the Platt map of the raw score.
/// </summary>
internal sealed class BoostedEnsemble
{
    /// <summary>
    /// Table budgets in doubles: 65,536 (512 KB) for one tree, which every tree of the default 100 x 16 setup on
    /// 12 features fits, and 8M (64 MB) for the whole ensemble, so 5,000 trees cannot exhaust memory.
    /// Trees past a budget fall back to smaller leaf tables, then to Algorithm 2: slower, equally exact.
    /// </summary>
    public const int DefaultTreeTableLimit = 1 << 16;

    public const long DefaultEnsembleTableLimit = 1 << 23;

    private readonly Lazy<ExactShap[]> tables;

    public BoostedEnsemble(
        string name, IReadOnlyList<DecisionTree> trees, double bias, PlattScaling calibration,
        int treeTableLimit = DefaultTreeTableLimit, long ensembleTableLimit = DefaultEnsembleTableLimit)
    {
        Name = name;
        Trees = trees;
        Bias = bias;
        Calibration = calibration;
        MaxDepth = trees.Count == 0 ? 0 : trees.Max(t => t.Depth);
        var expected = bias;
        foreach (var tree in trees) expected += tree.ExpectedValue();
        ExpectedRawScore = expected;
        var featureCount = trees.Count == 0 ? 0 : trees.Max(t => t.NodeCount == 0 ? 0 : t.SplitFeatures.Max() + 1);
        // Built on the first explanation (or at bundle load), so training folds that only score never pay for them.
        tables = new Lazy<ExactShap[]>(() =>
        {
            var exact = new ExactShap[trees.Count];
            var remaining = ensembleTableLimit;
            for (var t = 0; t < exact.Length; t++)
            {
                exact[t] = ExactShap.For(trees[t], featureCount, (int)Math.Min(treeTableLimit, remaining));
                remaining -= exact[t].Entries;
            }
            return exact;
        });
    }

    public string Name { get; }
    public IReadOnlyList<DecisionTree> Trees { get; }
    public double Bias { get; }
    public PlattScaling Calibration { get; }
    public int MaxDepth { get; }

    /// <summary>The raw score's mean under the cover distribution: the TreeSHAP base value of the raw score.</summary>
    public double ExpectedRawScore { get; }

    public double RawScore(ReadOnlySpan<float> features)
    {
        var score = 0.0;
        for (var t = 0; t < Trees.Count; t++) score += Trees[t].Predict(features);
        return score + Bias;
    }

    /// <summary>
    /// Adds the raw score's Shapley values to <paramref name="phi"/> and returns the raw score, read from the same
    /// cells (each cell of a tree's threshold grid lies in one leaf): one pass over the trees, the score bit for bit
    /// <see cref="RawScore"/>'s. The path buffer fits <see cref="MaxDepth"/>.
    /// </summary>
    public double AccumulateShap(ReadOnlySpan<float> features, Span<double> phi, Span<TreeShap.PathElement> path)
    {
        var exact = tables.Value;
        // Find every tree's cell first: the table reads that follow are then independent of each other, so the
        // processor overlaps their cache misses instead of waiting on one at a time.
        Span<int> cells = exact.Length <= 1024 ? stackalloc int[exact.Length] : new int[exact.Length];
        for (var t = 0; t < exact.Length; t++) cells[t] = exact[t].Grid?.CellOf(features) ?? -1;
        var score = 0.0;
        for (var t = 0; t < exact.Length; t++)
        {
            if (exact[t].Grid is { } grid)
            {
                grid.AddCell(cells[t], phi);
                score += grid.LeafValueOf(cells[t]);
                continue;
            }
            if (exact[t].Leaves is { } leaves) leaves.Accumulate(features, phi);
            else TreeShap.Accumulate(Trees[t], features, phi, path);
            score += Trees[t].Predict(features);
        }
        return score + Bias;
    }

    /// <summary>Builds the SHAP tables now rather than on the first explanation.</summary>
    public void PrepareExplanations() => _ = tables.Value;

    /// <summary>How many trees explain by a grid lookup, by leaf tables, by Algorithm 2, and the tables' size in values.</summary>
    public (int Grid, int Leaves, int AlgorithmTwo, long Entries) Tabulated => (
        tables.Value.Count(t => t.Grid is not null),
        tables.Value.Count(t => t.Grid is null && t.Leaves is not null),
        tables.Value.Count(t => t.Grid is null && t.Leaves is null),
        tables.Value.Sum(t => (long)t.Entries));

    /// <summary>Total split gain per feature, over every split of every tree.</summary>
    public double[] SplitGainByFeature(int featureCount)
    {
        var gains = new double[featureCount];
        foreach (var tree in Trees)
        {
            for (var n = 0; n < tree.NodeCount; n++) gains[tree.SplitFeatures[n]] += tree.SplitGains[n];
        }
        return gains;
    }
}
