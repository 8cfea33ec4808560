namespace SignalEngine.Stages.TreeFilter.Shapley;

/// <summary>
/// One tree's exact path-dependent TreeSHAP, precomputed per leaf (the idea of Fast TreeSHAP v2, Yang 2021).
/// A leaf's share of the Shapley values depends on the row only through which of the k distinct features on
/// its path the row agrees with (its "one fractions", 0 or 1); the cover ("zero") fractions are fixed. So each
/// leaf keeps a table of 2^k rows of k values, and explaining a row is, per leaf, k interval checks to find
/// the pattern and k adds. Built only while the tables stay small; other trees run Algorithm 2 per row.
/// </summary>
internal sealed class LeafPatternShap
{
    private readonly int[] leafStart;
    private readonly int[] tableStart;
    private readonly int[] features;
    private readonly float[] lower;
    private readonly float[] upper;
    private readonly double[] table;

    private LeafPatternShap(int[] leafStart, int[] tableStart, int[] features, float[] lower, float[] upper, double[] table)
    {
        this.leafStart = leafStart;
        this.tableStart = tableStart;
        this.features = features;
        this.lower = lower;
        this.upper = upper;
        this.table = table;
    }

    public int Entries => table.Length;

    /// <summary>The tables, or null when they would hold more than <paramref name="maxEntries"/> values.</summary>
    public static LeafPatternShap? TryBuild(DecisionTree tree, int maxEntries)
    {
        if (tree.NodeCount == 0) return null;
        var leaves = new List<LeafPath>();
        Collect(tree, 0, [], leaves);
        long entries = 0;
        foreach (var leaf in leaves)
        {
            entries += (1L << leaf.Features.Count) * leaf.Features.Count;
            if (entries > maxEntries) return null;
        }

        var leafStart = new int[leaves.Count + 1];
        var tableStart = new int[leaves.Count];
        var features = new List<int>();
        var lower = new List<float>();
        var upper = new List<float>();
        var table = new double[entries];
        var offset = 0;
        for (var l = 0; l < leaves.Count; l++)
        {
            var leaf = leaves[l];
            leafStart[l] = features.Count;
            tableStart[l] = offset;
            foreach (var condition in leaf.Features)
            {
                features.Add(condition.Feature);
                // No lower bound is stored as NaN: !(x <= NaN) holds for every x, -infinity included.
                lower.Add(float.IsNegativeInfinity(condition.Lower) ? float.NaN : condition.Lower);
                upper.Add(condition.Upper);
            }
            Tabulate(leaf, table.AsSpan(offset, (1 << leaf.Features.Count) * leaf.Features.Count));
            offset += (1 << leaf.Features.Count) * leaf.Features.Count;
        }
        leafStart[^1] = features.Count;
        return new LeafPatternShap(leafStart, tableStart, [.. features], [.. lower], [.. upper], table);
    }

    public void Accumulate(ReadOnlySpan<float> row, Span<double> phi)
    {
        for (var l = 0; l < tableStart.Length; l++)
        {
            var start = leafStart[l];
            var k = leafStart[l + 1] - start;
            var pattern = 0;
            for (var i = 0; i < k; i++)
            {
                var x = row[features[start + i]];
                // The walk sends NaN right at every split, exactly as it sends +infinity.
                if (float.IsNaN(x)) x = float.PositiveInfinity;
                // Non-short-circuit and no branch on the outcome: which side a row falls is unpredictable.
                var agrees = (x <= upper[start + i]) & !(x <= lower[start + i]);
                pattern |= (agrees ? 1 : 0) << i;
            }
            var values = tableStart[l] + pattern * k;
            for (var i = 0; i < k; i++) phi[features[start + i]] += table[values + i];
        }
    }

    /// <summary>
    /// For every pattern b of the leaf's k features: phi_i = v (b_i - z_i) sum_s c_s s!(k-1-s)!/k!, where c_s is
    /// the t^s coefficient of prod_{j != i} (z_j + b_j t), the weight of coalitions of size s that reach the leaf.
    /// </summary>
    private static void Tabulate(LeafPath leaf, Span<double> table)
    {
        var k = leaf.Features.Count;
        var weights = new double[k];
        for (var s = 0; s < k; s++) weights[s] = 1 / (k * BinomialCoefficient(k - 1, s));
        var product = new double[k + 1];
        var quotient = new double[k];
        for (var pattern = 0; pattern < 1 << k; pattern++)
        {
            Array.Clear(product);
            product[0] = 1;
            for (var j = 0; j < k; j++) MultiplyByLinear(product, j, leaf.Features[j].ZeroFraction, (pattern >> j) & 1);
            for (var i = 0; i < k; i++)
            {
                var one = (pattern >> i) & 1;
                var zero = leaf.Features[i].ZeroFraction;
                if (one - zero == 0) continue;
                if (one == 0)
                {
                    for (var s = 0; s < k; s++) quotient[s] = product[s] / zero;
                }
                else
                {
                    // Divide by (zero + t) from the top coefficient down: stable since zero <= 1.
                    quotient[k - 1] = product[k];
                    for (var s = k - 1; s > 0; s--) quotient[s - 1] = product[s] - zero * quotient[s];
                }
                var sum = 0.0;
                for (var s = 0; s < k; s++) sum += quotient[s] * weights[s];
                table[pattern * k + i] = leaf.Value * (one - zero) * sum;
            }
        }
    }

    /// <summary>Multiplies the polynomial of degree <paramref name="degree"/> in place by (zero + one t).</summary>
    private static void MultiplyByLinear(double[] polynomial, int degree, double zero, int one)
    {
        for (var s = degree + 1; s > 0; s--) polynomial[s] = polynomial[s] * zero + polynomial[s - 1] * one;
        polynomial[0] *= zero;
    }

    private static double BinomialCoefficient(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++) result = result * (n - k + i) / i;
        return result;
    }

    private static void Collect(DecisionTree tree, int node, List<PathCondition> path, List<LeafPath> leaves)
    {
        if (node < 0)
        {
            leaves.Add(new LeafPath(tree.LeafValues[~node], [.. path]));
            return;
        }
        var feature = tree.SplitFeatures[node];
        var threshold = tree.Thresholds[node];
        var existing = path.FindIndex(c => c.Feature == feature);
        var current = existing >= 0 ? path[existing] : new PathCondition(feature, float.NegativeInfinity, float.PositiveInfinity, 1);
        foreach (var (child, goesLeft) in new[] { (tree.LeftChildren[node], true), (tree.RightChildren[node], false) })
        {
            var condition = current with
            {
                Upper = goesLeft ? Math.Min(current.Upper, threshold) : current.Upper,
                Lower = goesLeft ? current.Lower : Math.Max(current.Lower, threshold),
                ZeroFraction = current.ZeroFraction * tree.CoverFraction(node, child),
            };
            var next = new List<PathCondition>(path);
            if (existing >= 0) next[existing] = condition;
            else next.Add(condition);
            Collect(tree, child, next, leaves);
        }
    }

    /// <summary>A distinct feature on a leaf's path: the row agrees with the path when lower &lt; x &lt;= upper.</summary>
    private sealed record PathCondition(int Feature, float Lower, float Upper, double ZeroFraction);

    private sealed record LeafPath(double Value, IReadOnlyList<PathCondition> Features);
}
