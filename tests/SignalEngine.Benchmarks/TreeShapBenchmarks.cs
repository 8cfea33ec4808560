using BenchmarkDotNet.Attributes;
using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Features;

namespace SignalEngine.Benchmarks;

/// <summary>
/// Stage 1 of the default bundle: exact TreeSHAP of a row against plain prediction of the same row (issue 5's aim:
/// explanation under 10x prediction; XGBoost's exact contributions run about 100x).
/// </summary>
[MemoryDiagnoser]
public class TreeShapBenchmarks
{
    private ModelBundle _bundle = null!;
    private double[][] _rows = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _bundle = ModelBundle.Load(BenchmarkPaths.File("models", "default"));
        var series = CsvBarLoader.Load(BenchmarkPaths.File("data", "ttrc.csv")).Series[0];
        var frame = new FeatureBuilder(_bundle.Manifest.Hyperparameters.Features).Build(series);
        _rows = frame.Rows.Where(r => Array.TrueForAll(r, double.IsFinite)).TakeLast(1024).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _bundle.Dispose();

    private double[] NextRow() => _rows[_next++ & 1023];

    [Benchmark(Baseline = true, Description = "predict one row (both ensembles, rules)")]
    public double Predict() => _bundle.TreeFilter.Evaluate(NextRow()).Score;

    [Benchmark(Description = "exact TreeSHAP of one row (both ensembles)")]
    public double Explain() => _bundle.TreeFilter.Explain(NextRow()).BaseValue;
}
