using System.Diagnostics;
using System.Globalization;
using SignalEngine.Bundle;
using SignalEngine.Cli;

namespace SignalEngine.Benchmarks.EndToEnd;

/// <summary>
/// Memory over a long run: --signals signals (100,000 by default) posted as series-form batches of --batch, the
/// service's resident set size (VmRSS) and its own runtime metrics (managed heap after the last GC, committed GC
/// memory) printed every --every signals, then RSS at 100k against RSS at 10k.
/// <code>dotnet run -c Release --project tests/SignalEngine.Benchmarks -- soak [--signals 100000] [--batch 1000] [--every 10000]</code>
/// </summary>
public static class SoakBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var total = Int("signals", 100_000);
        var batch = Int("batch", 1000);
        var every = Int("every", 10_000);
        var form = Value("form") ?? FeatureBodies.Series;

        var bundlePath = BenchmarkPaths.File("models", "default");
        byte[] body;
        using (var bundle = ModelBundle.Load(bundlePath)) body = new Bodies(bundle).Body(form, batch);
        await using var service = await ServiceProcess.StartAsync(bundlePath);
        Console.WriteLine($"# soak: {total} signals in {form}-form batches of {batch} ({body.Length / 1024} KB each); {DateTime.UtcNow:u}");
        Console.WriteLine();
        Console.WriteLine("| signals | RSS MB | managed heap after last GC MB | GC committed MB | store MB | audit MB | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        await Report(service, 0, Stopwatch.StartNew());

        var clock = Stopwatch.StartNew();
        var rss = new Dictionary<int, long>();
        for (var sent = batch; sent <= total; sent += batch)
        {
            (await EndToEndBenchmark.PostAsync(service.Client, body)).Dispose();
            if (sent % every == 0) rss[sent] = await Report(service, sent, clock);
        }
        if (rss.TryGetValue(10_000, out var at10k) && rss.TryGetValue(total, out var atEnd))
        {
            Console.WriteLine();
            Console.WriteLine($"RSS at {total}: {atEnd / 1048576.0:0} MB, at 10000: {at10k / 1048576.0:0} MB: {(atEnd - at10k) / (double)at10k:+0.0%;-0.0%}");
        }
        return 0;
    }

    private static async Task<long> Report(ServiceProcess service, int signals, Stopwatch clock)
    {
        var rss = service.ResidentBytes();
        var metrics = await service.RuntimeMetricsAsync();
        double Mb(string name) => metrics.TryGetValue(name, out var v) ? v / 1048576.0 : double.NaN;
        Console.WriteLine($"| {signals} | {rss / 1048576.0:0} | {Mb("dotnet_gc_last_collection_heap_size_bytes"):0} | {Mb("dotnet_gc_last_collection_memory_committed_size_bytes"):0} | " +
            $"{new FileInfo(service.DatabasePath).Length / 1048576.0 + WalMb(service):0} | {service.AuditBytes() / 1048576.0:0} | {clock.Elapsed.TotalSeconds:0} |");
        return rss;
    }

    private static double WalMb(ServiceProcess service) =>
        File.Exists(service.DatabasePath + "-wal") ? new FileInfo(service.DatabasePath + "-wal").Length / 1048576.0 : 0;
}
