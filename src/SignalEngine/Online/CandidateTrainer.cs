using SignalEngine.Bundle;
using SignalEngine.Explanations;
using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Online;

/// <summary>
/// Builds a candidate bundle from the serving one and realised outcomes, without full retraining:
/// stage 1 retrained on a rolling window of the most recent outcomes only when asked (it moves slowest); stage 2 fine-tuned for a few steps
/// on the new samples mixed with replayed ones, so it keeps seeing old regimes; stage 3 updated by sequential
/// Bayesian updating on the new samples only (its posterior already carries everything seen before, so replaying
/// would count old outcomes twice). The candidate is a new bundle folder whose manifest names its parent.
/// </summary>
public static class CandidateTrainer
{
    public static BundleManifest Build(
        ModelBundle serving,
        IReadOnlyList<OnlineSample> fresh,
        IReadOnlyList<OnlineSample> replayed,
        int heldOut,
        string directory,
        string version,
        OnlineOptions options,
        IReadOnlyList<OnlineSample>? stageOneWindow = null)
    {
        if (fresh.Count == 0) throw new ArgumentException("a candidate needs new outcomes to learn from", nameof(fresh));
        var catalog = StageCatalog.Default;
        var hyperparameters = serving.Manifest.Hyperparameters;
        CopyFolder(serving.Directory, directory);
        var manifest = serving.Manifest;
        var updated = new List<string>();
        var training = fresh.Concat(replayed.Where(r => fresh.All(f => f.SignalId != r.SignalId))).ToArray();

        ITreeFilter tree = serving.TreeFilter;
        if (stageOneWindow is not null && stageOneWindow.Count >= options.StageOneMinimumSamples
            && stageOneWindow.Any(s => s.Label == SignalAction.Hold) && stageOneWindow.Any(s => s.Label != SignalAction.Hold))
        {
            var rows = stageOneWindow.Select(s => s.Input.Features).ToArray();
            var actionable = stageOneWindow.Select(s => s.Label != SignalAction.Hold).ToArray();
            var treeKind = catalog.TreeFilter(hyperparameters.TreeFilter.Model);
            var retrained = treeKind.Train(rows, actionable, serving.Schema, hyperparameters.TreeFilter, options.Seed, version);
            treeKind.Save(retrained, directory);
            var importance = GlobalImportance.Measure(retrained, rows, actionable, $"the {rows.Length} most recent online outcomes", seed: options.Seed);
            File.WriteAllText(Path.Combine(directory, BundleLoader.ImportancePath), System.Text.Json.JsonSerializer.Serialize(importance, BundleJson.Options));
            tree = retrained;
            updated.Add("stage1");
        }

        var refiners = new List<ISequenceRefiner>();
        try
        {
            foreach (var kind in manifest.Hyperparameters.Sequence.Models)
            {
                var refinerKind = catalog.SequenceRefiner(kind);
                var refiner = refinerKind.Load(directory, version);
                refiners.Add(refiner);
                var windows = new List<double[][]>();
                var up = new List<bool>();
                foreach (var sample in training.Where(s => s.Label != SignalAction.Hold))
                {
                    if (sample.Input.Window(refiner.WindowLength) is not { } window) continue;
                    windows.Add(window);
                    up.Add(sample.Label == SignalAction.Buy);
                }
                if (windows.Count >= 2 && up.Contains(true) && up.Contains(false))
                {
                    refinerKind.FineTune(refiner, windows, up, options.FineTuneSteps, options.FineTuneLearningRate, options.Seed);
                    refinerKind.Save(refiner, directory);
                    if (!updated.Contains("stage2")) updated.Add("stage2");
                }
            }

            var inputs = fresh.Select(s => s.Input).ToArray();
            var stages = serving.Stages with { TreeFilter = tree, SequenceRefiners = refiners };
            var scores = stages.Score(inputs);
            var metaInputs = inputs.Select((input, i) => scores[i].ToMetaInput(stages.ContextOf(input))).ToArray();
            var metaKind = catalog.MetaLearner(hyperparameters.Meta.Model);
            var next = metaKind.Update(serving.MetaLearner, metaInputs, fresh.Select(s => s.Label).ToArray(), version);
            metaKind.Save(next, Path.Combine(directory, BundleLoader.MetaLearnerPath));
            updated.Add("stage3");
        }
        finally
        {
            foreach (var refiner in refiners) refiner.Dispose();
        }

        var candidate = manifest with
        {
            Version = version,
            Created = DateTimeOffset.UtcNow,
            Parent = serving.Version,
            Online = new OnlineUpdate(DateTimeOffset.UtcNow, fresh.Count, training.Length - fresh.Count, heldOut, updated, fresh.Select(s => s.SignalId).ToArray()),
            Artifacts = manifest.Artifacts.Select(a => a with { Sha256 = BundleLoader.HashOf(directory, a.Path) }).ToArray(),
        };
        BundleLoader.WriteManifest(directory, candidate);
        return candidate;
    }

    private static void CopyFolder(string from, string to)
    {
        if (Directory.Exists(to)) Directory.Delete(to, recursive: true);
        foreach (var folder in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder)));
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
