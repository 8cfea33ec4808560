using System.Text.Json;
using SignalEngine.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>
/// Stage 2 over TorchSharp: the shared standardisation, batching, inference, attribution, fine-tuning and persistence
/// of the LSTM and Transformer. One instance serves concurrent requests: every use of the network holds its lock.
/// </summary>
public abstract class TorchSequenceRefiner : ISequenceRefiner
{
    /// <summary>Riemann steps (midpoint rule) of integrated gradients, evaluated in one batched pass.</summary>
    public const int IntegrationSteps = 64;

    /// <summary>The documented attribution baseline.</summary>
    public const string BaselineDescription =
        "training-mean window: every feature at its training mean at every step (all zeros after standardisation)";

    private const string Folder = "stage2";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>
    /// Weight initialisation and dropout draw from libtorch's one global generator: training and fine-tuning hold
    /// this lock from seeding to the last step so concurrent trainings cannot interleave draws and break determinism.
    /// </summary>
    internal static readonly object GlobalRandom = new();

    private readonly object _gate = new();
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

    public static TorchSequenceRefiner Load(string bundleDirectory, string kind, string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bundleDirectory);
        kind = SequenceNetworks.Kind(kind);
        var jsonPath = Path.Combine(bundleDirectory, Folder, kind + ".json");
        var weightsPath = Path.Combine(bundleDirectory, Folder, kind + ".dat");
        if (!File.Exists(jsonPath)) throw new FileNotFoundException($"stage 2 {kind} metadata not found: {jsonPath}", jsonPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"stage 2 {kind} weights not found: {weightsPath}", weightsPath);

        SequenceRefinerFile? file;
        try
        {
            file = JsonSerializer.Deserialize<SequenceRefinerFile>(File.ReadAllText(jsonPath), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{jsonPath}: not a stage 2 metadata file ({e.Message})", e);
        }
        if (file is null) throw new InvalidDataException($"{jsonPath}: empty stage 2 metadata file");
        file.Validate(jsonPath);
        if (!string.Equals(file.Kind, kind, StringComparison.Ordinal))
            throw new InvalidDataException($"{jsonPath}: holds a '{file.Kind}' model, expected '{kind}'");

        var refiner = Create(kind, version, file.Architecture, file.Schema, new WindowScaler(file.Mean, file.Scale), file.Training);
        try
        {
            refiner._network.load(weightsPath);
        }
        catch (Exception e)
        {
            refiner.Dispose();
            throw new InvalidDataException($"{weightsPath}: not valid {kind} weights for the architecture in {jsonPath} ({e.Message})", e);
        }
        refiner._network.eval();
        return refiner;
    }

