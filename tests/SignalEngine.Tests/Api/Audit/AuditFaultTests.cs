using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api.Audit;

/// <summary>
/// The audit file broken under a running service: deleted, moved away, on a full disk (a small tmpfs), immutable.
/// In each, an acknowledged signal is in a readable audit file, or the client got 503 and nothing was stored, and
/// readiness says whether audit writes work.
/// </summary>
public sealed class AuditFaultTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "signalengine-tests", "audit-faults-" + Guid.NewGuid().ToString("N")[..8])).FullName;
    private bool _mounted;
    private SignalEngineApplication? _app;

    public void Dispose()
    {
        _app?.Dispose();
        foreach (var file in Directory.Exists(_folder) ? Directory.GetFiles(_folder, "*", SearchOption.AllDirectories) : []) Run("chattr", "-i", file);
        if (_mounted) Run("umount", _folder);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        try { Directory.Delete(Path.GetDirectoryName(_database)!, recursive: true); } catch (IOException) { }
    }

    private readonly string _database = Path.Combine(Path.GetTempPath(), "signalengine-tests", "audit-faults-db-" + Guid.NewGuid().ToString("N")[..8], "signals.db");

    /// <summary>The host on this test's audit folder; <paramref name="keepStore"/>: on a database that outlives it, as a restart sees.</summary>
    private SignalEngineApplication App(bool keepStore = false)
    {
        var settings = new Dictionary<string, string?> { ["Audit:Path"] = Path.Combine(_folder, "audit-.json") };
        if (keepStore) settings["Storage:SqlitePath"] = _database;
        return _app = SignalEngineApplication.WithFakeBundle(settings);
    }

    private string AuditFile => Directory.GetFiles(_folder, "audit-*.json").Single();

    private static async Task<(HttpStatusCode Status, string[] Ids)> PostAsync(HttpClient client, int items)
    {
        var response = await client.PostAsync("/signals", Json(FakeBatch(Enumerable.Range(0, items).Select(i => FakeItem(i)).ToArray())));
        if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, []);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToArray());
    }

    /// <summary>The events of every audit file that parse, by kind; blank lines and torn fragments are what readers skip.</summary>
    private ILookup<string, string> Events() =>
        Directory.GetFiles(_folder, "audit-*.json*").SelectMany(File.ReadAllLines)
            .Select(line => { try { return JsonDocument.Parse(line).RootElement; } catch (JsonException) { return (JsonElement?)null; } })
            .Where(e => e is { ValueKind: JsonValueKind.Object })
            .ToLookup(e => e!.Value.GetProperty("Event").GetString()!, e => e!.Value.GetProperty("SignalId").GetString()!);

    [Fact]
    public async Task AFileDeletedOrMovedAwayWhileRunningIsReopenedAndNoAcknowledgedEventIsLost()
    {
        var client = App().CreateClient();
        var first = await PostAsync(client, 2);
        File.Delete(AuditFile);
        var afterDelete = await PostAsync(client, 2);
        File.Move(AuditFile, AuditFile + ".rotated");
        var afterMove = await PostAsync(client, 2);

        new[] { first.Status, afterDelete.Status, afterMove.Status }.Should().OnlyContain(s => s == HttpStatusCode.OK);
        File.ReadAllLines(AuditFile).Should().HaveCount(2, "the events after the move are in a new file at the path");
        Events()["signal.issued"].Should().Contain(afterDelete.Ids).And.Contain(afterMove.Ids);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OnAFullDiskTheClientGets503ReadinessFailsAndAfterwardsNoEventIsTornIntoAnother()
    {
        if (!IsRoot()) return; // mounting a tmpfs needs root, which CI has
        Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", _folder).Should().Be(0);
        _mounted = true;
        var client = App().CreateClient();
        (await PostAsync(client, 1)).Status.Should().Be(HttpStatusCode.OK);

        var filler = Path.Combine(_folder, "filler");
        FillDisk(filler);
        using (var file = new FileStream(filler, FileMode.Open)) file.SetLength(file.Length - 4096); // one page left: an event fits part-way

        var failed = await PostAsync(client, 5);
        failed.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "audit writes fail");

        File.Delete(filler);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK, "the disk has room again");
        var after = await PostAsync(client, 2);

        after.Status.Should().Be(HttpStatusCode.OK);
        _app!.StoredCount().Should().Be(3, "the failed batch kept nothing");
        var events = Events();
        events["signal.issued"].Should().Contain(after.Ids, "the next events each start on their own line");
        var stored = events["signal.issued"].Take(1).Concat(after.Ids).ToHashSet();
        events["signal.issued"].Where(id => !stored.Contains(id)).Should().BeSubsetOf(events["signal.voided"], "what the failed batch did write is voided");
    }

    [Fact]
    public async Task AnImmutableAuditFileGets503AndAnUnreadyServiceUntilItIsWritableAgain()
    {
        if (!IsRoot()) return; // chattr +i needs root, which CI has
        var client = App().CreateClient();
        (await PostAsync(client, 1)).Status.Should().Be(HttpStatusCode.OK);
        Run("chattr", "+i", AuditFile).Should().Be(0);

        (await PostAsync(client, 2)).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        _app!.StoredCount().Should().Be(1);

        Run("chattr", "-i", AuditFile).Should().Be(0);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PostAsync(client, 2)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AtStartIssuedEventsWithoutAStoredSignalAreVoidedOnceAndATornLastLineIsLeftAlone()
    {
        string[] kept;
        using (var app = App(keepStore: true))
        {
            kept = (await PostAsync(app.CreateClient(), 2)).Ids;
        }
        _app = null;
        // What kill -9 between the audit write and the commit leaves: issued events of rows never committed, the last cut short.
        var orphan = Guid.NewGuid();
        var line = File.ReadAllLines(AuditFile)[0];
        var orphanLine = line.Replace(kept[0], orphan.ToString(), StringComparison.Ordinal);
        File.AppendAllText(AuditFile, orphanLine + "\n" + orphanLine[..(orphanLine.Length / 2)]);

        var restarted = App(keepStore: true).CreateClient();
        (await restarted.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
        var after = await PostAsync(restarted, 1);

        after.Status.Should().Be(HttpStatusCode.OK);
        var events = Events();
        events["signal.voided"].Should().Equal([orphan.ToString()], "only the orphan is voided, once");
        events["signal.issued"].Should().Contain(kept).And.Contain(after.Ids);
        App(keepStore: true).Dispose();
        _app = null;
        using var third = App(keepStore: true);
        third.CreateClient();
        Events()["signal.voided"].Should().ContainSingle("a restart does not void it again");
    }

    private static void FillDisk(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[4096];
        try
        {
            while (true) file.Write(block);
        }
        catch (IOException)
        {
        }
    }

    private static bool IsRoot() => Environment.UserName == "root";

    private static int Run(string command, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
