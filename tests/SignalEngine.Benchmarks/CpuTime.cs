using System.Diagnostics;
using System.Globalization;
using SignalEngine.Pipeline;

namespace SignalEngine.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project tests/SignalEngine.Benchmarks -- cpu`: the pipeline's process CPU time and wall
/// time per batch of 1, 100 and 1,000 items, with every explanation and without (the floor). On a machine other
/// processes load, wall time measures the load as much as the code; CPU time (all threads of this process) much less.
/// </summary>
public static class CpuTime
{
    public static void Run()
    {
        Console.WriteLine("| batch | explanations | wall per batch | CPU per batch | CPU per signal |");
        Console.WriteLine("|---:|---|---:|---:|---:|");
        foreach (var size in new[] { 1, 100, 1000 })
        {
            var (bundle, items) = BenchmarkBatches.Load(size);
            using (bundle)
            {
                var pipeline = new SignalPipeline(bundle.Stages);
                var repeats = Math.Max(5, 3000 / size);
                Measure(size, "none (floor)", repeats, () => bundle.Stages.Decide(items));
                Measure(size, "every", repeats, () => pipeline.Run(items));
            }
        }
    }

    private static void Measure(int size, string label, int repeats, Action run)
    {
        for (var i = 0; i < 2; i++) run();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++) run();
        wall.Stop();
        process.Refresh();
        var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds / repeats;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {size} | {label} | {wall.Elapsed.TotalMilliseconds / repeats:F1} ms | {cpuMs:F1} ms | {1000 * cpuMs / size:F0} µs |"));
    }
}
