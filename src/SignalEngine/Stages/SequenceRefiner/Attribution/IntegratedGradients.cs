using static TorchSharp.torch;

namespace SignalEngine.Stages.SequenceRefiner.Attribution;

/// <summary>
/// Integrated gradients of a refiner's output logit with respect to the standardised input, from the training-mean
/// window to the explained one, for a whole batch of windows at once. Kept beside the refiners rather than in
/// Explanations: that namespace sits above the stages and builds on their outputs, while this needs a refiner's network
/// and standardisation.
/// </summary>
/// <remarks>
/// The path integral is taken by the trapezoid rule on an adaptive grid of path points. The forward pass that yields
/// each point's gradient also yields the logit there, so every interval of the grid knows its own error: the
/// directional derivative integrated over it must equal the change of the logit across it. Intervals whose error is
/// over their share of the tolerance are halved, round after round, until the completeness gap of every window is
/// within <see cref="RelativeTolerance"/> and <see cref="AbsoluteTolerance"/> (or the grid reaches
/// <see cref="MaxSteps"/>). On the default bundle and the last 1,000 bars of data/ttrc.csv that took 8.9 intervals per
/// window on average for the LSTM (at most 24) and 12.4 for the Transformer (at most 113), where the fixed 64-point
/// midpoint rule this replaced spent 64 on every window and still left some Transformer windows near the tolerance.
/// Cutting an interval into sqrt(error / share) parts at once, as if each were already smooth, was tried: it took
/// 14 and 17 intervals on average, more than halving.
/// Each round runs the new points of all windows in batched forward and backward passes of at most
/// <see cref="ChunkWindows"/> windows, which bounds the memory the backward pass keeps.
/// </remarks>
internal static class IntegratedGradients
{
    /// <summary>The documented attribution baseline.</summary>
    public const string BaselineDescription =
        "training-mean window: every feature at its training mean at every step (all zeros after standardisation)";

    /// <summary>The completeness gap each attribution is refined to: RelativeTolerance x |output - baseline output| + AbsoluteTolerance.</summary>
    public const double RelativeTolerance = 0.01;

    /// <summary>See <see cref="RelativeTolerance"/>; in logit units.</summary>
    public const double AbsoluteTolerance = 0.001;

    /// <summary>Intervals of the first, uniform grid.</summary>
    public const int InitialSteps = 4;

    /// <summary>The most intervals one window's grid may reach; its gap is reported as it stands there.</summary>
    public const int MaxSteps = 256;

    /// <summary>
    /// Path points per forward and backward pass. Per point, 128 to 512 cost the least here (CPU time); 1,024 cost the
    /// LSTM about 15% more, its activations for the backward pass no longer fitting in cache.
    /// </summary>
    public const int ChunkWindows = 256;

    /// <summary>The completeness gap <paramref name="outputChange"/> is held to.</summary>
    public static double Tolerance(double outputChange) => RelativeTolerance * Math.Abs(outputChange) + AbsoluteTolerance;

    /// <summary>Attributions of the windows, in order (each checked against the refiner first).</summary>
    public static SequenceAttribution[] Attribute(TorchSequenceRefiner refiner, IReadOnlyList<double[][]> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        for (var i = 0; i < windows.Count; i++) refiner.CheckWindow(windows[i], i, nameof(windows));
        if (windows.Count == 0) return [];
        var size = refiner.WindowLength * refiner.Schema.Count;
        var inputs = refiner.Scaler.Transform(windows, refiner.WindowLength);

        // The baseline point is the same for every window: one evaluation serves them all.
        var paths = new PathGrid[windows.Count];
        var requests = new List<(int Window, double Alpha)>(windows.Count * InitialSteps + 1) { (-1, 0) };
        for (var i = 0; i < windows.Count; i++)
        {
            paths[i] = new PathGrid(inputs.AsMemory(i * size, size));
            for (var k = 1; k <= InitialSteps; k++) requests.Add((i, (double)k / InitialSteps));
        }

        using var batch = NetworkInput.From(inputs, windows.Count, refiner.WindowLength, refiner.Schema.Count);
        while (requests.Count > 0)
        {
            var points = Evaluate(refiner, batch, size, requests);
            var touched = new List<int>();
            for (var r = 0; r < requests.Count; r++)
            {
                var (window, alpha) = requests[r];
                if (window < 0)
                {
                    foreach (var path in paths) path.Add(0, points[r]);
                    continue;
                }
                paths[window].Add(alpha, points[r]);
                if (touched.Count == 0 || touched[^1] != window) touched.Add(window);
            }
            requests.Clear();
            foreach (var window in touched)
            {
                foreach (var alpha in paths[window].Refinements()) requests.Add((window, alpha));
            }
        }

        var attributions = new SequenceAttribution[windows.Count];
        for (var i = 0; i < windows.Count; i++) attributions[i] = paths[i].Attribution(refiner);
        return attributions;
    }

