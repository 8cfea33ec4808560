namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>Stage 2 over TorchSharp: the shared batching, inference and attribution of the LSTM and Transformer.</summary>
public abstract class TorchSequenceRefiner : ISequenceRefiner
{
    public abstract ModelStamp Model { get; }
    public abstract int WindowLength { get; }

    public static TorchSequenceRefiner Load(string bundleDirectory, string kind, string version) => throw new NotImplementedException();

    /// <summary>Writes stage2/{kind}.dat and its JSON; returns their paths relative to bundleDirectory.</summary>
    public abstract IReadOnlyList<string> Save(string bundleDirectory);

    public abstract IReadOnlyList<SequenceRefinerResult> Refine(IReadOnlyList<double[][]?> windows);

    public abstract SequenceAttribution Attribute(double[][] window);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
