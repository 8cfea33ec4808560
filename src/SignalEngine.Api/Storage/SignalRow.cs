using System.Data.Common;
using System.Globalization;
using System.Text;
using SignalEngine.Labels;

namespace SignalEngine.Api.Storage;

/// <summary>
/// The signal tables as both stores write and read them, in SQL that SQLite and PostgreSQL run alike (the blob column
/// type aside). Text columns hold timestamps as round-trip ISO-8601 in UTC, so a record reads back exactly on both.
/// <para>
/// Schema 2 (this one) keeps each batch's inputs once, in signal_batches, and each signal's explanation compressed
/// (explanation_br), the signal referring to its item by batch_id and batch_item. Schema 1 kept the explanation and the
/// input (with its whole history) as JSON text on every row; its rows stay as they are and read back as before, and
/// schema-2 rows leave those two columns empty. The version is the one row of signal_schema; a store without it is
/// schema 1 and is brought to the current one at start, in one transaction (<see cref="MigrateAsync"/>).
/// </para>
/// <para>
/// Schema 3 (this one) keeps the answered signal compressed too (signal_br, a third of its 1.3 KB of JSON), leaving
/// signal_json empty; rows of schemas 1 and 2 keep their signal as text and read back as before. Whatever the schema,
/// a reader gets the signal's JSON byte for byte as answered (<see cref="SignalJson"/>).
/// </para>
/// </summary>
internal static class SignalRow
{
    public const int SchemaVersion = 3;

    public const string CreateTable = """
        CREATE TABLE IF NOT EXISTS signals (
            id VARCHAR(36) NOT NULL PRIMARY KEY,
            instrument VARCHAR(200) NOT NULL,
            signal_time VARCHAR(40) NOT NULL,
            action VARCHAR(8) NOT NULL,
            model_version VARCHAR(200) NOT NULL,
            created_at VARCHAR(40) NOT NULL,
            signal_json TEXT NOT NULL,
            explanation_json TEXT NOT NULL,
            input_json TEXT NOT NULL
        )
        """;

    public const string CreateIndex = "CREATE INDEX IF NOT EXISTS ix_signals_instrument_time ON signals (instrument, signal_time)";

    public static readonly string[] Columns =
    [
        "id", "instrument", "signal_time", "action", "model_version", "created_at", "signal_json", "explanation_json", "input_json",
        "explanation_br", "batch_id", "batch_item", "signal_br",
    ];

    private static readonly string Insert =
        $"INSERT INTO signals ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select(c => "@" + c))})";

    private const string InsertBatch = "INSERT INTO signal_batches (id, created_at, inputs) VALUES (@id, @created_at, @inputs)";

    /// <summary>The stored signals' columns, for a query that adds its own WHERE.</summary>
    public static readonly string Select = $"SELECT {string.Join(", ", Columns)} FROM signals";

    /// <summary>
    /// Creates the tables of a new store, or brings an older one to <see cref="SchemaVersion"/>, inside
    /// <paramref name="transaction"/> (the caller serialises concurrent starts). A store newer than this code is refused.
    /// </summary>
    /// <param name="blobType">BLOB on SQLite, BYTEA on PostgreSQL.</param>
    public static async Task MigrateAsync(DbConnection connection, DbTransaction transaction, string blobType, CancellationToken cancellationToken)
    {
        await PortableSql.ExecuteAsync(connection, transaction, CreateTable, cancellationToken);
        await PortableSql.ExecuteAsync(connection, transaction, CreateIndex, cancellationToken);
        await PortableSql.ExecuteAsync(connection, transaction, SignalListingSql.CreateIndex, cancellationToken);
        await PortableSql.ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS signal_schema (version INTEGER NOT NULL)", cancellationToken);
        var found = await PortableSql.ScalarAsync(connection, transaction, "SELECT MAX(version) FROM signal_schema", cancellationToken);
        var version = found is null ? 1 : Convert.ToInt32(found, CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new Hosting.StartupException($"the signal store is at schema {version}, newer than this service's {SchemaVersion}: run a newer service");
        }
        if (version < 2)
        {
            await PortableSql.ExecuteAsync(connection, transaction, $"""
                CREATE TABLE IF NOT EXISTS signal_batches (
                    id VARCHAR(36) NOT NULL PRIMARY KEY,
                    created_at VARCHAR(40) NOT NULL,
                    inputs {blobType} NOT NULL
                )
                """, cancellationToken);
            await PortableSql.ExecuteAsync(connection, transaction, $"ALTER TABLE signals ADD COLUMN explanation_br {blobType}", cancellationToken);
            await PortableSql.ExecuteAsync(connection, transaction, "ALTER TABLE signals ADD COLUMN batch_id VARCHAR(36)", cancellationToken);
            await PortableSql.ExecuteAsync(connection, transaction, "ALTER TABLE signals ADD COLUMN batch_item INTEGER", cancellationToken);
        }
        if (version < 3)
        {
            await PortableSql.ExecuteAsync(connection, transaction, $"ALTER TABLE signals ADD COLUMN signal_br {blobType}", cancellationToken);
        }
        if (version != SchemaVersion)
        {
            await PortableSql.ExecuteAsync(connection, transaction, "DELETE FROM signal_schema", cancellationToken);
            await PortableSql.ExecuteAsync(connection, transaction, $"INSERT INTO signal_schema (version) VALUES ({SchemaVersion})", cancellationToken);
        }
    }

