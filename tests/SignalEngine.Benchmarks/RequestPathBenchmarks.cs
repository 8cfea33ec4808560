using BenchmarkDotNet.Attributes;
using SignalEngine.Api.Input;
using SignalEngine.Api.Serving;
using SignalEngine.Api.Storage;
using SignalEngine.Benchmarks.EndToEnd;
using SignalEngine.Bundle;
using SignalEngine.Cli;
using SignalEngine.Pipeline;

namespace SignalEngine.Benchmarks;

/// <summary>
/// The service's own work around the pipeline for one batch of the default bundle, in process: reading the body in
/// either form, and preparing the records (serialising and compressing each explanation, the batch's inputs once).
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private ModelBundle _bundle = null!;
    private byte[] _items = null!;
    private byte[] _series = null!;
    private IReadOnlyList<PipelineResult> _results = null!;
    private string[] _paths = null!;

    [Params(100, 1000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bundle = ModelBundle.Load(BenchmarkPaths.File("models", "default"));
        var bodies = new Bodies(_bundle);
        _items = bodies.Body(FeatureBodies.Items, BatchSize);
        _series = bodies.Body(FeatureBodies.Series, BatchSize);
        _results = new SignalPipeline(_bundle.Stages).Run(bodies.Inputs(BatchSize));
        _paths = Enumerable.Range(0, BatchSize).Select(i => $"items[{i}]").ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _bundle.Dispose();

    [Benchmark(Description = "read an item-form body")]
    public int ReadItems() => FeatureBatchReader.Read(_items, _bundle.Schema, 10_000, _bundle.Manifest.WindowLength - 1).Items.Count;

    // What no reader can skip: the item-form body's JSON parsed into a document, nothing read from it.
    [Benchmark(Description = "parse an item-form body (JsonDocument only)")]
    public int ParseItems()
    {
        using var document = System.Text.Json.JsonDocument.Parse(_items.AsMemory());
        return document.RootElement.GetProperty("items").GetArrayLength();
    }

    [Benchmark(Description = "read a series-form body")]
    public int ReadSeries() => FeatureBatchReader.Read(_series, _bundle.Schema, 10_000, _bundle.Manifest.WindowLength - 1).Items.Count;

    [Benchmark(Description = "prepare the records (explanations compressed, inputs once)")]
    public int Prepare() => SignalRecorder.Prepare(_results, _paths, _bundle.Schema, out _).EncodedInputs.Length;

    // The parts of Prepare, one thread each (explanations at their stored precision), to see which one to work on.
    private int SerialiseExplanations() => _results.Sum(r => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(StoredPrecision.Of(r.Explanation), SignalEngine.Api.Hosting.ApiDefaults.Json).Length);

    private int SerialiseSignals() => _results.Sum(r => System.Text.Json.JsonSerializer.Serialize(r.Signal, SignalEngine.Api.Hosting.ApiDefaults.Json).Length);

    private byte[][]? _explanations;

    private int CompressExplanations()
    {
        _explanations ??= _results.Select(r => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(StoredPrecision.Of(r.Explanation), SignalEngine.Api.Hosting.ApiDefaults.Json)).ToArray();
        return _explanations.Sum(e => Compression.Compress(e).Length);
    }

    private int HashExplanations()
    {
        _explanations ??= _results.Select(r => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(StoredPrecision.Of(r.Explanation), SignalEngine.Api.Hosting.ApiDefaults.Json)).ToArray();
        return _explanations.Sum(e => RecordedSignal.Sha256(e).Length);
    }

    private int EncodeInputs() => BatchInputs.Of(_results.Select(r => r.Input).ToArray(), _bundle.Schema).Encode().Length;

    /// <summary>The parts, timed once each without BenchmarkDotNet: <c>-- parts [size]</c>.</summary>
    public static int Parts(string[] args)
    {
        var benchmark = new RequestPathBenchmarks { BatchSize = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1000 };
        benchmark.Setup();
        foreach (var (name, run) in new (string, Func<int>)[] { ("read items", benchmark.ReadItems), ("read series", benchmark.ReadSeries), ("prepare", benchmark.Prepare),
            ("  serialise explanations, one thread", benchmark.SerialiseExplanations), ("  compress them, one thread", benchmark.CompressExplanations),
            ("  hash them, one thread", benchmark.HashExplanations), ("  serialise signals, one thread", benchmark.SerialiseSignals),
            ("  encode the inputs", benchmark.EncodeInputs) })
        {
            run();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var r = 0; r < 3; r++) run();
            Console.WriteLine($"{name}, {benchmark.BatchSize}: {clock.Elapsed.TotalMilliseconds / 3:0.0} ms");
        }
        benchmark.Cleanup();
        return 0;
    }
}
