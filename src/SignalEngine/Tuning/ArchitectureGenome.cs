using System.Globalization;
using SignalEngine.Stages.SequenceRefiner;

namespace SignalEngine.Tuning;

/// <summary>A stage-2 architecture as the evolutionary search sees it: one gene per setting.</summary>
public sealed record ArchitectureGenome(string Kind, int Layers, int HiddenSize, int Heads, double Dropout, int WindowLength, double LearningRate)
{
    /// <summary>The shipped stage-2 settings with the LSTM.</summary>
    public static ArchitectureGenome Default { get; } = FromOptions(new SequenceModelOptions(), "lstm");

    public static ArchitectureGenome FromOptions(SequenceModelOptions options, string kind) =>
        new(kind, options.Layers, options.HiddenSize, options.Heads, options.Dropout, options.WindowLength, options.LearningRate);

    /// <summary>The options with this architecture; stage 2 then runs this genome's kind alone.</summary>
    public SequenceModelOptions Apply(SequenceModelOptions options) => options with
    {
        Models = [Kind],
        Layers = Layers,
        HiddenSize = HiddenSize,
        Heads = Heads,
        Dropout = Dropout,
        WindowLength = WindowLength,
        LearningRate = LearningRate,
    };

    /// <summary>Trainable weights of the network on windows of the given feature count (as TorchSharp builds it).</summary>
    public long ParameterCount(int features)
    {
        long h = HiddenSize;
        long head = h + 1;
        if (Kind == "lstm")
        {
            // Per layer: input and recurrent weights of four gates plus two bias vectors.
            long total = 0;
            for (var layer = 0; layer < Layers; layer++) total += 4 * h * ((layer == 0 ? features : h) + h) + 8 * h;
            return total + head;
        }
        var attention = 4 * h * h + 4 * h;
        var feedForward = h * 4 * h + 4 * h + 4 * h * h + h;
        var norms = 4 * h;
        return features * h + h + WindowLength * h + Layers * (attention + feedForward + norms) + 2 * h + head;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind} layers={Layers} hidden={HiddenSize} heads={Heads} dropout={Dropout:R} window={WindowLength} lr={LearningRate:R}");
}
