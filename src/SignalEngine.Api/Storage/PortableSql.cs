using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SignalEngine.Api.Storage;

/// <summary>
/// The ADO.NET plumbing the outcome and idempotency stores share: one SQL text for SQLite and PostgreSQL, connections
/// from a factory, named parameters.
/// </summary>
internal static class PortableSql
{
    public static Func<DbConnection> Sqlite(string path) => () => new SqliteConnection(
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString());

    public static Func<DbConnection> Postgres(string connectionString) => NpgsqlDataSource.Create(connectionString).CreateConnection;

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }
}
