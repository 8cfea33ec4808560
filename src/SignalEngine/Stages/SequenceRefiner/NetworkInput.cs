using static TorchSharp.torch;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>
/// Standardised windows (or labels) as a tensor in memory libtorch allocated, for every tensor a network reads.
/// </summary>
/// <remarks>
/// torch.tensor(float[]) does not copy: the tensor is the pinned managed array, which lies wherever the collector put
/// it (8-byte aligned, so 16-byte alignment comes and goes with what the thread allocated before). MKL's sgemm takes a
/// different kernel by that alignment for the Transformer's input projection at the bundle's sizes (13 features,
/// hidden size 8): the same windows gave logits a float rounding apart whatever thread or concurrency scored them, so
/// concurrent runs and replays from the audit missed the sequential bits. libtorch's allocator aligns to 64 bytes.
/// </remarks>
internal static class NetworkInput
{
    public static Tensor From(float[] values, params long[] shape)
    {
        var input = empty(shape, ScalarType.Float32);
        input.data<float>().CopyFrom(values);
        return input;
    }
}
