using SignalEngine.Api.Learning;

namespace SignalEngine.Api.Replicas;

/// <summary>
/// Keeps this replica on the registry's serving version: reads it every <see cref="ReplicaOptions.FollowSeconds"/>
/// and swaps to it when another replica activated or promoted one. A bundle that cannot be loaded here (a folder this
/// replica does not see) is logged and tried again later; the replica keeps serving what it has.
/// </summary>
public sealed class RegistryFollower(IServiceProvider services, IOptions<ReplicaOptions> options, ILogger<RegistryFollower> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryFailedAfter = TimeSpan.FromSeconds(60);

    private string? _failed;
    private DateTimeOffset _failedAt;

    /// <summary>The serving version the registry named at the last read; null before the first or with an empty registry.</summary>
    public string? Registered { get; private set; }

    public DateTimeOffset? ReadAt { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here: hosted services are built before start-up checks run, and the bundle must fail there.
        var lifecycle = services.GetRequiredService<ModelLifecycle>();
        // A bundle new to the registry (just deployed) is registered before it is compared with the registry's.
        try
        {
            await lifecycle.EnsureServingRegisteredAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Cannot register the served model in the registry");
        }
        var interval = TimeSpan.FromSeconds(options.Value.FollowSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FollowOnceAsync(lifecycle, stoppingToken);
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task FollowOnceAsync(ModelLifecycle lifecycle, CancellationToken cancellationToken)
    {
        try
        {
            if (_failed is not null && DateTimeOffset.UtcNow - _failedAt < RetryFailedAfter) return;
            Registered = await lifecycle.FollowRegistryAsync(cancellationToken);
            ReadAt = DateTimeOffset.UtcNow;
            _failed = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failed = e.Message;
            _failedAt = DateTimeOffset.UtcNow;
            logger.LogError(e, "Cannot follow the model registry's serving version; still serving the current one");
        }
    }
}
