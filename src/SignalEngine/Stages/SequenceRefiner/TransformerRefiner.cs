using SignalEngine.Features;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>Stage 2 Transformer refiner: an encoder over the projected window with learned positions.</summary>
public sealed class TransformerRefiner : TorchSequenceRefiner
{
    internal TransformerRefiner(
        string version, SequenceModelOptions architecture, FeatureSchema schema, WindowScaler scaler,
        SequenceTrainingSummary? training)
        : base(SequenceNetworks.Transformer, version, architecture, schema, scaler,
            new TransformerNetwork(schema.Count, architecture), training)
    {
    }
}
