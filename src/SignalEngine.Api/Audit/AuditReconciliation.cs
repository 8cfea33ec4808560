using System.Text;

namespace SignalEngine.Api.Audit;

/// <summary>
/// At start, before the first request: "signal.issued" events at the end of the newest audit file whose signal is
/// not in the store (the process died between the audit write and the commit, kill -9 say) each get one
/// "signal.voided" event, so a reader of the audit trail never takes an unanswered signal for a real one. The tail
/// is enough: the process that wrote the file last is the only one that can have left such events, and it left
/// them at the end.
/// </summary>
public sealed class AuditReconciliation(IAuditLog audit, ISignalStore store, ILogger<AuditReconciliation> logger) : IHostedService
{
    public const long TailBytes = 64L * 1024 * 1024;
    public const string Reason = "not stored: issued by a process that ended before its batch was committed (found at start)";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var orphans = await OrphansAsync(cancellationToken);
            if (orphans.Count == 0) return;
            audit.SignalsVoided(orphans, Reason, new AuditContext("startup-reconciliation", null));
            logger.LogWarning("Voided {Count} audited signals that were never stored: {Ids}", orphans.Count, orphans);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AuditWriteException)
        {
            // Readiness reports an unwritable audit; the service starts so that it can say so.
            logger.LogError(e, "Could not reconcile the audit trail with the store at start");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<IReadOnlyList<Guid>> OrphansAsync(CancellationToken cancellationToken)
    {
        if (audit.Files() is not [.., var newest]) return [];
        var issued = new List<Guid>();
        var voided = new HashSet<Guid>();
        foreach (var line in TailLines(newest))
        {
            if (Event(line) is not ({ } kind, { } id)) continue;
            if (kind == "signal.issued") issued.Add(id);
            else if (kind == "signal.voided") voided.Add(id);
        }
        var open = issued.Where(id => !voided.Contains(id)).Distinct().ToArray();
        if (open.Length == 0) return [];
        var stored = await store.GetManyAsync(open, cancellationToken);
        return open.Where(id => !stored.ContainsKey(id)).ToArray();
    }

    private static IEnumerable<string> TailLines(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var start = Math.Max(0, file.Length - TailBytes);
        file.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(file, Encoding.UTF8);
        if (start > 0) reader.ReadLine(); // the first line is cut
        while (reader.ReadLine() is { } line) yield return line;
    }

    /// <summary>The event kind and signal id of an audit line; nulls for a blank line or a torn fragment.</summary>
    private static (string? Kind, Guid? Id) Event(string line)
    {
        if (line.Length == 0 || !line.Contains("\"signal.", StringComparison.Ordinal)) return (null, null);
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return root.TryGetProperty("Event", out var kind) && root.TryGetProperty("SignalId", out var id) && Guid.TryParse(id.GetString(), out var guid)
                ? (kind.GetString(), guid)
                : (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
