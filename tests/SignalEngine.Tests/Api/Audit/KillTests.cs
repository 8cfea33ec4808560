using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SignalEngine.Tests.Support;
using Xunit.Abstractions;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api.Audit;

/// <summary>
/// kill -9 of the real service process under load, three rounds on one store and audit folder, then a last start:
/// every acknowledged signal is stored and issued exactly once, never voided, and every issued event without a
/// stored row (a batch cut between its audit and its commit) is voided once.
/// </summary>
[Collection(TrainedBundleCollection.Name)]
public sealed class KillTests(SmallBundleFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const string Key = "kill-test-key-0123456789";
    private readonly string _folder = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "signalengine-tests", "kill-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task EveryAcknowledgedSignalSurvivesKillMinus9AndOrphansAreVoided()
    {
        var body = From(RequestItems.LastBars(fixture, 5, fixture.Manifest.WindowLength - 1), fixture.Bundle.Schema);
        var acknowledged = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            var (process, client) = await StartAsync();
            using (process)
            {
                using var stop = new CancellationTokenSource();
                var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
                {
                    var ids = new List<string>();
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            var response = await client.PostAsync("/signals", Json(body), stop.Token);
                            if (response.StatusCode != HttpStatusCode.OK) continue;
                            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(stop.Token);
                            ids.AddRange(answer.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("id").GetString()!));
                        }
                        catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or OperationCanceledException or JsonException or IOException)
                        {
                            // the process died under this request: it was never acknowledged
                        }
                    }
                    return ids;
                })).ToArray();
                await Task.Delay(TimeSpan.FromMilliseconds(1500 + 700 * round));
                process.Kill(entireProcessTree: true); // SIGKILL
                await process.WaitForExitAsync();
                stop.Cancel();
                acknowledged.AddRange((await Task.WhenAll(load)).SelectMany(ids => ids));
            }
        }
        var (last, lastClient) = await StartAsync(); // the reconciliation at start runs before it is ready
        using (last)
        {
            (await lastClient.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
            last.Kill(entireProcessTree: true);
            await last.WaitForExitAsync();
        }

        acknowledged.Should().NotBeEmpty().And.OnlyHaveUniqueItems();
        var stored = StoredIds();
        var events = AuditEvents();
        var issued = events.Where(e => e.Kind == "signal.issued").GroupBy(e => e.Id).ToDictionary(g => g.Key, g => g.Count());
        var voided = events.Where(e => e.Kind == "signal.voided").GroupBy(e => e.Id).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{acknowledged.Count} acknowledged, {stored.Count} stored, {issued.Count} issued, {voided.Count} voided");
        stored.Should().Contain(acknowledged, "every acknowledged signal is stored");
        acknowledged.Should().OnlyContain(id => issued.GetValueOrDefault(id) == 1 && !voided.ContainsKey(id), "issued exactly once and never voided");
        issued.Keys.Where(id => !stored.Contains(id) && voided.GetValueOrDefault(id) != 1).Should().BeEmpty("an orphan is voided once");
    }

    private async Task<(Process, HttpClient)> StartAsync()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [ApiAssembly()])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = _folder,
            Environment =
            {
                ["Pipeline__BundlePath"] = fixture.Directory,
                ["Storage__SqlitePath"] = Path.Combine(_folder, "signals.db"),
                ["Audit__Path"] = Path.Combine(_folder, "audit", "audit-.json"),
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Auth__Keys__0__Name"] = "kill-test",
                ["Auth__Keys__0__Sha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Key))),
                ["Auth__Keys__0__Roles__0"] = "signals",
                ["Serilog__MinimumLevel__Default"] = "Warning",
            },
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode) return (process, client);
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.Sockets.SocketException or IOException)
            {
                // Not listening yet; a connect racing the listener can surface the socket error unwrapped.
            }
            process.HasExited.Should().BeFalse("the service must start");
            await Task.Delay(250);
        }
        throw new TimeoutException("the service did not become ready within 90 s");
    }

    private HashSet<string> StoredIds()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "signals.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM signals";
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return ids;
    }

    private List<(string Kind, string Id)> AuditEvents()
    {
        var events = new List<(string, string)>();
        foreach (var line in Directory.GetFiles(Path.Combine(_folder, "audit")).SelectMany(File.ReadAllLines))
        {
            if (line.Length == 0) continue;
            try
            {
                var root = JsonDocument.Parse(line).RootElement;
                events.Add((root.GetProperty("Event").GetString()!, root.GetProperty("SignalId").GetString()!));
            }
            catch (JsonException)
            {
                // a line torn by the kill: readers skip it
            }
        }
        return events;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ApiAssembly()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "SignalEngine.Api.dll");
        if (File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json"))) return beside;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return RepositoryPaths.File("src", "SignalEngine.Api", "bin", configuration, "net10.0", "SignalEngine.Api.dll");
    }
}
