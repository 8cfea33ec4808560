using SignalEngine.Features;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>
/// One kind of stage-2 model: how it trains, fine-tunes online, loads and saves. The manifest lists the kinds a bundle
/// runs (<see cref="SequenceModelOptions.Models"/>) and the stage catalog finds each by that name.
/// </summary>
public interface ISequenceRefinerKind
{
    /// <summary>The name the manifest records, and the <see cref="ModelStamp.Name"/> of the models it makes.</summary>
    string Name { get; }

    /// <param name="windows">T x F windows of actionable items, oldest first.</param>
    /// <param name="up">Whether each window's item was BUY (true) or SELL.</param>
    ISequenceRefiner Train(IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up, FeatureSchema schema, SequenceModelOptions options, int seed, string version);

    /// <summary>A few optimiser steps on new samples, in place (online learning).</summary>
    void FineTune(ISequenceRefiner refiner, IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up, int steps, double learningRate, int seed);

    ISequenceRefiner Load(string bundleDirectory, string version);

    /// <summary>Writes the model's artifacts under bundleDirectory; returns their paths relative to it.</summary>
    IReadOnlyList<string> Save(ISequenceRefiner refiner, string bundleDirectory);
}

/// <summary>A TorchSharp network (LSTM or Transformer) over the standardised window.</summary>
public sealed class TorchSequenceRefinerKind : ISequenceRefinerKind
{
    public static TorchSequenceRefinerKind Lstm { get; } = new(SequenceNetworks.Lstm);
    public static TorchSequenceRefinerKind Transformer { get; } = new(SequenceNetworks.Transformer);

    private TorchSequenceRefinerKind(string name) => Name = name;

    public string Name { get; }

    public ISequenceRefiner Train(IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up, FeatureSchema schema, SequenceModelOptions options, int seed, string version) =>
        SequenceRefinerTrainer.Train(Name, windows, up, schema, options, seed, version);

    public void FineTune(ISequenceRefiner refiner, IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up, int steps, double learningRate, int seed) =>
        Own(refiner).FineTune(windows, up, steps, learningRate, seed);

    public ISequenceRefiner Load(string bundleDirectory, string version) => SequenceRefinerArtifacts.Load(bundleDirectory, Name, version);

    public IReadOnlyList<string> Save(ISequenceRefiner refiner, string bundleDirectory) => SequenceRefinerArtifacts.Save(Own(refiner), bundleDirectory);

    private TorchSequenceRefiner Own(ISequenceRefiner refiner) =>
        refiner is TorchSequenceRefiner torch && torch.Model.Name == Name
            ? torch
            : throw new ArgumentException($"a {Name} model is needed, not {refiner.Model.Name}", nameof(refiner));
}
