using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>
/// Transformer encoder over the window: a linear projection to HiddenSize plus a learned positional embedding,
/// then Layers encoder layers; the current bar's (last) token feeds one logit. No causal mask: every step may look
/// at every other step of the same window, all of which is known when the signal is made.
/// </summary>
internal sealed class TransformerNetwork : nn.Module<Tensor, Tensor>
{
    private readonly long length;
    private readonly Linear projection;
    private readonly Embedding position;
    private readonly TransformerEncoder encoder;
    private readonly LayerNorm norm;
    private readonly Linear head;

    public TransformerNetwork(int features, SequenceModelOptions options) : base(nameof(TransformerNetwork))
    {
        length = options.WindowLength;
        projection = nn.Linear(features, options.HiddenSize);
        position = nn.Embedding(options.WindowLength, options.HiddenSize);
        encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(options.HiddenSize, options.Heads, 4 * options.HiddenSize, options.Dropout),
            options.Layers);
        norm = nn.LayerNorm(options.HiddenSize);
        head = nn.Linear(options.HiddenSize, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var steps = arange(length, dtype: ScalarType.Int64, device: input.device);
        var tokens = projection.call(input) + position.call(steps).unsqueeze(0);
        // The native encoder layer takes (step, batch, hidden).
        var encoded = encoder.call(tokens.transpose(0, 1));
        return head.call(norm.call(encoded[-1])).squeeze(-1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            projection.Dispose();
            position.Dispose();
            encoder.Dispose();
            norm.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
