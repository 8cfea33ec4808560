using SignalEngine.Features;
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
        TreeFilter = treeFilter;
        SequenceRefiners = sequenceRefiners;
        MetaLearner = metaLearner;
        Schema = new FeatureSchema(manifest.FeatureSchema);
        VolatilityRegimeIndex = Schema.IndexOf(FeatureBuilder.VolatilityRegime);
        VolumeZIndex = Schema.Names.ToList().FindIndex(n => n.StartsWith("volume_z_", StringComparison.Ordinal));
    }

    public string Directory { get; }
    public BundleManifest Manifest { get; }
    public FeatureSchema Schema { get; }

    /// <summary>Where the vol_regime feature is (stage 3's regime when a client sends none), or -1.</summary>
    public int VolatilityRegimeIndex { get; }

    /// <summary>Where the volume z-score is (stage 3's liquidity when a client sends none), or -1 without volume.</summary>
    public int VolumeZIndex { get; }
    public ITreeFilter TreeFilter { get; }
    public IReadOnlyList<ISequenceRefiner> SequenceRefiners { get; }
    public IMetaLearner MetaLearner { get; }

    public string Version => Manifest.Version;

    /// <summary>Loads a bundle folder, checking the manifest and every artifact's hash.</summary>
    /// <exception cref="BundleException">Missing, unreadable or mismatched manifest or artifact.</exception>
    public static ModelBundle Load(string directory) => BundleLoader.Load(directory);

    public void Dispose()
    {
        foreach (var refiner in SequenceRefiners) refiner.Dispose();
    }
}

/// <summary>A bundle that cannot be loaded; the message says which file and why, in one line.</summary>
public sealed class BundleException(string message) : Exception(message);
