namespace SignalEngine.Stages.TreeFilter;

/// <summary>
/// One regression tree as ML.NET lays it out: internal nodes 0..n-1, a negative child c is leaf ~c, and
/// "feature &lt;= threshold" goes left. Leaf values already carry the tree's ensemble weight. Covers are the
/// number of training rows that reach each node, which ML.NET does not keep and path-dependent TreeSHAP needs.
/// </summary>
internal sealed class DecisionTree
{
    public DecisionTree(
        int[] splitFeatures, float[] thresholds, int[] leftChildren, int[] rightChildren, double[] leafValues,
        double[] splitGains, double[] nodeCovers, double[] leafCovers)
    {
        var nodes = splitFeatures.Length;
        if (thresholds.Length != nodes || leftChildren.Length != nodes || rightChildren.Length != nodes || splitGains.Length != nodes || nodeCovers.Length != nodes)
        {
            throw new InvalidDataException($"a tree has {nodes} split features but its other node arrays differ in length");
        }
        if (leafValues.Length != nodes + 1 || leafCovers.Length != leafValues.Length)
        {
            throw new InvalidDataException($"a tree with {nodes} internal nodes must have {nodes + 1} leaf values and leaf covers");
        }
        for (var node = 0; node < nodes; node++)
        {
            // ML.NET numbers a node after its parent; holding to that rules out cycles in a damaged file.
            foreach (var child in (ReadOnlySpan<int>)[leftChildren[node], rightChildren[node]])
            {
                if (child >= nodes || (child >= 0 && child <= node) || ~child >= leafValues.Length)
                {
                    throw new InvalidDataException($"node {node} has a child index {child} out of order or out of range");
                }
            }
        }
        SplitFeatures = splitFeatures;
        Thresholds = thresholds;
        LeftChildren = leftChildren;
        RightChildren = rightChildren;
        LeafValues = leafValues;
        SplitGains = splitGains;
        NodeCovers = nodeCovers;
        LeafCovers = leafCovers;
        Depth = nodes == 0 ? 0 : DepthBelow(0);
    }

    public int[] SplitFeatures { get; }
    public float[] Thresholds { get; }
    public int[] LeftChildren { get; }
    public int[] RightChildren { get; }
    public double[] LeafValues { get; }
    public double[] SplitGains { get; }
    public double[] NodeCovers { get; }
    public double[] LeafCovers { get; }

    /// <summary>The longest root-to-leaf path, in splits.</summary>
    public int Depth { get; }

    public int NodeCount => SplitFeatures.Length;

    public double RootCover => NodeCount == 0 ? LeafCovers[0] : NodeCovers[0];

    /// <summary>The leaf a row falls in, compared in float as ML.NET compares its float feature vector.</summary>
    public int LeafOf(ReadOnlySpan<float> features)
    {
        if (SplitFeatures.Length == 0) return 0;
        var node = 0;
        while (node >= 0)
        {
            node = features[SplitFeatures[node]] <= Thresholds[node] ? LeftChildren[node] : RightChildren[node];
        }
        return ~node;
    }

    public double Predict(ReadOnlySpan<float> features) => LeafValues[LeafOf(features)];

    /// <summary>Adds one row to the covers of every node on its path.</summary>
    public void AddToCovers(ReadOnlySpan<float> features)
    {
        if (SplitFeatures.Length == 0)
        {
            LeafCovers[0]++;
            return;
        }
        var node = 0;
        while (node >= 0)
        {
            NodeCovers[node]++;
            node = features[SplitFeatures[node]] <= Thresholds[node] ? LeftChildren[node] : RightChildren[node];
        }
        LeafCovers[~node]++;
    }

    public double CoverOf(int child) => child >= 0 ? NodeCovers[child] : LeafCovers[~child];

    /// <summary>
    /// The share of a node's cover that goes to one child. A node no training row reached splits evenly, so the
    /// value function stays defined; covers recomputed from the training rows never leave such a node on a path
    /// a row can take with positive weight.
    /// </summary>
    public double CoverFraction(int node, int child)
    {
        var parent = NodeCovers[node];
        return parent > 0 ? CoverOf(child) / parent : 0.5;
    }

    private int DepthBelow(int node)
    {
        var left = LeftChildren[node] >= 0 ? DepthBelow(LeftChildren[node]) : 0;
        var right = RightChildren[node] >= 0 ? DepthBelow(RightChildren[node]) : 0;
        return 1 + Math.Max(left, right);
    }

    /// <summary>The tree's mean output under the cover distribution: its share of the TreeSHAP base value.</summary>
    public double ExpectedValue() => NodeCount == 0 ? LeafValues[0] : ExpectedBelow(0);

    private double ExpectedBelow(int node)
    {
        if (node < 0) return LeafValues[~node];
        var left = LeftChildren[node];
        var right = RightChildren[node];
        return CoverFraction(node, left) * ExpectedBelow(left) + CoverFraction(node, right) * ExpectedBelow(right);
    }
}
