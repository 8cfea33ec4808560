using BenchmarkDotNet.Attributes;
using SignalEngine.Features;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Benchmarks;

/// <summary>
/// Stage 1 per row: plain scoring against exact TreeSHAP, on the default 100 trees x 16 leaves per ensemble
/// trained on 10,000 synthetic rows of 12 features. The anchor: XGBoost's exact contributions cost about 100x
/// its prediction; the aim here is under 10x.
/// </summary>
[MemoryDiagnoser]
public class TreeFilterBenchmarks
{
    private readonly GradientBoostedTreeFilter filter;
    private readonly double[][] rows;
    private int next;

    public TreeFilterBenchmarks()
    {
        var schema = new FeatureSchema(Enumerable.Range(0, 11).Select(i => $"f{i}").Append("rsi_14").ToArray());
        var random = new Random(3);
        rows = new double[10_000][];
        var actionable = new bool[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = Enumerable.Range(0, schema.Count).Select(_ => 2 * random.NextDouble() - 1).ToArray();
            var logOdds = 2 * (rows[i][0] > 0.2 ? 1 : -1) + rows[i][1] + 0.5 * rows[i][2] * rows[i][3];
            actionable[i] = random.NextDouble() < 1 / (1 + Math.Exp(-logOdds));
        }
        filter = TreeFilterTrainer.Train(rows, actionable, schema, new TreeFilterOptions(), seed: 1, version: "benchmark");
        // The first explanation builds the SHAP tables; keep that out of the measurement.
        filter.Explain(rows[0]);
    }

    [Benchmark(Baseline = true)]
    public double Evaluate() => filter.Evaluate(NextRow()).Score;

    [Benchmark]
    public double Explain() => filter.Explain(NextRow()).Score;

    private double[] NextRow() => rows[next++ % rows.Length];
}
