using System.Data.Common;
using Npgsql;

namespace SignalEngine.Api.Storage;

/// <summary>
/// Schema creation one replica at a time. Replicas starting together on one PostgreSQL race on the catalog: concurrent
/// CREATE TABLE IF NOT EXISTS can fail with a unique violation in pg_type. A session advisory lock (the key the signal
/// store's migration takes too) makes them take turns; SQLite serialises writers by itself.
/// </summary>
internal static class SchemaMigration
{
    public const long LockKey = 0x5349_474E_414C_5331; // "SIGNALS1"

    public static async Task SerializedAsync(DbConnection connection, Func<Task> migrate, CancellationToken cancellationToken)
    {
        if (connection is not NpgsqlConnection)
        {
            await migrate();
            return;
        }
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", (NpgsqlConnection)connection))
        {
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            await migrate();
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", (NpgsqlConnection)connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
