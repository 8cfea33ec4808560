using BenchmarkDotNet.Attributes;
using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Features;
using SignalEngine.Pipeline;

namespace SignalEngine.Benchmarks;

/// <summary>
/// The whole pipeline of the default bundle on a batch of the last real bars of data/ttrc.csv: with every explanation
/// (TreeSHAP, integrated gradients of both sequence models, stage 3's contributions), against the floor of the same
/// stages without explanations (stage 1, stage 2 on what it passes, stage 3 and the decision). Ratio is explained over
/// floor; divide a mean by the batch size for the cost per signal.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private ModelBundle _bundle = null!;
    private SignalPipeline _pipeline = null!;
    private SignalInput[] _items = null!;

    [Params(1, 100, 1000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_bundle, _items) = BenchmarkBatches.Load(BatchSize);
        _pipeline = new SignalPipeline(_bundle.Stages);
    }

    [GlobalCleanup]
    public void Cleanup() => _bundle.Dispose();

    [Benchmark(Baseline = true, Description = "stages only, no explanations (the floor)")]
    public int Decide() => _bundle.Stages.Decide(_items).Count;

    [Benchmark(Description = "signals with every explanation")]
    public int Run() => _pipeline.Run(_items).Count;
}

/// <summary>
/// Concurrent requests on one served bundle: <see cref="Clients"/> batches of 100 items at once, each on its own
/// thread. Readers share each sequence model, so two clients finish in about the time of one where the cores allow
/// (two batches through one model lock took twice as long).
/// </summary>
[MemoryDiagnoser]
public class ConcurrencyBenchmarks
{
    private ModelBundle _bundle = null!;
    private SignalPipeline _pipeline = null!;
    private SignalInput[] _items = null!;

    [Params(1, 2, 4)]
    public int Clients { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_bundle, _items) = BenchmarkBatches.Load(100);
        _pipeline = new SignalPipeline(_bundle.Stages);
    }

    [GlobalCleanup]
    public void Cleanup() => _bundle.Dispose();

    [Benchmark(Description = "clients x 100 items without explanations, concurrently")]
    public int Decide() => Concurrently(() => _bundle.Stages.Decide(_items).Count);

    [Benchmark(Description = "clients x 100 items with every explanation, concurrently")]
    public int Run() => Concurrently(() => _pipeline.Run(_items).Count);

    private int Concurrently(Func<int> request) =>
        Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(request))).GetAwaiter().GetResult().Sum();
}

/// <summary>The default bundle and a batch of its last real bars, each with the history its window needs.</summary>
internal static class BenchmarkBatches
{
    public static (ModelBundle Bundle, SignalInput[] Items) Load(int batchSize)
    {
        var bundle = ModelBundle.Load(BenchmarkPaths.File("models", "default"));
        var series = CsvBarLoader.Load(BenchmarkPaths.File("data", "ttrc.csv")).Series[0];
        var frame = new FeatureBuilder(bundle.Manifest.Hyperparameters.Features).Build(series);
        var history = bundle.Manifest.WindowLength - 1;
        var items = Enumerable.Range(frame.Count - batchSize, batchSize)
            .Select(bar => new SignalInput(frame.Instrument, frame.Timestamps[bar], frame.Rows[bar], frame.Rows[(bar - history)..bar], null))
            .ToArray();
        return (bundle, items);
    }
}
