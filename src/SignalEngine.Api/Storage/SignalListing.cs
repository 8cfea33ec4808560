using System.Data.Common;
using System.Globalization;
using System.Text;
using SignalEngine.Labels;

namespace SignalEngine.Api.Storage;

/// <summary>
/// Which stored signals GET /signals lists: newest stored first, optionally of one instrument, action or model version,
/// and only those after <see cref="Before"/> (the cursor the previous page ended with).
/// </summary>
public sealed record SignalQuery(string? Instrument, SignalAction? Action, string? ModelVersion, SignalCursor? Before, int Limit);

/// <summary>
/// A position in the listing order (stored time, then id, both descending): the last signal of a page. Opaque to
/// clients (base64url), so the order can change without breaking their links.
/// </summary>
public sealed record SignalCursor(DateTimeOffset Created, Guid Id)
{
    public string Encode() =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{SignalListingSql.Format(Created)}|{Id:D}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static SignalCursor? TryParse(string text)
    {
        if (text.Length is 0 or > 200) return null;
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var length)) return null;
        var parts = Encoding.ASCII.GetString(bytes, 0, length).Split('|');
        return parts.Length == 2
            && DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var created)
            && Guid.TryParse(parts[1], out var id)
                ? new SignalCursor(created, id)
                : null;
    }
}

/// <summary>A listed signal: the answered JSON as stored, and where it sits in the listing order.</summary>
public sealed record SignalListing(Guid Id, DateTimeOffset Created, string SignalJson)
{
    public SignalCursor Cursor => new(Created, Id);
}

/// <summary>
/// The listing query both stores run unchanged: only the filters given, a keyset cursor on (created_at, id) instead of
/// an offset, so a page costs the same however deep it is, and one row more than asked to tell whether another page exists.
/// </summary>
internal static class SignalListingSql
{
    public const string CreateIndex = "CREATE INDEX IF NOT EXISTS ix_signals_created ON signals (created_at, id)";

    public static DbCommand Command(DbConnection connection, SignalQuery query)
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        if (query.Instrument is { } instrument)
        {
            where.Add("instrument = @instrument");
            parameters.Add(("instrument", instrument));
        }
        if (query.Action is { } action)
        {
            where.Add("action = @action");
            parameters.Add(("action", action.ToString().ToLowerInvariant()));
        }
        if (query.ModelVersion is { } version)
        {
            where.Add("model_version = @model_version");
            parameters.Add(("model_version", version));
        }
        if (query.Before is { } before)
        {
            // Timestamps are fixed-width ISO-8601 UTC and ids fixed-width lowercase hex: text order is time order.
            where.Add("(created_at < @before_created OR (created_at = @before_created AND id < @before_id))");
            parameters.Add(("before_created", Format(before.Created)));
            parameters.Add(("before_id", before.Id.ToString("D")));
        }
        parameters.Add(("limit", query.Limit + 1));
        var sql = "SELECT id, created_at, signal_json, signal_br FROM signals"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY created_at DESC, id DESC LIMIT @limit";
        return PortableSql.Command(connection, null, sql, [.. parameters]);
    }

    public static async Task<IReadOnlyList<SignalListing>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var listed = new List<SignalListing>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            listed.Add(new SignalListing(
                Guid.Parse(reader.GetString(0)),
                DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                SignalRow.SignalJson(reader, 2, 3)));
        }
        return listed;
    }

    public static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
