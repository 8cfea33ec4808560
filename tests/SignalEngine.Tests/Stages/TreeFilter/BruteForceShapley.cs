using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Tests.Stages.TreeFilter;

/// <summary>
/// Shapley values by definition: every coalition S of features, with the path-dependent value function
/// v(S) = E[f(x) | x_S], where a split on a feature outside S averages its children by their training covers.
/// Exponential in the number of features, independent of the TreeSHAP code.
/// </summary>
internal static class BruteForceShapley
{
    public static double[] Of(BoostedEnsemble ensemble, float[] row)
    {
        var features = row.Length;
        var coalitions = 1 << features;
        var values = new double[coalitions];
        for (var mask = 0; mask < coalitions; mask++)
        {
            var value = ensemble.Bias;
            foreach (var tree in ensemble.Trees) value += Conditional(tree, row, mask, 0);
            values[mask] = value;
        }

        var phi = new double[features];
        for (var i = 0; i < features; i++)
        {
            for (var mask = 0; mask < coalitions; mask++)
            {
                if ((mask & (1 << i)) != 0) continue;
                var size = int.PopCount(mask);
                var weight = Factorial(size) * Factorial(features - size - 1) / Factorial(features);
                phi[i] += weight * (values[mask | (1 << i)] - values[mask]);
            }
        }
        return phi;
    }

    private static double Conditional(DecisionTree tree, float[] row, int mask, int node)
    {
        if (tree.NodeCount == 0) return tree.LeafValues[0];
        if (node < 0) return tree.LeafValues[~node];
        var feature = tree.SplitFeatures[node];
        var left = tree.LeftChildren[node];
        var right = tree.RightChildren[node];
        if ((mask & (1 << feature)) != 0)
        {
            return Conditional(tree, row, mask, row[feature] <= tree.Thresholds[node] ? left : right);
        }
        var leftCover = left >= 0 ? tree.NodeCovers[left] : tree.LeafCovers[~left];
        var rightCover = right >= 0 ? tree.NodeCovers[right] : tree.LeafCovers[~right];
        return (leftCover * Conditional(tree, row, mask, left) + rightCover * Conditional(tree, row, mask, right)) / (leftCover + rightCover);
    }

    private static double Factorial(int n)
    {
        var result = 1.0;
        for (var k = 2; k <= n; k++) result *= k;
        return result;
    }
}
