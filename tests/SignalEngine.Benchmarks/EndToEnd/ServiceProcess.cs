using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace SignalEngine.Benchmarks.EndToEnd;

/// <summary>
/// The service as users run it: its own process (dotnet SignalEngine.Api.dll from its build output), on the default
/// bundle, SQLite and an audit folder in a temporary folder, one admin key, the rate limit lifted.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private const string Key = "benchmark-key-0123456789abcdef";
    private readonly Process _process;

    private ServiceProcess(Process process, string folder, Uri address)
    {
        _process = process;
        Folder = folder;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    public HttpClient Client { get; }
    public string Folder { get; }
    public string DatabasePath => Path.Combine(Folder, "signals.db");
    public string AuditFolder => Path.Combine(Folder, "audit");
    public int ProcessId => _process.Id;

    public static async Task<ServiceProcess> StartAsync(string bundle)
    {
        var dll = new[] { "Release", "Debug" }.Select(c => BenchmarkPaths.File("src", "SignalEngine.Api", "bin", c, "net10.0", "SignalEngine.Api.dll")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("build the service first: dotnet build -c Release src/SignalEngine.Api");
        var folder = Directory.CreateTempSubdirectory("signalengine-bench-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = BenchmarkPaths.File(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Key)));
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Pipeline__BundlePath"] = bundle,
            ["Storage__SqlitePath"] = Path.Combine(folder, "signals.db"),
            ["Audit__Path"] = Path.Combine(folder, "audit", "audit-.json"),
            ["Auth__Keys__0__Name"] = "benchmark",
            ["Auth__Keys__0__Sha256"] = sha,
            ["Auth__Keys__0__Roles__0"] = "admin",
            ["RateLimits__Signals__TokenLimit"] = "1000000",
            ["RateLimits__Signals__TokensPerSecond"] = "1000000",
            ["Api__RequestTimeoutSeconds"] = "600",
            ["Serilog__MinimumLevel__Default"] = "Warning",
        })
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the service");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, folder, new Uri($"http://127.0.0.1:{port}"));
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException("the service ended at start:\n" + string.Join("\n", log));
            try
            {
                if ((await service.Client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return service;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("the service did not become ready in 3 minutes:\n" + string.Join("\n", log));
    }

    /// <summary>Resident set size of the service process (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        return 0;
    }

    /// <summary>The service's own view of its memory (System.Runtime meter on /metrics): managed heap after the last GC, and so on.</summary>
    public async Task<IReadOnlyDictionary<string, double>> RuntimeMetricsAsync()
    {
        await Task.Delay(350);
        var text = await Client.GetStringAsync("/metrics");
        var found = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match match in MetricLine().Matches(text))
        {
            var name = match.Groups[1].Value; // summed over its labels (the GC generations)
            if (double.TryParse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture, out var value)) found[name] = found.GetValueOrDefault(name) + value;
        }
        return found;
    }

    [GeneratedRegex(@"^(dotnet_[a-z_]+?)(\{[^}]*\})?\s+([0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex MetricLine();

    /// <summary>Seconds spent so far in each stage of the service's own timing (signalengine.stage.duration), by stage.</summary>
    public async Task<IReadOnlyDictionary<string, double>> StageSecondsAsync()
    {
        // The Prometheus exporter answers a scrape from a cache of up to 300 ms: wait it out so the figures are fresh.
        await Task.Delay(350);
        var text = await Client.GetStringAsync("/metrics");
        var found = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match match in StageLine().Matches(text))
        {
            if (double.TryParse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture, out var value)) found[match.Groups[1].Value] = found.GetValueOrDefault(match.Groups[1].Value) + value;
        }
        return found;
    }

    [GeneratedRegex(@"^signalengine_stage_duration_seconds_sum\{[^}]*stage=""([a-z_]+)""[^}]*\}\s+([0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex StageLine();

    /// <summary>The database's size once the WAL is folded into it (the service idle).</summary>
    public long StoreBytes()
    {
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            command.ExecuteNonQuery();
        }
        return new FileInfo(DatabasePath).Length + (File.Exists(DatabasePath + "-wal") ? new FileInfo(DatabasePath + "-wal").Length : 0);
    }

    public long AuditBytes() => Directory.Exists(AuditFolder) ? Directory.GetFiles(AuditFolder).Sum(f => new FileInfo(f).Length) : 0;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
