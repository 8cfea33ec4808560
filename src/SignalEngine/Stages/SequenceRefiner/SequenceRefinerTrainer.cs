using SignalEngine.Features;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>Trains an LSTM or Transformer refiner of p(up | actionable) on T x F windows.</summary>
public static class SequenceRefinerTrainer
{
    public static TorchSequenceRefiner Train(
        string kind, IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up, FeatureSchema schema,
        SequenceModelOptions options, int seed, string version) =>
        throw new NotImplementedException();
}
