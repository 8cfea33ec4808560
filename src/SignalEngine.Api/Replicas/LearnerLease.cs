using System.Data;
using Npgsql;

namespace SignalEngine.Api.Replicas;

/// <summary>
/// Which replica runs the online learner: the one holding a PostgreSQL session advisory lock on a connection of its
/// own. The lock goes with the session, so a replica that dies (or loses the database) frees it, and another takes it
/// at its next try. With SQLite there is one process, and it always holds the lease.
/// </summary>
public sealed class LearnerLease(IOptions<StorageOptions> storage, IOptions<ReplicaOptions> options, ILogger<LearnerLease> logger)
    : BackgroundService
{
    // The lock's first key: "SGNL". The second is the schema the registry lives in: advisory locks belong to the whole
    // database, and two deployments in two schemas of one database have two registries, so two learners.
    private const int LockClass = 0x53474E4C;

    private NpgsqlConnection? _connection;
    private volatile bool _held = !storage.Value.IsPostgres;

    public bool IsHeld => _held;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!storage.Value.IsPostgres) return;
        var interval = TimeSpan.FromSeconds(options.Value.LeaseSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _held = _held ? await StillHeldAsync(stoppingToken) : await TryTakeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (_held) logger.LogWarning("Learner lease lost: {Reason}", e.Message);
                _held = false;
                await DropConnectionAsync();
            }
            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        _held = false;
        await DropConnectionAsync();
    }

    private async Task<bool> TryTakeAsync(CancellationToken cancellationToken)
    {
        if (_connection is not { State: ConnectionState.Open })
        {
            await DropConnectionAsync();
            // Not pooled: closing it must end the session, and with it the lock.
            _connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(storage.Value.PostgresConnectionString) { Pooling = false }.ConnectionString);
            await _connection.OpenAsync(cancellationToken);
        }
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@class, hashtext(current_schema()))", _connection);
        command.Parameters.AddWithValue("class", LockClass);
        var taken = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (taken) logger.LogInformation("This replica ({Host}) holds the learner lease: it runs the online learner", Environment.MachineName);
        return taken;
    }

    private async Task<bool> StillHeldAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1", _connection);
        await command.ExecuteScalarAsync(cancellationToken);
        return true;
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is null) return;
        await _connection.DisposeAsync();
        _connection = null;
    }
}
