using System.Diagnostics;
using Npgsql;

namespace SignalEngine.Tests.Api.Support;

/// <summary>
/// The PostgreSQL the tests run against, named by SIGNALENGINE_TEST_POSTGRES (an Npgsql connection string), which
/// scripts/test.sh sets from scripts/postgres.sh. Under CI (CI=true) a missing variable fails the PostgreSQL tests:
/// a backend that silently went untested would read as green. On a developer's machine the tests run
/// scripts/postgres.sh themselves (it installs, starts and prints the private cluster on 127.0.0.1:55432), so a plain
/// `dotnet test` covers both backends; they fail with its message when it cannot (not root, no PostgreSQL).
/// </summary>
public static class TestPostgres
{
    public const string Variable = "SIGNALENGINE_TEST_POSTGRES";

    private static readonly Lazy<string> Server = new(Locate);

    public static string ConnectionString => Server.Value;

    /// <summary>A schema of its own on the test server, dropped on dispose: each test starts on an empty database.</summary>
    public static Schema CreateSchema()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        Execute($"CREATE SCHEMA {name}");
        return new Schema(name, new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = name }.ConnectionString);
    }

    public sealed class Schema(string name, string connectionString) : IDisposable
    {
        public string Name { get; } = name;

        /// <summary>Connects with search_path set to this schema, so the store's unqualified "signals" lands here.</summary>
        public string ConnectionString { get; } = connectionString;

        public long Count(string table)
        {
            using var connection = new NpgsqlConnection(ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", connection);
            return (long)command.ExecuteScalar()!;
        }

        public void Dispose()
        {
            NpgsqlConnection.ClearAllPools();
            Execute($"DROP SCHEMA IF EXISTS {Name} CASCADE");
        }
    }

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given) return given;
        if (Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1"))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set, and CI=true: run the tests through scripts/test.sh, which starts PostgreSQL (scripts/postgres.sh) and sets it");
        }
        return StartWithScript();
    }

    private static string StartWithScript()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "SignalEngine.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException($"{Variable} is not set and the repository root (scripts/postgres.sh) was not found");
        var start = new ProcessStartInfo("bash", ["scripts/postgres.sh"])
        {
            WorkingDirectory = root.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var lastLine = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (process.ExitCode != 0 || lastLine is null)
        {
            throw new InvalidOperationException(
                $"{Variable} is not set and scripts/postgres.sh failed (exit {process.ExitCode}): {stderr.Result.Trim()}; " +
                $"start a PostgreSQL and set {Variable} to its connection string");
        }
        return lastLine.Trim();
    }
}
