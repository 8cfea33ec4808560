using SignalEngine.Bundle;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Training;

namespace SignalEngine.Tests.Support;

/// <summary>
/// A real bundle trained once per test run on the last 1,500 bars of the shipped ttrc.csv, small enough to train in
/// seconds: every test that needs trained stages shares it through the "trained bundle" collection.
/// </summary>
public sealed class SmallBundleFixture : IDisposable
{
    public static TrainingOptions Options { get; } = new()
    {
        TreeFilter = new TreeFilterOptions { NumberOfTrees = 30, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 20 },
        Sequence = new SequenceModelOptions { WindowLength = 8, HiddenSize = 8, Heads = 2, Epochs = 2, BatchSize = 64 },
        Meta = new MetaLearnerOptions { PosteriorSamples = 128 },
        Folds = 2,
    };

    public SmallBundleFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "signalengine-tests", "bundle-" + Guid.NewGuid().ToString("N")[..8]);
        DataPath = RepositoryPaths.Data("ttrc.csv");
        Manifest = BundleTrainer.Train(DataPath, Directory, Options, maxBars: 1500);
        Bundle = ModelBundle.Load(Directory);
    }

    public string Directory { get; }
    public string DataPath { get; }
    public BundleManifest Manifest { get; }
    public ModelBundle Bundle { get; }

    public void Dispose()
    {
        Bundle.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class TrainedBundleCollection : ICollectionFixture<SmallBundleFixture>
{
    public const string Name = "trained bundle";
}
