using SignalEngine.Evaluation;
using SignalEngine.Features;
using SignalEngine.Scoring;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Tests.Evaluation;

namespace SignalEngine.Tests.Online;

/// <summary>
/// Stage 2 learning online on a new regime, with and without experience replay. Regime A: up when feature 0 of
/// the last step is positive; regime B (feature 2 = +1 instead of -1): up when it is negative. Fine-tuned on B
/// alone the model unlearns A; with A's outcomes replayed among B's it learns the regime split and keeps A.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ForgettingTests
{
    private const int T = 6;
    private static readonly FeatureSchema Schema = new(["f0", "f1", "regime"]);

    private static (double[][][] Windows, bool[] Up) Regime(int count, double flag, int seed)
    {
        var random = new Random(seed);
        var windows = new double[count][][];
        var up = new bool[count];
        for (var i = 0; i < count; i++)
        {
            windows[i] = Enumerable.Range(0, T).Select(_ => new[] { random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1, flag }).ToArray();
            var signal = windows[i][^1][0];
            up[i] = flag < 0 ? signal > 0 : signal < 0;
        }
        return (windows, up);
    }

    private static double LogLoss(TorchSequenceRefiner model, (double[][][] Windows, bool[] Up) data) =>
        Metrics.LogLoss(model.Refine(data.Windows).Select(r => r.ProbabilityUp!.Value).ToArray(), data.Up);

    private static TorchSequenceRefiner Copy(TorchSequenceRefiner model, string folder)
    {
        var directory = Path.Combine(Path.GetTempPath(), "signalengine-tests", folder + "-" + Guid.NewGuid().ToString("N")[..8]);
        model.Save(directory);
        return SequenceRefinerArtifacts.Load(directory, model.Model.Name, "copy");
    }

    [Fact]
    public void ReplayKeepsTheOldRegimeWhileWithoutItTheModelForgets()
    {
        var trainA = Regime(1200, -1, 1);
        var heldOutA = Regime(400, -1, 2);
        var newB = Regime(600, +1, 3);
        var options = new SequenceModelOptions { WindowLength = T, HiddenSize = 16, Epochs = 12, BatchSize = 32, Models = ["lstm"] };
        using var original = SequenceRefinerTrainer.Train("lstm", trainA.Windows, trainA.Up, Schema, options, seed: 5, "a");
        var before = LogLoss(original, heldOutA);
        before.Should().BeLessThan(0.45, "the model must have learned regime A first");

        using var withoutReplay = Copy(original, "no-replay");
        withoutReplay.FineTune(newB.Windows, newB.Up, steps: 300, learningRate: 3e-3, seed: 9);

        using var withReplay = Copy(original, "replay");
        var replayed = Regime(600, -1, 4);
        withReplay.FineTune([.. newB.Windows, .. replayed.Windows], [.. newB.Up, .. replayed.Up], steps: 300, learningRate: 3e-3, seed: 9);

        LogLoss(withReplay, newB).Should().BeLessThan(0.6, "with replay it still learns the new regime");
        LogLoss(withReplay, heldOutA).Should().BeLessThan(before + 0.15, "with replay, regime A stays within 0.15 of its original log loss");
        LogLoss(withoutReplay, heldOutA).Should().BeGreaterThan(before + 0.3, "without replay, regime A is forgotten measurably");
    }
}
