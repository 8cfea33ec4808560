using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Tests.Stages.TreeFilter;

/// <summary>One small filter trained on the planted data and saved, shared by the stage-1 tests.</summary>
public sealed class TrainedTreeFilterFixture : IDisposable
{
    public static TreeFilterOptions Options { get; } = new()
    {
        NumberOfTrees = 30, NumberOfLeaves = 12, MinimumExampleCountPerLeaf = 20,
    };

    public TrainedTreeFilterFixture()
    {
        (TrainRows, TrainLabels) = PlantedThreshold.Generate(2000, seed: 11);
        (TestRows, _) = PlantedThreshold.Generate(400, seed: 12);
        Filter = TreeFilterTrainer.Train(TrainRows, TrainLabels, PlantedThreshold.Schema, Options, seed: 5, version: "test-1");
        Directory = Path.Combine(Path.GetTempPath(), "signalengine-tests", "stage1-" + Guid.NewGuid().ToString("N")[..8]);
        Artifacts = Filter.Save(Directory);
    }

    public double[][] TrainRows { get; }
    public bool[] TrainLabels { get; }
    public double[][] TestRows { get; }
    public GradientBoostedTreeFilter Filter { get; }
    public string Directory { get; }
    public IReadOnlyList<string> Artifacts { get; }

    /// <summary>A copy of the saved bundle folder a test may damage.</summary>
    public string CopyBundle()
    {
        var copy = Directory + "-copy-" + Guid.NewGuid().ToString("N")[..6];
        foreach (var artifact in Artifacts)
        {
            var target = Path.Combine(copy, artifact);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(Directory, artifact), target);
        }
        return copy;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
