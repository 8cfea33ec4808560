using SignalEngine.Features;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>Stage 2 LSTM refiner: the final hidden state of an LSTM over the standardised window.</summary>
public sealed class LstmRefiner : TorchSequenceRefiner
{
    internal LstmRefiner(
        string version, SequenceModelOptions architecture, FeatureSchema schema, WindowScaler scaler,
        SequenceTrainingSummary? training)
        : base(SequenceNetworks.Lstm, version, architecture, schema, scaler, new LstmNetwork(schema.Count, architecture), training)
    {
    }
}