    /// <summary>The logit and its gradient at each requested point (alpha x window; the baseline for window -1), in order.</summary>
    private static PathPoint[] Evaluate(TorchSequenceRefiner refiner, Tensor inputs, int size, List<(int Window, double Alpha)> requests)
    {
        var points = new PathPoint[requests.Count];
        for (var start = 0; start < requests.Count; start += ChunkWindows)
        {
            var count = Math.Min(ChunkWindows, requests.Count - start);
            var windows = new long[count];
            var alphas = new float[count];
            for (var c = 0; c < count; c++)
            {
                var (window, alpha) = requests[start + c];
                // The baseline is any window times 0: all zeros, the standardised training mean.
                (windows[c], alphas[c]) = window < 0 ? (0, 0f) : (window, (float)alpha);
            }
            refiner.ReadNetwork(network =>
            {
                using var scope = NewDisposeScope();
                // The path points are built natively from the batch's inputs: no managed copy of the chunk.
                var path = (inputs.index_select(0, tensor(windows)) * tensor(alphas).view(count, 1, 1)).requires_grad_(true);
                var logits = network.call(path);
                var gradients = autograd.grad([logits.sum()], [path])[0].contiguous();
                var values = logits.data<float>().ToArray();
                var accessor = gradients.data<float>();
                for (var c = 0; c < count; c++)
                {
                    var gradient = new float[size];
                    accessor.CopyTo(gradient, 0, (long)c * size);
                    points[start + c] = new PathPoint(values[c], gradient);
                }
                return true;
            });
        }
        return points;
    }

    private sealed record PathPoint(double Logit, float[] Gradient);

    /// <summary>One window's grid of path points, sorted by alpha, from the baseline (alpha 0) to the window (alpha 1).</summary>
    private sealed class PathGrid(ReadOnlyMemory<float> input)
    {
        private readonly List<double> alphas = [];
        private readonly List<PathPoint> points = [];
        private readonly List<double> slopes = [];

        public void Add(double alpha, PathPoint point)
        {
            var at = alphas.BinarySearch(alpha);
            if (at >= 0) return;
            at = ~at;
            alphas.Insert(at, alpha);
            points.Insert(at, point);
            // The directional derivative d logit / d alpha at this point: the gradient along the path.
            var slope = 0.0;
            var x = input.Span;
            for (var j = 0; j < x.Length; j++) slope += (double)x[j] * point.Gradient[j];
            slopes.Insert(at, slope);
        }

        /// <summary>The midpoints of the intervals still over their share of the tolerance; none once the gap is within it.</summary>
        public IEnumerable<double> Refinements()
        {
            var steps = alphas.Count - 1;
            if (steps < 1 || alphas[^1] != 1) return [];
            var tolerance = Tolerance(points[^1].Logit - points[0].Logit);
            var errors = new double[steps];
            var gap = 0.0;
            for (var k = 0; k < steps; k++)
            {
                var h = alphas[k + 1] - alphas[k];
                errors[k] = h * (slopes[k] + slopes[k + 1]) / 2 - (points[k + 1].Logit - points[k].Logit);
                gap += errors[k];
            }
            if (Math.Abs(gap) <= tolerance || steps >= MaxSteps) return [];
            // If every interval were within its share (tolerance x its width), the gap would be within the tolerance:
            // at least one is halved each round.
            var midpoints = new List<double>();
            for (var k = 0; k < steps && steps + midpoints.Count < MaxSteps; k++)
            {
                var h = alphas[k + 1] - alphas[k];
                if (Math.Abs(errors[k]) > tolerance * h) midpoints.Add(alphas[k] + h / 2);
            }
            return midpoints;
        }

        public SequenceAttribution Attribution(TorchSequenceRefiner refiner)
        {
            var length = refiner.WindowLength;
            var features = refiner.Schema.Count;
            var x = input.Span;
            var integral = new double[x.Length];
            for (var k = 0; k + 1 < alphas.Count; k++)
            {
                var half = (alphas[k + 1] - alphas[k]) / 2;
                var left = points[k].Gradient;
                var right = points[k + 1].Gradient;
                for (var j = 0; j < integral.Length; j++) integral[j] += half * ((double)left[j] + right[j]);
            }

            var attributions = new double[length][];
            var totals = new double[features];
            var sum = 0.0;
            for (var t = 0; t < length; t++)
            {
                attributions[t] = new double[features];
                for (var f = 0; f < features; f++)
                {
                    var j = t * features + f;
                    var a = x[j] * integral[j];
                    attributions[t][f] = a;
                    totals[f] += a;
                    sum += a;
                }
            }
            var output = points[^1].Logit;
            var baselineOutput = points[0].Logit;
            return new SequenceAttribution(
                refiner.Model.Name, BaselineDescription, output, baselineOutput, refiner.Schema.Names, attributions, totals,
                Math.Abs(sum - (output - baselineOutput)), alphas.Count - 1, Tolerance(output - baselineOutput));
        }
    }
}
