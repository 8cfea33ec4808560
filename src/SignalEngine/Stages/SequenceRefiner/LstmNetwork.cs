using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>LSTM over the standardised window (batch first); the last layer's final hidden state feeds one logit.</summary>
internal sealed class LstmNetwork : nn.Module<Tensor, Tensor>
{
    private readonly LSTM lstm;
    private readonly Dropout dropout;
    private readonly Linear head;

    public LstmNetwork(int features, SequenceModelOptions options) : base(nameof(LstmNetwork))
    {
        lstm = nn.LSTM(features, options.HiddenSize, options.Layers, batchFirst: true,
            dropout: options.Layers > 1 ? options.Dropout : 0.0);
        dropout = nn.Dropout(options.Dropout);
        head = nn.Linear(options.HiddenSize, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var (_, hidden, _) = lstm.call(input, null);
        return head.call(dropout.call(hidden[-1])).squeeze(-1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lstm.Dispose();
            dropout.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
