using SignalEngine.Features;
using SignalEngine.Stages.SequenceRefiner.Attribution;
using TorchSharp;
using static TorchSharp.torch;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>
/// Stage 2 over TorchSharp: the shared standardisation, batching and inference of the LSTM and Transformer.
/// Trained and fine-tuned by <see cref="SequenceRefinerTrainer"/>, read and written by
/// <see cref="SequenceRefinerArtifacts"/>, attributed by integrated gradients. One instance serves concurrent
/// requests: scoring, attribution and saving only read the network and run side by side, scoring and attribution on
/// <see cref="LibtorchThreads"/> (libtorch's grad mode, inference mode and TorchSharp's dispose scopes are per thread);
/// fine-tuning and disposal change it and wait for them to finish.
/// </summary>
public abstract class TorchSequenceRefiner : ISequenceRefiner
{
    /// <summary>The documented attribution baseline.</summary>
    public const string BaselineDescription = IntegratedGradients.BaselineDescription;

    /// <summary>
    /// Weight initialisation and dropout draw from libtorch's one global generator: training and fine-tuning hold
    /// this lock from seeding to the last step so concurrent trainings cannot interleave draws and break determinism.
    /// Kept here, not in the trainer, so that taking it runs this type's static constructor (one libtorch thread)
    /// before the first network is built or trained.
    /// </summary>
    internal static readonly object GlobalRandom = new();

    private readonly ReaderWriterLockSlim _gate = new();
    private readonly nn.Module<Tensor, Tensor> _network;

    /// <summary>
    /// One libtorch intra-op thread for the whole process. These networks are small, so extra threads buy little,
    /// while under CPU contention (other replicas, builds) libtorch's spinning worker threads made training and
    /// inference about ten times slower here; and a fixed thread count keeps floating-point reduction order, so
    /// outputs, the same on every machine whatever its core count. Concurrency comes from requests instead.
    /// </summary>
    static TorchSequenceRefiner() => set_num_threads(1);
    private readonly WindowScaler _scaler;
    private bool _disposed;

