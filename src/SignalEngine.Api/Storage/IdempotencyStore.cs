using System.Data.Common;
using System.Globalization;

namespace SignalEngine.Api.Storage;

/// <summary>What a claim on an Idempotency-Key found.</summary>
public enum IdempotencyState
{
    /// <summary>The key is new (or its window has passed): this request runs and records its answer.</summary>
    Claimed,
    /// <summary>An earlier request with the key and the same body has answered: <see cref="IdempotencyClaim.Answer"/>.</summary>
    Answered,
    /// <summary>An earlier request with the key is still running.</summary>
    InFlight,
    /// <summary>The key was used with another body.</summary>
    Mismatch,
}

public sealed record IdempotencyClaim(IdempotencyState State, string? Answer);

/// <summary>
/// Idempotency keys of POST /signals and the first answer each got, in the signal store's database (SQLite, or the
/// PostgreSQL that replicas share, so a retry that lands on another replica finds it). A key belongs to the API key
/// that sent it; the row is claimed before the batch is scored, so of concurrent retries exactly one runs.
/// </summary>
public sealed class IdempotencyStore(Func<DbConnection> connect)
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS idempotency (
            api_key TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            request_sha256 TEXT NOT NULL,
            answer TEXT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (api_key, idempotency_key))
        """;

    public static IdempotencyStore Sqlite(string path) => new(PortableSql.Sqlite(path));

    public static IdempotencyStore Postgres(string connectionString) => new(PortableSql.Postgres(connectionString));

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await SchemaMigration.SerializedAsync(connection, () => ExecuteAsync(connection, Schema, cancellationToken), cancellationToken);
    }

    /// <summary>Claims the key for this request, or says what an earlier one with it left; keys older than <paramref name="window"/> are forgotten.</summary>
    public async Task<IdempotencyClaim> ClaimAsync(string apiKey, string key, string requestSha256, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "DELETE FROM idempotency WHERE api_key = @api AND idempotency_key = @key AND created < @cutoff", cancellationToken,
            ("api", apiKey), ("key", key), ("cutoff", Format(now - window)));
        var inserted = await ExecuteAsync(connection,
            "INSERT INTO idempotency (api_key, idempotency_key, request_sha256, answer, created) VALUES (@api, @key, @hash, NULL, @created) ON CONFLICT (api_key, idempotency_key) DO NOTHING",
            cancellationToken, ("api", apiKey), ("key", key), ("hash", requestSha256), ("created", Format(now)));
        if (inserted == 1) return new IdempotencyClaim(IdempotencyState.Claimed, null);

        await using var command = Command(connection, "SELECT request_sha256, answer FROM idempotency WHERE api_key = @api AND idempotency_key = @key",
            ("api", apiKey), ("key", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return new IdempotencyClaim(IdempotencyState.InFlight, null); // released meanwhile: retry
        if (reader.GetString(0) != requestSha256) return new IdempotencyClaim(IdempotencyState.Mismatch, null);
        return reader.IsDBNull(1) ? new IdempotencyClaim(IdempotencyState.InFlight, null) : new IdempotencyClaim(IdempotencyState.Answered, reader.GetString(1));
    }

    /// <summary>Keeps the answer of a claimed key, for its retries.</summary>
    public async Task AnswerAsync(string apiKey, string key, string answer, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "UPDATE idempotency SET answer = @answer WHERE api_key = @api AND idempotency_key = @key", cancellationToken,
            ("answer", answer), ("api", apiKey), ("key", key));
    }

    /// <summary>Gives a claimed key up (the request was refused or failed): a retry runs afresh.</summary>
    public async Task ReleaseAsync(string apiKey, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "DELETE FROM idempotency WHERE api_key = @api AND idempotency_key = @key AND answer IS NULL", cancellationToken,
            ("api", apiKey), ("key", key));
    }

    private static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = connect();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        PortableSql.Command(connection, null, sql, parameters);

    private static Task<int> ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        PortableSql.ExecuteAsync(connection, null, sql, cancellationToken, parameters);
}
