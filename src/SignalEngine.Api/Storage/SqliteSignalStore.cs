using Microsoft.Data.Sqlite;

namespace SignalEngine.Api.Storage;

/// <summary>
/// The embedded signal store. The SQL is kept to what PostgreSQL runs unchanged (named parameters, TEXT columns,
/// ISO-8601 UTC timestamps that sort as time, see <see cref="SignalRow"/>); only the WAL pragma and BLOB are SQLite's own.
/// </summary>
public sealed class SqliteSignalStore(string path) : ISignalStore
{
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
        // 64 KB pages for a new file (an existing one keeps its own): signal rows of 2 to 12 KB then stay on their
        // page (SQLite keeps up to a quarter of a page in place) and fill it, instead of spilling into overflow pages
        // that are mostly empty; 4 KB pages grew the file 30% more than the rows hold. Set before WAL fixes it.
        await ExecuteAsync(connection, "PRAGMA page_size=65536", cancellationToken);
        // WAL lets readers (GET /signals/{id}, readiness) proceed while a batch is being written.
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL", cancellationToken);
        // BEGIN IMMEDIATE: two processes starting on one file take turns bringing it to the current schema.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await SignalRow.MigrateAsync(connection, transaction, "BLOB", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SaveAsync(RecordedBatch batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: the write lock is taken up front, so concurrent batches queue instead of failing mid-way.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await SignalRow.SaveAsync(connection, transaction, batch, beforeCommit, cancellationToken);
    }

    public async Task<SignalRecord?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        (await GetManyAsync([id], cancellationToken)).GetValueOrDefault(id);

    public async Task<IReadOnlyDictionary<Guid, SignalRecord>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, SignalRecord>();
        await using var connection = await OpenAsync(cancellationToken);
        // SQLite caps the parameters of one statement (999 in older builds): one query per 900 ids.
        foreach (var chunk in ids.Distinct().Chunk(900))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"{SignalRow.Select} WHERE id IN ({string.Join(", ", chunk.Select((_, i) => $"@id{i}"))})";
            for (var i = 0; i < chunk.Length; i++) command.Parameters.AddWithValue($"@id{i}", chunk[i].ToString("D"));
            foreach (var (id, record) in await SignalRow.ReadAsync(connection, command, cancellationToken)) found[id] = record;
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
