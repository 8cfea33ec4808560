using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>
/// Transformer encoder over the window: a linear projection to HiddenSize plus a learned positional embedding,
/// then Layers encoder layers; the current bar's (last) token feeds one logit. No causal mask: every step may look
/// at every other step of the same window, all of which is known when the signal is made.
/// </summary>
/// <remarks>
/// Training runs libtorch's native encoder (with its dropout). In eval mode the same layers run from the same
/// parameters as plain tensor operations, and the last layer only for the last token: the head reads nothing else, so
/// the last layer's queries, attention rows and feed-forward for the other T - 1 tokens are dead work. That is about a
/// fifth of the native encoder's arithmetic for one layer, in the forward and the backward pass integrated gradients
/// runs, and agrees with it to float32 rounding (a test holds them together).
/// </remarks>
internal sealed class TransformerNetwork : nn.Module<Tensor, Tensor>
{
    private readonly long length;
    private readonly Linear projection;
    private readonly Embedding position;
    private readonly TransformerEncoder encoder;
    private readonly LayerNorm norm;
    private readonly Linear head;
    private readonly long hidden;
    private readonly long heads;
    private readonly EncoderLayerWeights[] layers;

    /// <summary>
    /// The attention scale 1 / sqrt(head size), made once and kept with the network. A temporary made per call from a
    /// double (tensor * double) is a Scalar that TorchSharp 0.107 neither disposes nor keeps alive: its finalizer could
    /// free the native value while libtorch still read it, which was seen in a soak as "Expected false to be true ...
    /// toFloat at Scalar.h:140" (a Scalar of no known type).
    /// </summary>
    private readonly Scalar queryScale;

    public TransformerNetwork(int features, SequenceModelOptions options) : base(nameof(TransformerNetwork))
    {
        length = options.WindowLength;
        hidden = options.HiddenSize;
        heads = options.Heads;
        queryScale = (1.0 / Math.Sqrt(hidden / heads)).ToScalar();
        projection = nn.Linear(features, options.HiddenSize);
        position = nn.Embedding(options.WindowLength, options.HiddenSize);
        encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(options.HiddenSize, options.Heads, 4 * options.HiddenSize, options.Dropout),
            options.Layers);
        norm = nn.LayerNorm(options.HiddenSize);
        head = nn.Linear(options.HiddenSize, 1);
        RegisterComponents();
        var parameters = encoder.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        layers = Enumerable.Range(0, options.Layers).Select(i => EncoderLayerWeights.Of(parameters, $"layers.{i}.")).ToArray();
    }

    public override Tensor forward(Tensor input) => training ? NativeForward(input) : EvalForward(input);

    /// <summary>The native encoder's output, in either mode (the eval-mode forward is held to it).</summary>
    internal Tensor NativeForward(Tensor input)
    {
        // The native encoder layer takes (step, batch, hidden).
        var encoded = encoder.call(Tokens(input).transpose(0, 1));
        return head.call(norm.call(encoded[-1])).squeeze(-1);
    }

    private Tensor Tokens(Tensor input)
    {
        var steps = arange(length, dtype: ScalarType.Int64, device: input.device);
        return projection.call(input) + position.call(steps).unsqueeze(0);
    }

    /// <summary>Post-norm encoder layers as libtorch computes them without dropout; the last one for the last token only.</summary>
    private Tensor EvalForward(Tensor input)
    {
        var tokens = Tokens(input);
        for (var i = 0; i < layers.Length; i++) tokens = EncoderLayer(tokens, layers[i], lastTokenOnly: i == layers.Length - 1);
        return head.call(norm.call(tokens.squeeze(1))).squeeze(-1);
    }

    private Tensor EncoderLayer(Tensor tokens, EncoderLayerWeights w, bool lastTokenOnly)
    {
        var batch = tokens.shape[0];
        var size = hidden / heads;
        var queryTokens = lastTokenOnly ? tokens.narrow(1, length - 1, 1) : tokens;
        var queries = queryTokens.shape[1];
        // libtorch packs the query, key and value projections in one parameter, in that order.
        var q = nn.functional.linear(queryTokens, w.InProjection[..(int)hidden], w.InBias[..(int)hidden]).mul(queryScale);
        var keysValues = nn.functional.linear(tokens, w.InProjection[(int)hidden..], w.InBias[(int)hidden..]);
        var k = keysValues[.., .., ..(int)hidden].reshape(batch, length, heads, size).transpose(1, 2);
        var v = keysValues[.., .., (int)hidden..].reshape(batch, length, heads, size).transpose(1, 2);
        var attention = matmul(q.reshape(batch, queries, heads, size).transpose(1, 2), k.transpose(-2, -1)).softmax(-1);
        var attended = matmul(attention, v).transpose(1, 2).reshape(batch, queries, hidden);
        var h = nn.functional.layer_norm(
            queryTokens + nn.functional.linear(attended, w.Output, w.OutputBias), [hidden], w.Norm1, w.Norm1Bias, LayerNormEpsilon);
        var feedForward = nn.functional.linear(nn.functional.relu(nn.functional.linear(h, w.Linear1, w.Linear1Bias)), w.Linear2, w.Linear2Bias);
        return nn.functional.layer_norm(h + feedForward, [hidden], w.Norm2, w.Norm2Bias, LayerNormEpsilon);
    }

    /// <summary>libtorch's default for the encoder layer's norms.</summary>
    private const double LayerNormEpsilon = 1e-5;

    /// <summary>One native encoder layer's parameters.</summary>
    private sealed record EncoderLayerWeights(
        Tensor InProjection, Tensor InBias, Tensor Output, Tensor OutputBias, Tensor Linear1, Tensor Linear1Bias,
        Tensor Linear2, Tensor Linear2Bias, Tensor Norm1, Tensor Norm1Bias, Tensor Norm2, Tensor Norm2Bias)
    {
        /// <summary>
        /// By their libtorch names: the parameters themselves (weights are loaded and snapshots restored into them in
        /// place), kept out of any dispose scope the network happens to be built in.
        /// </summary>
        public static EncoderLayerWeights Of(Dictionary<string, Tensor> parameters, string prefix)
        {
            Tensor P(string name) => parameters[prefix + name].DetachFromDisposeScope();
            return new(
                P("self_attn.in_proj_weight"), P("self_attn.in_proj_bias"), P("self_attn.out_proj.weight"), P("self_attn.out_proj.bias"),
                P("linear1.weight"), P("linear1.bias"), P("linear2.weight"), P("linear2.bias"),
                P("norm1.weight"), P("norm1.bias"), P("norm2.weight"), P("norm2.bias"));
        }
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
            queryScale.Dispose();
        }
        base.Dispose(disposing);
    }
}