    /// <summary>
    /// Saves the batch inside <paramref name="transaction"/>: its rows, then <paramref name="beforeCommit"/> (the audit),
    /// then the commit; what either store does once it has opened its transaction.
    /// </summary>
    public static async Task SaveAsync(DbConnection connection, DbTransaction transaction, RecordedBatch batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        await InsertAsync(connection, transaction, batch, cancellationToken);
        if (beforeCommit is not null) await beforeCommit(cancellationToken);
        // Not cancellable past this point: once the audit holds the batch, only a failure may stop the commit.
        await transaction.CommitAsync(CancellationToken.None);
    }

    /// <summary>Writes the batch's inputs once and then its signals, inside <paramref name="transaction"/>.</summary>
    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, RecordedBatch batch, CancellationToken cancellationToken)
    {
        var created = Format(batch.Created);
        await PortableSql.ExecuteAsync(connection, transaction, InsertBatch, cancellationToken,
            ("@id", batch.Id.ToString("D")), ("@created_at", created), ("@inputs", batch.EncodedInputs));

        await using var command = PortableSql.Command(connection, transaction, Insert, [.. Columns.Select(c => ("@" + c, (object?)null))]);
        var parameters = command.Parameters.Cast<DbParameter>().ToArray();
        var batchId = batch.Id.ToString("D");
        foreach (var signal in batch.Signals)
        {
            parameters[0].Value = signal.Id.ToString("D");
            parameters[1].Value = signal.Instrument;
            parameters[2].Value = Format(signal.Timestamp);
            parameters[3].Value = signal.Action.ToString().ToLowerInvariant();
            parameters[4].Value = signal.ModelVersion;
            parameters[5].Value = signal.Created is { } own ? Format(own) : created;
            // A verbatim record keeps its signal as text, as schemas 1 and 2 did; the others compressed.
            parameters[6].Value = signal.Verbatim is null ? "" : signal.SignalJson;
            // A verbatim record is a schema-1 row: its explanation and input as text, no batch.
            parameters[7].Value = signal.Verbatim?.ExplanationJson ?? "";
            parameters[8].Value = signal.Verbatim?.InputJson ?? "";
            parameters[9].Value = signal.Verbatim is null ? signal.Explanation : DBNull.Value;
            parameters[10].Value = signal.Verbatim is null ? batchId : DBNull.Value;
            parameters[11].Value = signal.Verbatim is null ? signal.Item : DBNull.Value;
            parameters[12].Value = signal.Verbatim is null ? signal.CompressedSignal : DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The records <paramref name="select"/> finds (it selects <see cref="Select"/>'s columns), each batch's inputs read
    /// and decoded once however many of its signals are asked for.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, SignalRecord>> ReadAsync(DbConnection connection, DbCommand select, CancellationToken cancellationToken)
    {
        var rows = new List<(SignalRecord Record, byte[]? Explanation, string? Batch, int Item)>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var record = new SignalRecord(
                    Guid.Parse(reader.GetString(0)),
                    reader.GetString(1),
                    Parse(reader.GetString(2)),
                    Enum.Parse<SignalAction>(reader.GetString(3), ignoreCase: true),
                    reader.GetString(4),
                    Parse(reader.GetString(5)),
                    SignalJson(reader, 6, 12),
                    reader.GetString(7),
                    reader.GetString(8));
                var batch = reader.IsDBNull(10) ? null : reader.GetString(10);
                rows.Add((record, reader.IsDBNull(9) ? null : (byte[])reader.GetValue(9), batch, batch is null ? 0 : Convert.ToInt32(reader.GetValue(11), CultureInfo.InvariantCulture)));
            }
        }
        var batches = new Dictionary<string, BatchInputs>(StringComparer.Ordinal);
        foreach (var id in rows.Where(r => r.Batch is not null).Select(r => r.Batch!).Distinct())
        {
            var inputs = await PortableSql.ScalarAsync(connection, null, "SELECT inputs FROM signal_batches WHERE id = @id", cancellationToken, ("@id", id))
                ?? throw new InvalidDataException($"the inputs of batch {id} are missing from the store");
            batches[id] = BatchInputs.Decode((byte[])inputs);
        }
        var found = new Dictionary<Guid, SignalRecord>(rows.Count);
        foreach (var (record, explanation, batch, item) in rows)
        {
            found[record.Id] = batch is null
                ? record // schema 1: explanation and input are on the row
                : record with
                {
                    ExplanationJson = Encoding.UTF8.GetString(Compression.Decompress(explanation ?? [])),
                    InputJson = batches[batch].ItemJson(item),
                };
        }
        return found;
    }

    /// <summary>
    /// The signal's JSON as answered from a row read with its signal_json column at <paramref name="text"/> and its
    /// signal_br column at <paramref name="compressed"/>: schema 3 rows hold it compressed, older ones as text.
    /// </summary>
    public static string SignalJson(DbDataReader reader, int text, int compressed) =>
        reader.IsDBNull(compressed)
            ? reader.GetString(text)
            : Encoding.UTF8.GetString(Compression.Decompress((byte[])reader.GetValue(compressed)));

    private static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
