using BenchmarkDotNet.Attributes;
using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Features;
using SignalEngine.Pipeline;

namespace SignalEngine.Benchmarks;

/// <summary>The whole pipeline of the default bundle (all three stages and every explanation) on a batch of real bars.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private ModelBundle _bundle = null!;
    private SignalPipeline _pipeline = null!;
    private SignalInput[] _items = null!;

    [Params(1, 100)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var bundle = _bundle = ModelBundle.Load(BenchmarkPaths.File("models", "default"));
        _pipeline = new SignalPipeline(bundle.Stages);
        var series = CsvBarLoader.Load(BenchmarkPaths.File("data", "ttrc.csv")).Series[0];
        var frame = new FeatureBuilder(bundle.Manifest.Hyperparameters.Features).Build(series);
        var history = bundle.Manifest.WindowLength - 1;
        _items = Enumerable.Range(frame.Count - BatchSize, BatchSize)
            .Select(bar => new SignalInput(frame.Instrument, frame.Timestamps[bar], frame.Rows[bar], frame.Rows[(bar - history)..bar], null))
            .ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _bundle.Dispose();

    [Benchmark(Description = "signals and explanations for one batch")]
    public int Run() => _pipeline.Run(_items).Count;
}