    /// <summary>Writes stage2/{kind}.dat and its JSON; returns their paths relative to bundleDirectory.</summary>
    public IReadOnlyList<string> Save(string bundleDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bundleDirectory);
        Directory.CreateDirectory(Path.Combine(bundleDirectory, Folder));
        var weights = $"{Folder}/{Model.Name}.dat";
        var metadata = $"{Folder}/{Model.Name}.json";
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _network.save(Path.Combine(bundleDirectory, weights));
        }
        var file = new SequenceRefinerFile
        {
            Format = SequenceRefinerFile.CurrentFormat,
            Kind = Model.Name,
            Architecture = Architecture,
            Features = Schema.Names,
            Mean = _scaler.Mean,
            Scale = _scaler.Scale,
            Baseline = BaselineDescription,
            Training = Training,
        };
        File.WriteAllText(Path.Combine(bundleDirectory, metadata), JsonSerializer.Serialize(file, JsonOptions));
        return [weights, metadata];
    }

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
    /// window to this one, by the midpoint rule over <see cref="IntegrationSteps"/> points in one batched
    /// forward and backward pass, with dropout off. Each attribution is in logit units, the same whether read
    /// against the standardised or the raw feature (the standardisation is affine per feature).
    /// </summary>
    public SequenceAttribution Attribute(double[][] window)
    {
        ArgumentNullException.ThrowIfNull(window);
        CheckWindow(window, 0, nameof(window));
        var length = WindowLength;
        var features = Schema.Count;
        var input = _scaler.Transform([window], length);

        float[] gradients;
        double output, baselineOutput;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var scope = NewDisposeScope();
            _network.eval();
            var x = tensor(input, [1, length, features]);
            var alphas = (arange(IntegrationSteps, dtype: ScalarType.Float32) + 0.5f) / IntegrationSteps;
            var path = (alphas.view(IntegrationSteps, 1, 1) * x).detach().requires_grad_(true);
            var outputs = _network.call(path);
            var grads = autograd.grad([outputs.sum()], [path])[0];
            gradients = grads.mean([0]).data<float>().ToArray();
            using (no_grad())
            {
                var ends = _network.call(cat([zeros_like(x), x], 0)).data<float>().ToArray();
                baselineOutput = ends[0];
                output = ends[1];
            }
        }

        var attributions = new double[length][];
        var totals = new double[features];
        var sum = 0.0;
        for (var t = 0; t < length; t++)
        {
            attributions[t] = new double[features];
            for (var f = 0; f < features; f++)
            {
                var i = t * features + f;
                var a = (double)input[i] * gradients[i];
                attributions[t][f] = a;
                totals[f] += a;
                sum += a;
            }
        }
        return new SequenceAttribution(
            Model.Name, BaselineDescription, output, baselineOutput, Schema.Names, attributions, totals,
            Math.Abs(sum - (output - baselineOutput)));
    }

    /// <summary>
    /// A few Adam steps on the given samples (online learning), mini-batches drawn with the seed; the standardisation
    /// and architecture stay as trained. Blocks inference on this instance while it runs: fine-tune a copy
    /// (Save then Load) when a serving model must not pause or change.
    /// </summary>
    public SequenceFineTuning FineTune(
        IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up, int steps, double learningRate, int seed)
    {
        CheckSamples(windows, up);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (!(learningRate > 0 && double.IsFinite(learningRate)))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "must be positive and finite");
        for (var i = 0; i < windows.Count; i++) CheckWindow(windows[i], i, nameof(windows));

        var packed = _scaler.Transform(windows, WindowLength);
        var labels = up.Select(u => u ? 1f : 0f).ToArray();
        var batchSize = Math.Min(Architecture.BatchSize, windows.Count);
        lock (_gate)
        lock (GlobalRandom)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            random.manual_seed(seed);
            using var x = tensor(packed, [windows.Count, WindowLength, Schema.Count]);
            using var y = tensor(labels);
            var before = SequenceTraining.LogLoss(_network, x, y);
            using var optimizer = optim.Adam(_network.parameters(), learningRate);
            var draw = new Random(seed);
            var order = Enumerable.Range(0, windows.Count).ToArray();
            var cursor = order.Length;
            _network.train();
            for (var step = 0; step < steps; step++)
            {
                if (cursor + batchSize > order.Length)
                {
                    draw.Shuffle(order);
                    cursor = 0;
                }
                SequenceTraining.Step(_network, optimizer, x, y, order.AsSpan(cursor, batchSize));
                cursor += batchSize;
            }
            _network.eval();
            var after = SequenceTraining.LogLoss(_network, x, y);
            return new SequenceFineTuning(windows.Count, steps, before, after);
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _network.Dispose();
        }
    }

    internal static void CheckSamples(IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(up);
        if (windows.Count == 0) throw new ArgumentException("no windows to learn from", nameof(windows));
        if (windows.Count != up.Count)
            throw new ArgumentException($"{windows.Count} windows but {up.Count} labels", nameof(up));
    }

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

    private float[] Logits(float[] packed, int count)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var scope = NewDisposeScope();
            using var mode = inference_mode();
            _network.eval();
            return _network.call(tensor(packed, [count, WindowLength, Schema.Count])).data<float>().ToArray();
        }
    }

    private static double Sigmoid(double logit) => 1.0 / (1.0 + Math.Exp(-logit));
}
