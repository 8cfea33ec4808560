using SignalEngine.Stages.TreeFilter;
using SignalEngine.Tests.Stages.TreeFilter;

namespace SignalEngine.Tests.Explanations;

/// <summary>A small stage-1 filter trained on the planted data, and held-out rows standing in for the last fold.</summary>
public sealed class PlantedFilterFixture
{
    public PlantedFilterFixture()
    {
        (TrainRows, TrainLabels) = PlantedThreshold.Generate(600, seed: 21);
        (FoldRows, FoldLabels) = PlantedThreshold.Generate(300, seed: 22);
        var options = new TreeFilterOptions { NumberOfTrees = 20, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 20 };
        Filter = TreeFilterTrainer.Train(TrainRows, TrainLabels, PlantedThreshold.Schema, options, seed: 3, version: "explain-test-1");
    }

    public double[][] TrainRows { get; }
    public bool[] TrainLabels { get; }
    public double[][] FoldRows { get; }
    public bool[] FoldLabels { get; }
    public GradientBoostedTreeFilter Filter { get; }
}

[CollectionDefinition(Name)]
public sealed class PlantedFilterCollection : ICollectionFixture<PlantedFilterFixture>
{
    public const string Name = "explanations on a planted tree filter";
}
