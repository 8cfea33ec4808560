namespace SignalEngine.Stages.TreeFilter.Shapley;

/// <summary>
/// Exact path-dependent TreeSHAP (Lundberg, Erion and Lee 2018, Algorithm 2): the Shapley values of one tree's
/// output for one row, in O(leaves x depth^2), with the conditional expectation of a missing feature taken over
/// the training rows' cover fractions. Allocation-free: the caller passes a path buffer of
/// <see cref="PathBufferLength"/> elements.
/// </summary>
internal static class TreeShap
{
    /// <summary>One feature on the current root-to-node path, with the weights of all subset sizes.</summary>
    internal struct PathElement
    {
        public int Feature;
        public double ZeroFraction;
        public double OneFraction;
        public double Weight;
    }

    /// <summary>Path segments of depth 0..depth+1 stacked, one per recursion level.</summary>
    public static int PathBufferLength(int depth) => (depth + 2) * (depth + 3) / 2;

    /// <summary>Adds the tree's Shapley values for <paramref name="features"/> to <paramref name="phi"/>.</summary>
    public static void Accumulate(DecisionTree tree, ReadOnlySpan<float> features, Span<double> phi, Span<PathElement> path)
    {
        if (tree.NodeCount == 0) return;
        Recurse(tree, features, phi, path, 0, 0, 0, 1, 1, -1);
    }

    private static void Recurse(
        DecisionTree tree, ReadOnlySpan<float> features, Span<double> phi, Span<PathElement> buffer,
        int node, int offset, int uniqueDepth, double parentZeroFraction, double parentOneFraction, int parentFeature)
    {
        // Each level works on its own copy of the path, so siblings see the path as their parent left it.
        var pathOffset = offset + uniqueDepth + 1;
        if (uniqueDepth > 0) buffer.Slice(offset, uniqueDepth).CopyTo(buffer.Slice(pathOffset, uniqueDepth));
        var path = buffer[pathOffset..];
        Extend(path, uniqueDepth, parentZeroFraction, parentOneFraction, parentFeature);

        if (node < 0)
        {
            var value = tree.LeafValues[~node];
            for (var i = 1; i <= uniqueDepth; i++)
            {
                var weight = UnwoundSum(path, uniqueDepth, i);
                ref readonly var element = ref path[i];
                phi[element.Feature] += weight * (element.OneFraction - element.ZeroFraction) * value;
            }
            return;
        }

        var split = tree.SplitFeatures[node];
        var left = tree.LeftChildren[node];
        var right = tree.RightChildren[node];
        var goesLeft = features[split] <= tree.Thresholds[node];
        var hot = goesLeft ? left : right;
        var cold = goesLeft ? right : left;
        var hotZeroFraction = tree.CoverFraction(node, hot);
        var coldZeroFraction = tree.CoverFraction(node, cold);
        var incomingZeroFraction = 1.0;
        var incomingOneFraction = 1.0;

        // A feature split on again further down is one player: undo its earlier extension and carry its fractions.
        var previous = 1;
        while (previous <= uniqueDepth && path[previous].Feature != split) previous++;
        if (previous <= uniqueDepth)
        {
            incomingZeroFraction = path[previous].ZeroFraction;
            incomingOneFraction = path[previous].OneFraction;
            Unwind(path, uniqueDepth, previous);
            uniqueDepth--;
        }

        Recurse(tree, features, phi, buffer, hot, pathOffset, uniqueDepth + 1,
            hotZeroFraction * incomingZeroFraction, incomingOneFraction, split);
        var coldZero = coldZeroFraction * incomingZeroFraction;
        // A branch with zero weight both with and without the feature contributes nothing.
        if (coldZero != 0)
        {
            Recurse(tree, features, phi, buffer, cold, pathOffset, uniqueDepth + 1, coldZero, 0, split);
        }
    }

    private static void Extend(Span<PathElement> path, int uniqueDepth, double zeroFraction, double oneFraction, int feature)
    {
        path[uniqueDepth] = new PathElement
        {
            Feature = feature,
            ZeroFraction = zeroFraction,
            OneFraction = oneFraction,
            Weight = uniqueDepth == 0 ? 1 : 0,
        };
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            path[i + 1].Weight += oneFraction * path[i].Weight * (i + 1) / (uniqueDepth + 1);
            path[i].Weight = zeroFraction * path[i].Weight * (uniqueDepth - i) / (uniqueDepth + 1);
        }
    }

    private static void Unwind(Span<PathElement> path, int uniqueDepth, int pathIndex)
    {
        var oneFraction = path[pathIndex].OneFraction;
        var zeroFraction = path[pathIndex].ZeroFraction;
        var nextOnePortion = path[uniqueDepth].Weight;
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            if (oneFraction != 0)
            {
                var weight = path[i].Weight;
                path[i].Weight = nextOnePortion * (uniqueDepth + 1) / ((i + 1) * oneFraction);
                nextOnePortion = weight - path[i].Weight * zeroFraction * (uniqueDepth - i) / (uniqueDepth + 1);
            }
            else
            {
                path[i].Weight = path[i].Weight * (uniqueDepth + 1) / (zeroFraction * (uniqueDepth - i));
            }
        }
        for (var i = pathIndex; i < uniqueDepth; i++)
        {
            path[i].Feature = path[i + 1].Feature;
            path[i].ZeroFraction = path[i + 1].ZeroFraction;
            path[i].OneFraction = path[i + 1].OneFraction;
        }
    }

    /// <summary>The total weight the path would have with element <paramref name="pathIndex"/> removed.</summary>
    private static double UnwoundSum(ReadOnlySpan<PathElement> path, int uniqueDepth, int pathIndex)
    {
        var oneFraction = path[pathIndex].OneFraction;
        var zeroFraction = path[pathIndex].ZeroFraction;
        var nextOnePortion = path[uniqueDepth].Weight;
        var total = 0.0;
        if (oneFraction != 0)
        {
            for (var i = uniqueDepth - 1; i >= 0; i--)
            {
                var weight = nextOnePortion / ((i + 1) * oneFraction);
                total += weight;
                nextOnePortion = path[i].Weight - weight * zeroFraction * (uniqueDepth - i);
            }
            return total * (uniqueDepth + 1);
        }
        for (var i = uniqueDepth - 1; i >= 0; i--)
        {
            total += path[i].Weight / (zeroFraction * (uniqueDepth - i));
        }
        return total * (uniqueDepth + 1);
    }
}
