using SignalEngine.Features;
using SignalEngine.Pipeline;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Bundle;

/// <summary>A loaded model bundle: its manifest and one trained model per stage, ready to serve.</summary>
public sealed class ModelBundle : IDisposable
{
    public ModelBundle(
        string directory,
        BundleManifest manifest,
        ITreeFilter treeFilter,
        IReadOnlyList<ISequenceRefiner> sequenceRefiners,
        IMetaLearner metaLearner)
    {
        Directory = directory;
        Manifest = manifest;
        Stages = new StageSet(manifest.Version, new FeatureSchema(manifest.FeatureSchema), manifest.WindowLength, treeFilter, sequenceRefiners, metaLearner,
            new DecisionRule(manifest.Labels, manifest.Hyperparameters.Decision));
    }

    public string Directory { get; }
    public BundleManifest Manifest { get; }

    /// <summary>The stages as the pipeline composes them.</summary>
    public StageSet Stages { get; }

    public FeatureSchema Schema => Stages.Schema;
    public ITreeFilter TreeFilter => Stages.TreeFilter;
    public IReadOnlyList<ISequenceRefiner> SequenceRefiners => Stages.SequenceRefiners;
    public IMetaLearner MetaLearner => Stages.MetaLearner;

    public string Version => Manifest.Version;

    /// <summary>Loads a bundle folder, checking the manifest and every artifact's hash.</summary>
    /// <exception cref="BundleException">Missing, unreadable or mismatched manifest or artifact.</exception>
    public static ModelBundle Load(string directory, StageCatalog? catalog = null) => BundleLoader.Load(directory, catalog);

    public void Dispose()
    {
        foreach (var refiner in SequenceRefiners) refiner.Dispose();
    }
}

/// <summary>A bundle that cannot be loaded; the message says which file and why, in one line.</summary>
public sealed class BundleException(string message) : Exception(message);
