using System.Security.Cryptography;
using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

using System.Text.Json;
using SignalEngine.Evaluation;
using SignalEngine.Explanations;

namespace SignalEngine.Training;

/// <summary>
/// Trains all three stages on a CSV of bars and writes a model bundle folder.
/// Stages 1 and 2 are trained per purged walk-forward fold and predict the fold's test period; stage 3 is fitted on
/// those out-of-fold predictions only. The pipeline's own metrics come from a nested walk-forward: stage 3 fitted
/// on the folds before each test fold. The served stages 1 and 2 are then refitted on all the data.
/// </summary>
public static class BundleTrainer
{
    /// <param name="maxBars">Keep only the last maxBars bars of each instrument (small fixtures, quick runs).</param>
    public static BundleManifest Train(
        string dataPath,
        string outputDirectory,
        TrainingOptions options,
        IProgress<TrainingProgress>? progress = null,
        int? maxBars = null,
        CancellationToken cancellationToken = default,
        string? configFile = null)
    {
        var data = CsvBarLoader.Load(dataPath);
        var set = TrainingSet.Build(data.Series, options.Features, options.Labels, options.Sequence.WindowLength, maxBars);
        var dataHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dataPath)));
        var created = DateTimeOffset.UtcNow;
        var version = $"{created:yyyyMMdd-HHmmss}-{dataHash[..8]}";

        var run = new FoldRunner(set, options, version, progress, cancellationToken);
        var oof = run.OutOfFold();
        var metrics = run.Metrics(oof);

        run.Step("stage 3: Bayesian stacking on out-of-fold outputs");
        var meta = BayesianStackingMetaLearner.Fit(
            oof.SelectMany(f => f.Inputs).ToArray(), oof.SelectMany(f => f.Labels).ToArray(),
            options.Sequence.Models, options.Meta, version);

        run.Step("stage 1: final fit on all data");
        var tree = run.TrainTreeFilter(set.Samples);
        var refiners = new List<TorchSequenceRefiner>();
        foreach (var kind in options.Sequence.Models)
        {
            run.Step($"stage 2: final {kind} on all data");
            refiners.Add(run.TrainRefiner(kind, set.Samples));
        }

        run.Step("stage 1: global importance on the last fold");
        var last = oof[^1];
        var importance = GlobalImportance.Measure(
            tree, last.Samples.Select(set.Row).ToArray(), last.Labels.Select(l => l != SignalAction.Hold).ToArray(),
            $"the training data's last walk-forward fold: {last.Samples.Count} bars, time steps {last.Fold.TestStart}..{last.Fold.TestEnd - 1} " +
            "(the served trees were refitted on all the data, this fold included)",
            seed: options.Seed);

        run.Step("writing the bundle");
        Directory.CreateDirectory(outputDirectory);
        var artifacts = new List<(string Stage, string Path)>();
        artifacts.AddRange(tree.Save(outputDirectory).Select(p => ("stage1", p)));
        File.WriteAllText(Path.Combine(outputDirectory, BundleLoader.ImportancePath), JsonSerializer.Serialize(importance, BundleJson.Options));
        artifacts.Add(("stage1", BundleLoader.ImportancePath));
        foreach (var refiner in refiners)
        {
            artifacts.AddRange(refiner.Save(outputDirectory).Select(p => ("stage2", p)));
            refiner.Dispose();
        }
        Directory.CreateDirectory(Path.Combine(outputDirectory, "stage3"));
        meta.Save(Path.Combine(outputDirectory, BundleLoader.MetaLearnerPath));
        artifacts.Add(("stage3", BundleLoader.MetaLearnerPath));

        var manifest = new BundleManifest
        {
            Version = version,
            Created = created,
            TrainingDataFile = Path.GetFileName(dataPath),
            TrainingDataSha256 = dataHash,
            FeatureSchema = set.Schema.Names,
            FeatureScales = LimeExplainer.StandardDeviations(set.Samples.Select(set.Row).ToArray()),
            WindowLength = options.Sequence.WindowLength,
            Labels = options.Labels,
            Hyperparameters = options,
            Config = configFile is null ? null : ConfigSourceOf(configFile),
            Metrics = metrics,
            Artifacts = artifacts.Select(a => new BundleArtifact(a.Stage, a.Path, BundleLoader.HashOf(outputDirectory, a.Path))).ToArray(),
        };
        BundleLoader.WriteManifest(outputDirectory, manifest);
        run.Step("done");
        return manifest;
    }

    /// <summary>The config file's name and hash; tune writes summary.md beside best-config.json, and its first lines say which run.</summary>
    private static ConfigSource ConfigSourceOf(string configFile)
    {
        var summary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configFile))!, "summary.md");
        return new ConfigSource(
            Path.GetFileName(configFile),
            Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(configFile))),
            File.Exists(summary) ? string.Join(" ", File.ReadLines(summary).Take(4).Where(l => l.Length > 0)) : null);
    }

    /// <summary>One fold's out-of-fold stage outputs, in the form stage 3 is fitted on.</summary>
    internal sealed record FoldOutput(
        WalkForwardFold Fold,
        IReadOnlyList<TrainingSample> Samples,
        IReadOnlyList<CandidateScore> Scores,
        IReadOnlyList<MetaInput> Inputs,
        IReadOnlyList<SignalAction> Labels);

    internal sealed class FoldRunner(
        TrainingSet set,
        TrainingOptions options,
        string version,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken,
        int? extraSteps = null)
    {
        private readonly int _total = options.Folds * (2 + options.Sequence.Models.Count) + (extraSteps ?? 4 + options.Sequence.Models.Count);
        private int _done;

        public void Step(string description)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new TrainingProgress(Math.Min(_done++, _total), _total, description));
        }

        public IReadOnlyList<WalkForwardFold> Folds() => WalkForwardSplitter.Split(
            set.TimeSteps, options.Folds, options.Labels.Horizon, options.EmbargoBars,
            minTrainSteps: Math.Max(4 * options.Sequence.WindowLength, set.TimeSteps / (options.Folds + 1)));

        public IReadOnlyList<FoldOutput> OutOfFold()
        {
            var outputs = new List<FoldOutput>();
            foreach (var fold in Folds())
            {
                var train = set.InTimeRange(fold.TrainStart, fold.TrainEnd);
                var test = set.InTimeRange(fold.TestStart, fold.TestEnd);
                Step($"fold {fold.Index + 1}/{options.Folds}: stage 1 on {train.Count} samples");
                var tree = InFold(fold, train, () => TrainTreeFilter(train));
                var refiners = new List<TorchSequenceRefiner>();
                foreach (var kind in options.Sequence.Models)
                {
                    Step($"fold {fold.Index + 1}/{options.Folds}: stage 2 {kind}");
                    refiners.Add(InFold(fold, train, () => TrainRefiner(kind, train)));
                }
                Step($"fold {fold.Index + 1}/{options.Folds}: scoring {test.Count} test samples");
                var scores = StageScorer.Score(tree, refiners, test.Select(set.Row).ToArray(), test.Select(s => (double[][]?)set.Window(s)).ToArray());
                foreach (var refiner in refiners) refiner.Dispose();
                outputs.Add(new FoldOutput(
                    fold, test, scores,
                    test.Select((s, i) => scores[i].ToMetaInput(set.Regime(s), set.Liquidity(s))).ToArray(),
                    test.Select(s => s.Label).ToArray()));
            }
            return outputs;
        }

        /// <summary>A stage that cannot learn from a fold's training data says which fold and what to change.</summary>
        private T InFold<T>(WalkForwardFold fold, IReadOnlyList<TrainingSample> train, Func<T> fit)
        {
            try
            {
                return fit();
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException(
                    $"walk-forward fold {fold.Index + 1} of {options.Folds} trains on {train.Count} labelled bars, too few: {e.Message}. " +
                    "Use fewer folds (--folds, or \"folds\" in the config), a shorter stage-2 window, or a longer history.", e);
            }
        }

        public GradientBoostedTreeFilter TrainTreeFilter(IReadOnlyList<TrainingSample> samples) =>
            GradientBoostedTreeFilter.Train(
                samples.Select(set.Row).ToArray(), samples.Select(s => s.Label != SignalAction.Hold).ToArray(),
                set.Schema, options.TreeFilter, options.Seed, version);

        /// <summary>
        /// Stage 2 learns direction given actionable, so it sees only the BUY and SELL samples: the most recent
        /// <see cref="SequenceModelOptions.MaxTrainingWindows"/> of them (a rolling window, which also bounds the cost
        /// on long histories).
        /// </summary>
        public TorchSequenceRefiner TrainRefiner(string kind, IReadOnlyList<TrainingSample> samples)
        {
            var actionable = samples.Where(s => s.Label != SignalAction.Hold).TakeLast(options.Sequence.MaxTrainingWindows).ToArray();
            return SequenceRefinerTrainer.Train(
                kind, actionable.Select(set.Window).ToArray(), actionable.Select(s => s.Label == SignalAction.Buy).ToArray(),
                set.Schema, options.Sequence, options.Seed, version);
        }

        public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics(IReadOnlyList<FoldOutput> oof)
        {
            Step("out-of-sample metrics (nested walk-forward for stage 3)");
            var metrics = new Dictionary<string, IReadOnlyDictionary<string, double>>();
            var scores = oof.SelectMany(f => f.Scores).ToArray();
            var labels = oof.SelectMany(f => f.Labels).ToArray();
            metrics["data"] = new Dictionary<string, double>
            {
                ["samples"] = set.Samples.Count,
                ["outOfSampleSamples"] = labels.Length,
                ["folds"] = oof.Count,
            };
            metrics["stage1"] = StageMetrics.TreeFilter(scores, labels);
            for (var m = 0; m < options.Sequence.Models.Count; m++)
            {
                metrics[$"stage2.{options.Sequence.Models[m]}"] = StageMetrics.Refiner(scores, labels, m);
            }

            // Stage 3 out of sample: for each fold after the first, fitted on the earlier folds' outputs only.
            var decisions = new List<MetaDecision>();
            var truth = new List<SignalAction>();
            for (var k = 1; k < oof.Count; k++)
            {
                var meta = BayesianStackingMetaLearner.Fit(
                    oof.Take(k).SelectMany(f => f.Inputs).ToArray(), oof.Take(k).SelectMany(f => f.Labels).ToArray(),
                    options.Sequence.Models, options.Meta, version);
                for (var i = 0; i < oof[k].Inputs.Count; i++)
                {
                    decisions.Add(oof[k].Scores[i].Tree.Passed
                        ? meta.Decide(oof[k].Inputs[i])
                        : meta.DecideAs(oof[k].Inputs[i], SignalAction.Hold));
                }
                truth.AddRange(oof[k].Labels);
            }
            metrics["pipeline"] = StageMetrics.Pipeline(decisions, truth);
            return metrics;
        }
    }
}
