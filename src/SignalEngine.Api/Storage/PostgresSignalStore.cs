using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace SignalEngine.Api.Storage;

/// <summary>
/// The shared signal store for several replicas. Same table as <see cref="SqliteSignalStore"/> (TEXT columns holding
/// the answered JSON byte for byte, ISO-8601 UTC timestamps with all seven fractional digits, which a timestamptz
/// would cut to microseconds), so a signal reads back exactly as it was answered on either backend.
/// </summary>
public sealed class PostgresSignalStore : ISignalStore, IAsyncDisposable, IDisposable
{
    // Replicas starting together take turns creating the table (see SchemaMigration; the same key).
    private const long MigrationLock = SchemaMigration.LockKey;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresSignalStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Server = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>host:port/database, for messages (never the password).</summary>
    public string Server { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken);
        await SignalRow.MigrateAsync(connection, transaction, "BYTEA", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SaveAsync(RecordedBatch batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SignalRow.SaveAsync(connection, transaction, batch, beforeCommit, cancellationToken);
    }

    public async Task<SignalRecord?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        (await GetManyAsync([id], cancellationToken)).GetValueOrDefault(id);

    public async Task<IReadOnlyDictionary<Guid, SignalRecord>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return new Dictionary<Guid, SignalRecord>();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"{SignalRow.Select} WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", NpgsqlDbType.Array | NpgsqlDbType.Text, ids.Select(id => id.ToString("D")).Distinct().ToArray());
        return await SignalRow.ReadAsync(connection, command, cancellationToken);
    }

    public async Task<IReadOnlyList<SignalListing>> ListAsync(SignalQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = SignalListingSql.Command(connection, query);
        return await SignalListingSql.ReadAsync(command, cancellationToken);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await ExecuteAsync(connection, "SELECT 1 FROM signals LIMIT 1", cancellationToken);
            return true;
        }
        catch (Exception e) when (e is DbException or TimeoutException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }


}
