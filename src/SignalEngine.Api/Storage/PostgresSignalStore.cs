using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using SignalEngine.Labels;

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

    private const string Insert = """
        INSERT INTO signals (id, instrument, signal_time, action, model_version, created_at, signal_json, explanation_json, input_json)
        VALUES (@id, @instrument, @signal_time, @action, @model_version, @created_at, @signal_json, @explanation_json, @input_json)
        """;

    private const string Select = """
        SELECT id, instrument, signal_time, action, model_version, created_at, signal_json, explanation_json, input_json
        FROM signals WHERE id = @id
        """;

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
        await ExecuteAsync(connection, SqliteSignalStore.CreateTable, cancellationToken);
        await ExecuteAsync(connection, SqliteSignalStore.CreateIndex, cancellationToken);
        await ExecuteAsync(connection, SignalListingSql.CreateIndex, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SaveAsync(IReadOnlyList<SignalRecord> batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Insert, connection, transaction);
        var names = SignalRow.Columns;
        var parameters = names.Select(n => command.Parameters.Add(n, NpgsqlDbType.Text)).ToArray();
        await command.PrepareAsync(cancellationToken);
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
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Select, connection);
        command.Parameters.AddWithValue("id", NpgsqlDbType.Text, id.ToString("D"));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return SignalRow.Read(reader);
    }

    public async Task<IReadOnlyDictionary<Guid, SignalRecord>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, SignalRecord>();
        if (ids.Count == 0) return found;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Select.Replace("id = @id", "id = ANY(@ids)", StringComparison.Ordinal), connection);
        command.Parameters.AddWithValue("ids", NpgsqlDbType.Array | NpgsqlDbType.Text, ids.Select(id => id.ToString("D")).Distinct().ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = SignalRow.Read(reader);
            found[record.Id] = record;
        }
        return found;
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
