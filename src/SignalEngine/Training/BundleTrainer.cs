using System.Security.Cryptography;
using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;

using System.Text.Json;
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

        run.Step($"stage 3: {options.Meta.Model} on out-of-fold outputs");
        var (meta, fallback) = Shippable(run.Catalog.MetaLearner(options.Meta.Model), run.FitMetaLearner(oof), metrics.Pipeline);

        run.Step("stage 1: final fit on all data");
        var tree = run.TrainTreeFilter(set.Samples);
        var refiners = new List<ISequenceRefiner>();
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
        artifacts.AddRange(run.Catalog.TreeFilter(options.TreeFilter.Model).Save(tree, outputDirectory).Select(p => ("stage1", p)));
        File.WriteAllText(Path.Combine(outputDirectory, BundleLoader.ImportancePath), JsonSerializer.Serialize(importance, BundleJson.Options));
        artifacts.Add(("stage1", BundleLoader.ImportancePath));
        foreach (var refiner in refiners)
        {
            artifacts.AddRange(run.Catalog.SequenceRefiner(refiner.Model.Name).Save(refiner, outputDirectory).Select(p => ("stage2", p)));
            refiner.Dispose();
        }
        Directory.CreateDirectory(Path.Combine(outputDirectory, "stage3"));
        run.Catalog.MetaLearner(options.Meta.Model).Save(meta, Path.Combine(outputDirectory, BundleLoader.MetaLearnerPath));
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
            MetaFallback = fallback,
            Artifacts = artifacts.Select(a => new BundleArtifact(a.Stage, a.Path, BundleLoader.HashOf(outputDirectory, a.Path))).ToArray(),
        };
        BundleLoader.WriteManifest(outputDirectory, manifest);
        run.Step("done");
        return manifest;
    }

    /// <summary>
    /// A stage 3 that forecast worse than the base rates in the nested walk-forward (log-loss skill below 0) does not
    /// ship: its kind's base-rate form does, and the reason is returned for the manifest. Without a nested figure (too
    /// few folds) or a base-rate form, the fitted model ships as it is.
    /// </summary>
    internal static (IMetaLearner Model, string? Fallback) Shippable(IMetaLearnerKind kind, IMetaLearner fitted, PipelineMetrics nested)
    {
        if (!(nested.LogLossSkill < 0) || kind.BaseRatesOnly(fitted) is not { } baseRates) return (fitted, null);
        return (baseRates, FormattableString.Invariant(
            $"base rates: in the nested walk-forward stage 3 forecast worse than the label frequencies (log-loss skill {nested.LogLossSkill:0.0000})"));
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
}
