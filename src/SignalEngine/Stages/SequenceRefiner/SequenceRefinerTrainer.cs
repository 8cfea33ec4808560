using SignalEngine.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>Trains an LSTM or Transformer refiner of p(up | actionable) on T x F windows, and fine-tunes a trained one.</summary>
public static class SequenceRefinerTrainer
{
    /// <summary>Share of the (time-ordered) windows held out at the tail for early stopping.</summary>
    public const double HoldoutShare = 0.15;

    /// <summary>Windows dropped between training and holdout: neighbouring windows share most of their rows.</summary>
    public const int HoldoutGap = 5;

    /// <summary>Epochs without a better holdout loss before training stops.</summary>
    public const int Patience = 3;

    private const int MinimumForHoldout = 60;

    /// <summary>
    /// Adam on binary cross-entropy with logits, shuffled mini-batches drawn with the seed, early stopping on the
    /// last <see cref="HoldoutShare"/> of the windows (which must be in time order) after a gap of
    /// <see cref="HoldoutGap"/>, keeping the best epoch's weights. The same inputs and seed give the same model on CPU.
    /// </summary>
    public static TorchSequenceRefiner Train(
        string kind, IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up, FeatureSchema schema,
        SequenceModelOptions options, int seed, string version, IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        kind = SequenceNetworks.Kind(kind);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        SequenceNetworks.Validate(options);
        CheckSamples(windows, up);
        if (schema.Count == 0) throw new ArgumentException("the feature schema is empty", nameof(schema));
        var ups = up.Count(u => u);
        if (ups == 0 || ups == up.Count)
            throw new ArgumentException(
                $"all {up.Count} windows are {(ups == 0 ? "down" : "up")}: direction cannot be learned from one class", nameof(up));

        var count = windows.Count;
        var holdout = count >= MinimumForHoldout ? (int)Math.Round(count * HoldoutShare) : 0;
        var trainCount = holdout > 0 ? count - holdout - HoldoutGap : count;
        var train = windows.Take(trainCount).ToArray();
        var scaler = WindowScaler.Fit(train, schema.Count);

        lock (TorchSequenceRefiner.GlobalRandom)
        {
            random.manual_seed(seed);
            var refiner = TorchSequenceRefiner.Create(kind, version, options, schema, scaler, training: null);
            try
            {
                for (var i = 0; i < count; i++) refiner.CheckWindow(windows[i], i, nameof(windows));
                refiner.Training = Fit(refiner, windows, up, trainCount, holdout, options, seed, progress, cancellationToken);
                refiner.Network.eval();
                return refiner;
            }
            catch
            {
                refiner.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// A few Adam steps on the given samples (online learning), mini-batches drawn with the seed; the standardisation
    /// and architecture stay as trained. Blocks inference on the refiner while it runs: fine-tune a copy
    /// (Save then Load) when a serving model must not pause or change.
    /// </summary>
    public static SequenceFineTuning FineTune(
        TorchSequenceRefiner refiner, IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up, int steps, double learningRate, int seed)
    {
        CheckSamples(windows, up);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (!(learningRate > 0 && double.IsFinite(learningRate)))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "must be positive and finite");
        for (var i = 0; i < windows.Count; i++) refiner.CheckWindow(windows[i], i, nameof(windows));

        var length = refiner.WindowLength;
        var packed = refiner.Scaler.Transform(windows, length);
        var labels = up.Select(u => u ? 1f : 0f).ToArray();
        var batchSize = Math.Min(refiner.Architecture.BatchSize, windows.Count);
        return refiner.UseNetwork(network =>
        {
            lock (TorchSequenceRefiner.GlobalRandom)
            {
                random.manual_seed(seed);
                using var x = NetworkInput.From(packed, windows.Count, length, refiner.Schema.Count);
                using var y = NetworkInput.From(labels, labels.Length);
                var before = SequenceTraining.LogLoss(network, x, y);
                using var optimizer = optim.Adam(network.parameters(), learningRate);
                var draw = new Random(seed);
                var order = Enumerable.Range(0, windows.Count).ToArray();
                var cursor = order.Length;
                network.train();
                try
                {
                    for (var step = 0; step < steps; step++)
                    {
                        if (cursor + batchSize > order.Length)
                        {
                            draw.Shuffle(order);
                            cursor = 0;
                        }
                        SequenceTraining.Step(network, optimizer, x, y, order.AsSpan(cursor, batchSize));
                        cursor += batchSize;
                    }
                }
                finally
                {
                    // Readers share the network in eval mode without switching it (see TorchSequenceRefiner.ReadNetwork).
                    network.eval();
                }
                var after = SequenceTraining.LogLoss(network, x, y);
                return new SequenceFineTuning(windows.Count, steps, before, after);
            }
        });
    }

    internal static void CheckSamples(IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(up);
        if (windows.Count == 0) throw new ArgumentException("no windows to learn from", nameof(windows));
        if (windows.Count != up.Count)
            throw new ArgumentException($"{windows.Count} windows but {up.Count} labels", nameof(up));
    }

    private static SequenceTrainingSummary Fit(
        TorchSequenceRefiner refiner, IReadOnlyList<double[][]> windows, IReadOnlyList<bool> up, int trainCount,
        int holdout, SequenceModelOptions options, int seed, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var network = refiner.Network;
        var length = options.WindowLength;
        var features = refiner.Schema.Count;
        using var x = NetworkInput.From(refiner.Scaler.Transform(windows.Take(trainCount).ToArray(), length), trainCount, length, features);
        using var y = NetworkInput.From(up.Take(trainCount).Select(u => u ? 1f : 0f).ToArray(), trainCount);
        var holdoutWindows = windows.Skip(windows.Count - holdout).ToArray();
        using var hx = NetworkInput.From(refiner.Scaler.Transform(holdoutWindows, length), holdout, length, features);
        using var hy = NetworkInput.From(up.Skip(up.Count - holdout).Select(u => u ? 1f : 0f).ToArray(), holdout);

        using var optimizer = optim.Adam(network.parameters(), options.LearningRate);
        var shuffle = new Random(seed);
        var order = Enumerable.Range(0, trainCount).ToArray();
        var batchSize = Math.Min(options.BatchSize, trainCount);
        var best = double.PositiveInfinity;
        var bestEpoch = 0;
        var epochsRun = 0;
        Tensor[]? bestWeights = null;
        try
        {
            for (var epoch = 1; epoch <= options.Epochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                shuffle.Shuffle(order);
                network.train();
                var lossSum = 0.0;
                var batches = 0;
                for (var start = 0; start < trainCount; start += batchSize)
                {
                    var rows = order.AsSpan(start, Math.Min(batchSize, trainCount - start));
                    lossSum += SequenceTraining.Step(network, optimizer, x, y, rows);
                    batches++;
                }
                epochsRun = epoch;
                if (holdout == 0)
                {
                    progress?.Report($"{refiner.Model.Name} epoch {epoch}/{options.Epochs}: train loss {lossSum / batches:F4}");
                    continue;
                }
                var holdoutLoss = SequenceTraining.LogLoss(network, hx, hy);
                progress?.Report(
                    $"{refiner.Model.Name} epoch {epoch}/{options.Epochs}: train loss {lossSum / batches:F4}, holdout {holdoutLoss:F4}");
                if (holdoutLoss < best)
                {
                    best = holdoutLoss;
                    bestEpoch = epoch;
                    DisposeAll(bestWeights);
                    bestWeights = SequenceTraining.Snapshot(network);
                }
                else if (epoch - bestEpoch >= Patience)
                {
                    break;
                }
            }
            if (bestWeights is not null) SequenceTraining.Restore(network, bestWeights);
        }
        finally
        {
            DisposeAll(bestWeights);
        }
        return holdout == 0
            ? new SequenceTrainingSummary(trainCount, 0, epochsRun, epochsRun, null)
            : new SequenceTrainingSummary(trainCount, holdout, epochsRun, bestEpoch, best);
    }

    private static void DisposeAll(Tensor[]? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors) t.Dispose();
    }
}