    private protected TorchSequenceRefiner(
        string kind, string version, SequenceModelOptions architecture, FeatureSchema schema, WindowScaler scaler,
        nn.Module<Tensor, Tensor> network, SequenceTrainingSummary? training)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        Model = new ModelStamp(kind, version);
        Architecture = architecture;
        Schema = schema;
        Training = training;
        _scaler = scaler;
        _network = network;
        // Eval mode is the resting state: readers share the network without switching it, and whatever trains it
        // (training, fine-tuning) holds it exclusively and puts it back in eval mode.
        _network.eval();
    }

    public ModelStamp Model { get; }

    public int WindowLength => Architecture.WindowLength;

    public SequenceModelOptions Architecture { get; }

    public FeatureSchema Schema { get; }

    /// <summary>How training went; null for a model that was never trained by <see cref="SequenceRefinerTrainer"/>.</summary>
    public SequenceTrainingSummary? Training { get; internal set; }

    internal WindowScaler Scaler => _scaler;

    internal nn.Module<Tensor, Tensor> Network => _network;

    /// <summary>Builds an untrained refiner of the given kind (weights from libtorch's global generator).</summary>
    internal static TorchSequenceRefiner Create(
        string kind, string version, SequenceModelOptions architecture, FeatureSchema schema, WindowScaler scaler,
        SequenceTrainingSummary? training) =>
        SequenceNetworks.Kind(kind) switch
        {
            SequenceNetworks.Lstm => new LstmRefiner(version, architecture, schema, scaler, training),
            _ => new TransformerRefiner(version, architecture, schema, scaler, training),
        };

    /// <summary>Writes stage2/{kind}.dat and its JSON; returns their paths relative to bundleDirectory.</summary>
    public IReadOnlyList<string> Save(string bundleDirectory) => SequenceRefinerArtifacts.Save(this, bundleDirectory);

    public const string NotFiniteReason = "abstained: the model's output is not a finite number (extreme feature values in the window)";

    public IReadOnlyList<SequenceRefinerResult> Refine(IReadOnlyList<double[][]?> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var results = new SequenceRefinerResult[windows.Count];
        var present = new List<int>(windows.Count);
        for (var i = 0; i < windows.Count; i++)
        {
            if (windows[i] is null)
            {
                results[i] = new SequenceRefinerResult(
                    Model.Name, null, $"abstained: no history window (needs {WindowLength - 1} history rows before the current bar)");
            }
            else
            {
                CheckWindow(windows[i]!, i, nameof(windows));
                present.Add(i);
            }
        }
        if (present.Count == 0) return results;

        var logits = Logits(_scaler.Transform(present.Select(i => windows[i]!).ToArray(), WindowLength), present.Count);
        for (var k = 0; k < present.Count; k++)
        {
            // Extreme but finite inputs can overflow the network; such an output abstains, visibly, rather than reach stage 3.
            var probability = Sigmoid(logits[k]);
            results[present[k]] = double.IsFinite(probability)
                ? new SequenceRefinerResult(Model.Name, probability, null)
                : new SequenceRefinerResult(Model.Name, null, NotFiniteReason);
        }
        return results;
    }

    /// <summary>
    /// Integrated gradients of the output logit with respect to the standardised input, from the training-mean
    /// window to this one (see <see cref="IntegratedGradients"/>).
    /// </summary>
    public IReadOnlyList<SequenceAttribution> Attribute(IReadOnlyList<double[][]> windows) =>
        LibtorchThreads.Run(() => IntegratedGradients.Attribute(this, windows));

    /// <summary>The attribution of one window (see <see cref="Attribute(IReadOnlyList{double[][]})"/>).</summary>
    public SequenceAttribution Attribute(double[][] window) => Attribute(new[] { window })[0];

    /// <summary>A few Adam steps on the given samples (online learning); see <see cref="SequenceRefinerTrainer.FineTune"/>.</summary>
    public SequenceFineTuning FineTune(
        IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up, int steps, double learningRate, int seed) =>
        SequenceRefinerTrainer.FineTune(this, windows, up, steps, learningRate, seed);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        _gate.EnterWriteLock();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _network.Dispose();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// Runs <paramref name="use"/> on the network alone (no reader runs meanwhile), unless it is disposed; for what
    /// changes the network. It must leave the network in eval mode.
    /// </summary>
    internal T UseNetwork<T>(Func<nn.Module<Tensor, Tensor>, T> use) => Guarded(exclusive: true, use);

    /// <summary>
    /// Runs <paramref name="use"/> on the network in eval mode alongside other readers, unless it is disposed. It must
    /// not change the network (no train(), no weight updates): only forward passes and gradients of the input.
    /// </summary>
    internal T ReadNetwork<T>(Func<nn.Module<Tensor, Tensor>, T> use) => Guarded(exclusive: false, use);

    private T Guarded<T>(bool exclusive, Func<nn.Module<Tensor, Tensor>, T> use)
    {
        if (exclusive) _gate.EnterWriteLock();
        else _gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return use(_network);
        }
        finally
        {
            if (exclusive) _gate.ExitWriteLock();
            else _gate.ExitReadLock();
        }
    }

    internal void UseNetwork(Action<nn.Module<Tensor, Tensor>> use) => UseNetwork(network =>
    {
        use(network);
        return true;
    });

    internal void CheckWindow(double[][]? window, int index, string parameter)
    {
        if (window is null) throw new ArgumentException($"window {index} is null", parameter);
        if (window.Length != WindowLength)
            throw new ArgumentException($"window {index} has {window.Length} rows, {Model.Name} needs {WindowLength}", parameter);
        for (var t = 0; t < window.Length; t++)
        {
            var row = window[t];
            if (row is null || row.Length != Schema.Count)
                throw new ArgumentException(
                    $"window {index} row {t} has {row?.Length ?? 0} features, {Model.Name} needs {Schema.Count}", parameter);
            for (var f = 0; f < row.Length; f++)
            {
                if (!double.IsFinite(row[f]))
                    throw new ArgumentException($"window {index} row {t} feature '{Schema.Names[f]}' is not a finite number", parameter);
            }
        }
    }

    private float[] Logits(float[] packed, int count) => LibtorchThreads.Run(() => ReadNetwork(network =>
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        return network.call(NetworkInput.From(packed, count, WindowLength, Schema.Count)).data<float>().ToArray();
    }));

    private static double Sigmoid(double logit) => 1.0 / (1.0 + Math.Exp(-logit));
}
