using SignalEngine.Bundle;
using SignalEngine.Labels;
using SignalEngine.Stages;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Training;

namespace SignalEngine.Tests.Api.Support;

/// <summary>
/// A bundle of hand-written stages with known answers, for the host tests that are about HTTP, validation, storage
/// and audit rather than about models: stage 1 passes an item when ret_1 + macd + rsi_14 / 100 is positive, stage 2
/// says 0.7 up given a window and abstains without one, stage 3 turns those into probabilities; rvol_20 sets the barriers.
/// </summary>
public static class FakeBundle
{
    public static readonly string[] Schema = ["ret_1", "rsi_14", "macd", "rvol_20"];
    public const int WindowLength = 3;
    public const string Version = "fake-1";

    /// <param name="version">The bundle's version; a test that counts by version gives its own, since the service's
    /// instruments are read by meter name, process-wide, and other hosts of the test run serve the fake bundle too.</param>
    public static ModelBundle Create(string version = Version) => new(
        "/fake/bundle",
        new BundleManifest
        {
            Version = version,
            Created = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero),
            TrainingDataFile = "fake.csv",
            TrainingDataSha256 = new string('0', 64),
            FeatureSchema = Schema,
            WindowLength = WindowLength,
            Labels = new LabelConfig(),
            Hyperparameters = new TrainingOptions(),
            Metrics = BundleMetrics.FromTable(new Dictionary<string, IReadOnlyDictionary<string, double>> { ["pipeline"] = new Dictionary<string, double> { ["logLoss"] = 0.9, ["precisionBuy"] = double.NaN } }),
            Artifacts = [],
        },
        new Tree(),
        [new Refiner()],
        new Meta());

    private sealed class Tree : ITreeFilter
    {
        public ModelStamp Model { get; } = new("fake-tree", Version);

        public TreeFilterResult Evaluate(ReadOnlySpan<double> features)
        {
            var score = Score(features);
            var p = 1 / (1 + Math.Exp(-score));
            var passed = score > 0;
            return new TreeFilterResult(p, score, passed, passed ? null : $"filtered at stage 1: p(actionable) {p:0.000} below 0.5", [], [new TreeModelScore("fake-tree", score, p)]);
        }

        public TreeExplanation Explain(ReadOnlySpan<double> features)
        {
            FeatureContribution[] contributions =
            [
                new("ret_1", features[0], features[0]),
                new("rsi_14", features[1], features[1] / 100),
                new("macd", features[2], features[2]),
                new("rvol_20", features[3], 0),
            ];
            return new TreeExplanation(0, Score(features), contributions, []);
        }

        public IReadOnlyList<FeatureImportance> SplitGainImportance() =>
            [new("ret_1", 0.4), new("rsi_14", 0.3), new("macd", 0.3), new("rvol_20", 0)];

        private static double Score(ReadOnlySpan<double> f) => f[0] + f[1] / 100 + f[2];
    }

    private sealed class Refiner : ISequenceRefiner
    {
        public ModelStamp Model { get; } = new("fake-lstm", Version);
        public int WindowLength => FakeBundle.WindowLength;

        public IReadOnlyList<SequenceRefinerResult> Refine(IReadOnlyList<double[][]?> windows) =>
            windows.Select(w => w is null
                ? new SequenceRefinerResult("fake-lstm", null, "abstained: needs 2 history rows")
                : new SequenceRefinerResult("fake-lstm", 0.7, null)).ToArray();

        public IReadOnlyList<SequenceAttribution> Attribute(IReadOnlyList<double[][]> windows) => windows.Select(window => new SequenceAttribution(
            "fake-lstm", "zeros", 0.85, 0, Schema, window.Select(r => r.ToArray()).ToArray(), [0.5, 0.2, 0.15, 0], 0, 1, 0.001)).ToArray();

        public void Dispose() { }
    }

    private sealed class Meta : IMetaLearner
    {
        public ModelStamp Model { get; } = new("fake-meta", Version);
        public IReadOnlyList<string> InputNames { get; } = ["tree.p", "lstm.p"];

        /// <summary>Three draws: the mean, and 0.05 moved from SELL to BUY and back (a posterior sd of 0.05 for either side).</summary>
        public MetaPosterior Predict(MetaInput input)
        {
            var p = Probabilities(input);
            return new MetaPosterior(
                p, [p.Buy, p.Buy + 0.05, p.Buy - 0.05], [p.Sell, p.Sell - 0.05, p.Sell + 0.05], [p.Hold, p.Hold, p.Hold], 0.9,
                [new LogitContribution("tree.p", input.TreeProbability, input.TreeProbability, -input.TreeProbability, 0)]);
        }

        private static ClassProbabilities Probabilities(MetaInput input)
        {
            var up = input.SequenceProbabilities.FirstOrDefault() ?? 0.5;
            var buy = input.TreeProbability * up;
            var sell = input.TreeProbability * (1 - up);
            return new ClassProbabilities(buy, sell, 1 - buy - sell);
        }
    }
}
