using SignalEngine.Features;
using SignalEngine.Stages.SequenceRefiner;

namespace SignalEngine.Tests.Stages.SequenceRefiner;

/// <summary>
/// Windows of noise where the direction is the sign of the planted feature summed over the last
/// <see cref="Recent"/> steps. Neither the last row alone nor the whole-window sum gets past about 2/3 accuracy,
/// so a model above that has learned the temporal pattern.
/// </summary>
internal static class SyntheticSequences
{
    public const int Length = 16;
    public const int Recent = 4;
    public const int Planted = 1;

    public static readonly FeatureSchema Schema = new(["noise_a", "signal", "noise_b", "noise_c"]);

    public static readonly SequenceModelOptions Options = new()
    {
        WindowLength = Length,
        HiddenSize = 16,
        Heads = 2,
        Epochs = 12,
        LearningRate = 5e-3,
        BatchSize = 64,
    };

    public static (double[][][] Windows, bool[] Up) Sample(int count, int seed)
    {
        var random = new Random(seed);
        var windows = new double[count][][];
        var up = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var window = new double[Length][];
            for (var t = 0; t < Length; t++)
            {
                // Features on different scales and offsets, so the standardisation matters.
                window[t] =
                [
                    10 + 3 * Normal(random),
                    Normal(random),
                    -2 + 0.01 * Normal(random),
                    100 * Normal(random),
                ];
            }
            windows[i] = window;
            up[i] = RecentSum(window) > 0;
        }
        return (windows, up);
    }

    public static double RecentSum(double[][] window) =>
        window.Skip(Length - Recent).Sum(row => row[Planted]);

    public static double Accuracy(IReadOnlyList<double> probabilities, IReadOnlyList<bool> up) =>
        probabilities.Zip(up).Count(p => p.First > 0.5 == p.Second) / (double)up.Count;

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
