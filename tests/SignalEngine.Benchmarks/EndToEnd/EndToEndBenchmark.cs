using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SignalEngine.Bundle;
using SignalEngine.Cli;
using SignalEngine.Pipeline;

namespace SignalEngine.Benchmarks.EndToEnd;

/// <summary>
/// POST /signals end to end on SQLite against the same batches in process, in one run so the ratios share the machine's
/// load: latency per batch size and form (median of --repeat runs), bytes per signal (request in both forms, store,
/// audit), and the signals per second of --clients concurrent clients.
/// <code>dotnet run -c Release --project tests/SignalEngine.Benchmarks -- e2e [--sizes 1,100,1000] [--repeat 5] [--clients 16]</code>
/// </summary>
public static class EndToEndBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        var bundlePath = BenchmarkPaths.File("models", "default");
        using var bundle = ModelBundle.Load(bundlePath);
        var pipeline = new SignalPipeline(bundle.Stages);
        var bodies = new Bodies(bundle);
        await using var service = await ServiceProcess.StartAsync(bundlePath);
        Console.WriteLine($"# end to end, default bundle, last bars of data/ttrc.csv; {Environment.ProcessorCount} cores; median of {options.Repeat}; {DateTime.UtcNow:u}");

        // Warm both sides up (JIT, first torch calls, SQLite file) before anything is timed.
        pipeline.Run(bodies.Inputs(10));
        await PostAsync(service.Client, bodies.Body(FeatureBodies.Series, 10));

        Console.WriteLine();
        Console.WriteLine("| batch | in process | POST items | ratio | POST series | ratio | request bytes/signal, items | series |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var breakdown = new List<string>();
        foreach (var size in options.Sizes)
        {
            var inputs = bodies.Inputs(size);
            var items = bodies.Body(FeatureBodies.Items, size);
            var series = bodies.Body(FeatureBodies.Series, size);
            var p = await Median(options.Repeat, () => { pipeline.Run(inputs); return Task.CompletedTask; });
            var (i, itemStages) = await TimedPostsAsync(service, items, options.Repeat);
            var (s, seriesStages) = await TimedPostsAsync(service, series, options.Repeat);
            Console.WriteLine($"| {size} | {Ms(p)} | {Ms(i)} | {i / p:0.00}x | {Ms(s)} | {s / p:0.00}x | {items.Length / (double)size:0} | {series.Length / (double)size:0} |");
            breakdown.Add(Breakdown(size, "items", i, itemStages));
            breakdown.Add(Breakdown(size, "series", s, seriesStages));
        }

        // Where the time of a request goes, by the service's own stage timing (mean per request over the repeats).
        Console.WriteLine();
        Console.WriteLine($"| batch | form | median POST | {string.Join(" | ", Stages)} | the rest (HTTP, parse, validate, serialise) |");
        Console.WriteLine($"|---|---|---|{string.Concat(Stages.Select(_ => "---|"))}---|");
        foreach (var line in breakdown) Console.WriteLine(line);

        await BytesPerSignalAsync(service, bodies, options.Sizes.Max());
        await ConcurrentAsync(service, bodies, pipeline, options);
        return 0;
    }

    /// <summary>What one batch adds to the store (the database file once its WAL is checkpointed) and to the audit files, per signal.</summary>
    private static async Task BytesPerSignalAsync(ServiceProcess service, Bodies bodies, int size)
    {
        Console.WriteLine();
        Console.WriteLine($"| {size} signals, form | store bytes/signal (file growth) | of which payload | audit bytes/signal | refined by stage 2 |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var form in new[] { FeatureBodies.Items, FeatureBodies.Series })
        {
            var (store, audit) = (service.StoreBytes(), service.AuditBytes());
            var answer = await PostAsync(service.Client, bodies.Body(form, size));
            var (storeAfter, auditAfter) = (service.StoreBytes(), service.AuditBytes());
            var signals = answer.RootElement.GetProperty("signals").EnumerateArray().ToArray();
            var refined = signals.Count(s => s.GetProperty("stages").GetProperty("treeFilter").GetProperty("passed").GetBoolean());
            Console.WriteLine($"| {form} | {(storeAfter - store) / (double)size:0} | {PayloadPerSignal(service, signals):0} | {(auditAfter - audit) / (double)size:0} | {refined / (double)size:P0} |");
        }
    }

    /// <summary>The bytes of the signals' own columns and their share of their batch's inputs, without SQLite's page overhead.</summary>
    private static double PayloadPerSignal(ServiceProcess service, JsonElement[] signals)
    {
        using var connection = new SqliteConnection($"Data Source={service.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT SUM(LENGTH(id) + LENGTH(instrument) + LENGTH(signal_time) + LENGTH(action) + LENGTH(model_version) + LENGTH(created_at)
                       + LENGTH(signal_json) + IFNULL(LENGTH(signal_br), 0) + LENGTH(explanation_json) + LENGTH(input_json) + IFNULL(LENGTH(explanation_br), 0) + IFNULL(LENGTH(batch_id), 0) + 8),
                   (SELECT SUM(LENGTH(inputs) + 76) FROM signal_batches WHERE id IN (SELECT batch_id FROM signals WHERE id = @first))
            FROM signals WHERE batch_id = (SELECT batch_id FROM signals WHERE id = @first)
            """;
        command.Parameters.AddWithValue("@first", signals[0].GetProperty("id").GetString());
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0) + reader.GetInt64(1)) / (double)signals.Length;
    }

    /// <summary>--clients clients posting series-form batches of --client-batch signals at once, --requests each.</summary>
    private static async Task ConcurrentAsync(ServiceProcess service, Bodies bodies, SignalPipeline pipeline, Options options)
    {
        var body = bodies.Body(FeatureBodies.Series, options.ClientBatch);
        var inputs = bodies.Inputs(options.ClientBatch);
        var alone = Stopwatch.StartNew();
        for (var r = 0; r < options.Requests; r++) pipeline.Run(inputs);
        var inProcess = options.Requests * options.ClientBatch / alone.Elapsed.TotalSeconds;

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(async _ =>
        {
            for (var r = 0; r < options.Requests; r++) await PostAsync(service.Client, body);
        }));
        var signals = options.Clients * options.Requests * options.ClientBatch;
        Console.WriteLine();
        Console.WriteLine("| clients | batch | signals | seconds | signals/s | one caller in process, signals/s |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine($"| {options.Clients} | {options.ClientBatch} | {signals} | {clock.Elapsed.TotalSeconds:0.0} | {signals / clock.Elapsed.TotalSeconds:0} | {inProcess:0} |");
    }

    private static readonly string[] Stages = ["tree_filter", "sequence", "meta", "explain", "store", "audit"];

    /// <summary>The median time of <paramref name="repeat"/> posts of the body, and the mean seconds per post in each stage.</summary>
    private static async Task<(double Median, Dictionary<string, double> Stages)> TimedPostsAsync(ServiceProcess service, byte[] body, int repeat)
    {
        var before = await service.StageSecondsAsync();
        var median = await Median(repeat, async () => (await PostAsync(service.Client, body)).Dispose());
        var after = await service.StageSecondsAsync();
        return (median, Stages.ToDictionary(s => s, s => (after.GetValueOrDefault(s) - before.GetValueOrDefault(s)) / repeat));
    }

    private static string Breakdown(int size, string form, double median, Dictionary<string, double> stages) =>
        $"| {size} | {form} | {Ms(median)} | {string.Join(" | ", Stages.Select(s => Ms(stages[s] * 1000)))} | {Ms(median - stages.Values.Sum() * 1000)} |";

    public static async Task<JsonDocument> PostAsync(HttpClient client, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("/signals", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /signals: {(int)response.StatusCode} {text[..Math.Min(text.Length, 500)]}");
        return JsonDocument.Parse(text);
    }

    private static async Task<double> Median(int repeat, Func<Task> run)
    {
        var times = new List<double>();
        for (var r = 0; r < repeat; r++)
        {
            var clock = Stopwatch.StartNew();
            await run();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static string Ms(double milliseconds) => milliseconds >= 1000 ? $"{milliseconds / 1000:0.00} s" : $"{milliseconds:0.0} ms";

    private sealed record Options(int[] Sizes, int Repeat, int Clients, int ClientBatch, int Requests)
    {
        public static Options Parse(string[] args)
        {
            string? Value(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
            int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            var sizes = Value("sizes")?.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() ?? [1, 100, 1000];
            return new Options(sizes, Int("repeat", 5), Int("clients", 16), Int("client-batch", 100), Int("requests", 3));
        }
    }
}
