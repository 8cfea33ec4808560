using System.Data.Common;
using System.Globalization;
using SignalEngine.Labels;

namespace SignalEngine.Api.Storage;

/// <summary>A realised outcome of a served signal, in arrival order (<see cref="Sequence"/>).</summary>
/// <param name="InputJson">For a labelled bar sent without a signal: its inputs (a signal's are in the signal store).</param>
/// <param name="SuppliedBy">The name of the API key that sent the outcome (null for outcomes stored before keys).</param>
public sealed record OutcomeRecord(
    long Sequence, Guid SignalId, SignalAction Label, double? ForwardReturn, DateTimeOffset Received, string? UsedBy, string? InputJson = null, string? SuppliedBy = null)
{
    /// <summary>An outcome of one of the service's own signals, not a labelled bar a client made up.</summary>
    public bool OfASignal => InputJson is null;
}

/// <summary>
/// Outcomes and the online learner's state (replay buffer, model registry) in the signal store's database, next to
/// the signals table. One class for SQLite and PostgreSQL: the SQL is the portable subset both speak
/// (INSERT ... ON CONFLICT DO NOTHING / DO UPDATE, TEXT timestamps), only the connection differs.
/// </summary>
public sealed class OutcomeStore(Func<DbConnection> connect)
{
    // Outcomes are numbered in arrival order; one writer at a time in this process keeps the numbers apart.
    private readonly SemaphoreSlim _writer = new(1, 1);

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS outcomes (
            sequence BIGINT NOT NULL,
            signal_id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            forward_return DOUBLE PRECISION NULL,
            received TEXT NOT NULL,
            used_by TEXT NULL,
            input_json TEXT NULL,
            supplied_by TEXT NULL)
        """,
        "CREATE TABLE IF NOT EXISTS online_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ];

    public static OutcomeStore Sqlite(string path) => new(PortableSql.Sqlite(path));

    public static OutcomeStore Postgres(string connectionString) => new(PortableSql.Postgres(connectionString));

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await SchemaMigration.SerializedAsync(connection, async () =>
        {
            foreach (var statement in Schema) await ExecuteAsync(connection, null, statement, cancellationToken);
            // Tables made before outcomes named their supplier get the column (both databases speak this ALTER).
            try
            {
                await ScalarAsync(connection, null, "SELECT supplied_by FROM outcomes LIMIT 1", cancellationToken);
            }
            catch (DbException)
            {
                await ExecuteAsync(connection, null, "ALTER TABLE outcomes ADD COLUMN supplied_by TEXT NULL", cancellationToken);
            }
        }, cancellationToken);
    }

    /// <summary>Records the outcomes whose signal has none yet, in one transaction; returns the ids that were new.</summary>
    public Task<IReadOnlyList<Guid>> RecordAsync(
        IReadOnlyList<(Guid SignalId, SignalAction Label, double? ForwardReturn)> outcomes, CancellationToken cancellationToken) =>
        RecordAsync(outcomes.Select(o => (o.SignalId, o.Label, o.ForwardReturn, (string?)null)).ToArray(), cancellationToken);

    /// <summary>As <see cref="RecordAsync(IReadOnlyList{ValueTuple{Guid, SignalAction, double?}}, CancellationToken)"/>, with inputs for labelled bars.</summary>
    public Task<IReadOnlyList<Guid>> RecordAsync(
        IReadOnlyList<(Guid SignalId, SignalAction Label, double? ForwardReturn, string? InputJson)> outcomes, CancellationToken cancellationToken) =>
        RecordAsync(outcomes, null, null, cancellationToken);

    /// <summary>
    /// As above, naming the key that supplied them; <paramref name="beforeCommit"/> gets the ids that are new once they are
    /// written and before the commit (the audit), and if it throws nothing is recorded.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> RecordAsync(
        IReadOnlyList<(Guid SignalId, SignalAction Label, double? ForwardReturn, string? InputJson)> outcomes,
        string? suppliedBy, Action<IReadOnlyList<Guid>>? beforeCommit, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            return await InsertAsync(outcomes, suppliedBy, beforeCommit, cancellationToken);
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task<IReadOnlyList<Guid>> InsertAsync(
        IReadOnlyList<(Guid SignalId, SignalAction Label, double? ForwardReturn, string? InputJson)> outcomes,
        string? suppliedBy, Action<IReadOnlyList<Guid>>? beforeCommit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var next = Convert.ToInt64(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(sequence), 0) FROM outcomes", cancellationToken), CultureInfo.InvariantCulture);
        var recorded = new List<Guid>();
        foreach (var (id, label, forwardReturn, inputJson) in outcomes)
        {
            var inserted = await ExecuteAsync(connection, transaction,
                "INSERT INTO outcomes (sequence, signal_id, label, forward_return, received, used_by, input_json, supplied_by) VALUES (@sequence, @id, @label, @return, @received, NULL, @input, @supplier) ON CONFLICT (signal_id) DO NOTHING",
                cancellationToken,
                ("sequence", next + 1), ("id", id.ToString()), ("label", label.ToString().ToLowerInvariant()),
                ("return", (object?)forwardReturn ?? DBNull.Value), ("received", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
                ("input", (object?)inputJson ?? DBNull.Value), ("supplier", (object?)suppliedBy ?? DBNull.Value));
            if (inserted == 0) continue;
            next++;
            recorded.Add(id);
        }
        beforeCommit?.Invoke(recorded);
        await transaction.CommitAsync(CancellationToken.None);
        return recorded;
    }

    /// <summary>Which of <paramref name="ids"/> already have an outcome: one query per 900 ids.</summary>
    public async Task<IReadOnlySet<Guid>> ExistingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var existing = new HashSet<Guid>();
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chunk in ids.Distinct().Chunk(900))
        {
            await using var command = Command(connection, null,
                $"SELECT signal_id FROM outcomes WHERE signal_id IN ({string.Join(", ", chunk.Select((_, i) => $"@id{i}"))})",
                chunk.Select((id, i) => ($"id{i}", (object?)id.ToString())).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) existing.Add(Guid.Parse(reader.GetString(0)));
        }
        return existing;
    }

    public async Task<bool> HasAsync(Guid signalId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ScalarAsync(connection, null, "SELECT 1 FROM outcomes WHERE signal_id = @id", cancellationToken, ("id", signalId.ToString())) is not null;
    }

    /// <summary>Outcomes no candidate has used yet, oldest first.</summary>
    public Task<IReadOnlyList<OutcomeRecord>> UnusedAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT sequence, signal_id, label, forward_return, received, used_by, input_json, supplied_by FROM outcomes WHERE used_by IS NULL ORDER BY sequence", cancellationToken);

    /// <summary>The most recent outcomes, used or not, oldest first: stage 1's rolling training window.</summary>
    public async Task<IReadOnlyList<OutcomeRecord>> RecentAsync(int count, CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT sequence, signal_id, label, forward_return, received, used_by, input_json, supplied_by FROM outcomes ORDER BY sequence DESC LIMIT @count",
            cancellationToken, ("count", (object?)count))).Reverse().ToArray();

    public Task<IReadOnlyList<OutcomeRecord>> ByIdsAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken) =>
        ids.Count == 0
            ? Task.FromResult<IReadOnlyList<OutcomeRecord>>([])
            : QueryAsync(
                $"SELECT sequence, signal_id, label, forward_return, received, used_by, input_json, supplied_by FROM outcomes WHERE signal_id IN ({string.Join(", ", ids.Select((_, i) => $"@id{i}"))}) ORDER BY sequence",
                cancellationToken, ids.Select((id, i) => ($"id{i}", (object?)id.ToString())).ToArray());

    /// <summary>
    /// The most recent outcomes of the service's own signals (not labelled bars), newest first, each with its signal as
    /// answered: what the outcome statistics score. One join, the signals table being in the same database.
    /// </summary>
    public async Task<IReadOnlyList<(SignalAction Label, string SignalJson)>> ScoredSignalsAsync(int count, string? modelVersion, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var sql = "SELECT o.label, s.signal_json, s.signal_br FROM outcomes o JOIN signals s ON s.id = o.signal_id WHERE o.input_json IS NULL"
            + (modelVersion is null ? "" : " AND s.model_version = @model")
            + " ORDER BY o.sequence DESC LIMIT @count";
        (string, object?)[] parameters = modelVersion is null ? [("count", count)] : [("count", count), ("model", modelVersion)];
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var scored = new List<(SignalAction, string)>();
        while (await reader.ReadAsync(cancellationToken)) scored.Add((Enum.Parse<SignalAction>(reader.GetString(0), ignoreCase: true), SignalRow.SignalJson(reader, 1, 2)));
        return scored;
    }

    public async Task MarkUsedAsync(IReadOnlyList<Guid> ids, string version, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var id in ids)
        {
            await ExecuteAsync(connection, transaction, "UPDATE outcomes SET used_by = @version WHERE signal_id = @id", cancellationToken,
                ("version", version), ("id", id.ToString()));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<string?> GetStateAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ScalarAsync(connection, null, "SELECT value FROM online_state WHERE key = @key", cancellationToken, ("key", key)) as string;
    }

    public async Task SetStateAsync(string key, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO online_state (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            cancellationToken, ("key", key), ("value", value));
    }

    private async Task<IReadOnlyList<OutcomeRecord>> QueryAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<OutcomeRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new OutcomeRecord(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                Guid.Parse(reader.GetString(1)),
                Enum.Parse<SignalAction>(reader.GetString(2), ignoreCase: true),
                reader.IsDBNull(3) ? null : Convert.ToDouble(reader.GetValue(3), CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        return records;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = connect();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters) =>
        PortableSql.Command(connection, transaction, sql, parameters);

    private static Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        PortableSql.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters);

    private static Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        PortableSql.ScalarAsync(connection, transaction, sql, cancellationToken, parameters);
}
