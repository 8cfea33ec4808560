using SignalEngine.Stages.SequenceRefiner;

namespace SignalEngine.Tests.Stages.SequenceRefiner;

/// <summary>One LSTM and one Transformer trained once on the planted temporal effect, shared by the stage 2 tests.</summary>
public sealed class TrainedSequenceModels : IDisposable
{
    public const string Name = "trained sequence models";

    public TrainedSequenceModels()
    {
        var (windows, up) = SyntheticSequences.Sample(2400, seed: 11);
        Lstm = SequenceRefinerTrainer.Train("lstm", windows, up, SyntheticSequences.Schema, SyntheticSequences.Options, 7, "test");
        Transformer = SequenceRefinerTrainer.Train(
            "transformer", windows, up, SyntheticSequences.Schema, SyntheticSequences.Options, 7, "test");
    }

    public TorchSequenceRefiner Lstm { get; }
    public TorchSequenceRefiner Transformer { get; }

    public TorchSequenceRefiner Get(string kind) => kind == "lstm" ? Lstm : Transformer;

    public void Dispose()
    {
        Lstm.Dispose();
        Transformer.Dispose();
    }
}

[CollectionDefinition(TrainedSequenceModels.Name)]
public sealed class TrainedSequenceModelsCollection : ICollectionFixture<TrainedSequenceModels>;
