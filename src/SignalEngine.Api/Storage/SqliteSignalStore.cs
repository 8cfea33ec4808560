using System.Globalization;
using Microsoft.Data.Sqlite;
using SignalEngine.Labels;

namespace SignalEngine.Api.Storage;

/// <summary>
/// The embedded signal store. The SQL is kept to what PostgreSQL runs unchanged (named parameters, TEXT columns,
/// ISO-8601 UTC timestamps that sort as time); only the WAL pragma is SQLite's own.
/// </summary>
public sealed class SqliteSignalStore(string path) : ISignalStore
{
    internal const string CreateTable = """
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

    internal const string CreateIndex = "CREATE INDEX IF NOT EXISTS ix_signals_instrument_time ON signals (instrument, signal_time)";

    private const string Insert = """
        INSERT INTO signals (id, instrument, signal_time, action, model_version, created_at, signal_json, explanation_json, input_json)
        VALUES (@id, @instrument, @signal_time, @action, @model_version, @created_at, @signal_json, @explanation_json, @input_json)
        """;

    private const string Select = """
        SELECT id, instrument, signal_time, action, model_version, created_at, signal_json, explanation_json, input_json
        FROM signals WHERE id = @id
        """;

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        DefaultTimeout = 30,
    }.ToString();

    public string Path { get; } = path;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) is { } folder) Directory.CreateDirectory(folder);
        await using var connection = await OpenAsync(cancellationToken);
        // WAL lets readers (GET /signals/{id}, readiness) proceed while a batch is being written.
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL", cancellationToken);
        await ExecuteAsync(connection, CreateTable, cancellationToken);
        await ExecuteAsync(connection, CreateIndex, cancellationToken);
        await ExecuteAsync(connection, SignalListingSql.CreateIndex, cancellationToken);
    }

    public async Task SaveAsync(IReadOnlyList<SignalRecord> batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: the write lock is taken up front, so concurrent batches queue instead of failing mid-way.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Insert;
        var names = SignalRow.Columns.Select(c => "@" + c);
        var parameters = names.Select(n => command.Parameters.Add(n, SqliteType.Text)).ToArray();
        foreach (var record in batch)
        {
            SignalRow.Bind(parameters, record);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        if (beforeCommit is not null) await beforeCommit(cancellationToken);
        // Not cancellable past this point: once the audit holds the batch, only a failure may stop the commit.
        await transaction.CommitAsync(CancellationToken.None);
    }

    public async Task<SignalRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Select;
        command.Parameters.AddWithValue("@id", id.ToString("D"));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return SignalRow.Read(reader);
    }

    public async Task<IReadOnlyDictionary<Guid, SignalRecord>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, SignalRecord>();
        await using var connection = await OpenAsync(cancellationToken);
        // SQLite caps the parameters of one statement (999 in older builds): one query per 900 ids.
        foreach (var chunk in ids.Distinct().Chunk(900))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Select.Replace("id = @id", $"id IN ({string.Join(", ", chunk.Select((_, i) => $"@id{i}"))})", StringComparison.Ordinal);
            for (var i = 0; i < chunk.Length; i++) command.Parameters.AddWithValue($"@id{i}", chunk[i].ToString("D"));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var record = SignalRow.Read(reader);
                found[record.Id] = record;
            }
        }
        return found;
    }

    public async Task<IReadOnlyList<SignalListing>> ListAsync(SignalQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = SignalListingSql.Command(connection, query);
        return await SignalListingSql.ReadAsync(command, cancellationToken);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "SELECT 1 FROM signals LIMIT 1", cancellationToken);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }


}
