using SignalEngine.Api.Audit;
using SignalEngine.Api.Serving;
using SignalEngine.Bundle;

namespace SignalEngine.Api.Learning;

/// <summary>
/// Which version serves: activation swaps the active bundle atomically (a request in flight keeps the model it
/// started with), records the change in the registry and audits it. The replaced bundle is disposed only after
/// requests that may still hold it have drained. The registry is the one truth when replicas share it: each replica
/// follows its serving entry (<see cref="FollowRegistryAsync"/>), so an activation on one reaches all.
/// </summary>
public sealed class ModelLifecycle(ActiveBundle active, ModelRegistry registry, IAuditLog audit, ILogger<ModelLifecycle> logger)
{
    public static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);

    // One swap at a time in this process: an activation and the registry follower never interleave.
    private readonly SemaphoreSlim _swap = new(1, 1);

    /// <summary>
    /// Registers the model served at start, so GET /models shows where the history begins: when the registry has no
    /// serving entry, or when this bundle is new to it (an operator deployed it). A known version that no longer
    /// serves (a replica restarted after an activation elsewhere) does not take the registry back: it follows it.
    /// </summary>
    public async Task EnsureServingRegisteredAsync(CancellationToken cancellationToken)
    {
        var serving = active.Current.Bundle;
        var entries = await registry.AllAsync(cancellationToken);
        if (entries.Any(e => e.Status == ModelStatus.Serving) && entries.Any(e => e.Version == serving.Version)) return;
        await registry.PutAsync(new ModelEntry(
            serving.Version, serving.Manifest.Parent, serving.Directory, ModelStatus.Serving, serving.Manifest.Created, "served at start", null), cancellationToken);
    }

    /// <summary>Serves <paramref name="bundle"/> from now on (a promotion, or an activation by hand).</summary>
    public async Task ActivateAsync(
        ModelBundle bundle, string kind, string reason, IReadOnlyDictionary<string, double?>? shadow, AuditContext context, CancellationToken cancellationToken)
    {
        await EnsureServingRegisteredAsync(cancellationToken);
        await _swap.WaitAsync(cancellationToken);
        try
        {
            var replaced = active.Swap(bundle);
            await registry.PutAsync(new ModelEntry(
                bundle.Version, bundle.Manifest.Parent, bundle.Directory, ModelStatus.Serving, bundle.Manifest.Created, reason, shadow), cancellationToken);
            audit.ModelEvent(kind, bundle.Version, replaced.Version, reason, context);
            logger.LogInformation("Model {ModelVersion} now serves ({Event}), replacing {Replaced}: {Reason}", bundle.Version, kind, replaced.Version, reason);
            Retire(replaced);
        }
        finally
        {
            _swap.Release();
        }
    }

    /// <summary>
    /// Serves the registry's serving version if this process serves another (an activation or promotion on another
    /// replica); returns the registered version, or null when the registry has none. The registry is not written.
    /// </summary>
    public async Task<string?> FollowRegistryAsync(CancellationToken cancellationToken)
    {
        await _swap.WaitAsync(cancellationToken);
        try
        {
            // Read under the swap lock: an activation in this process between the read and the swap would be undone.
            var registered = (await registry.AllAsync(cancellationToken)).LastOrDefault(e => e.Status == ModelStatus.Serving);
            if (registered is null || registered.Version == active.Current.Version) return registered?.Version;
            var bundle = ModelBundle.Load(registered.Directory);
            var replaced = active.Swap(bundle);
            var reason = $"following the registry ({registered.Decision})";
            audit.ModelEvent("model.followed", bundle.Version, replaced.Version, reason, new AuditContext("model.followed", null));
            logger.LogInformation("Model {ModelVersion} now serves (model.followed), replacing {Replaced}: {Reason}", bundle.Version, replaced.Version, reason);
            Retire(replaced);
            return registered.Version;
        }
        finally
        {
            _swap.Release();
        }
    }

    private static void Retire(ServingModel replaced) =>
        _ = Task.Delay(Drain).ContinueWith(_ => replaced.Bundle.Dispose(), TaskScheduler.Default);

    /// <summary>POST /models/{version}/activate: a registered version by hand (promote a candidate, or roll back).</summary>
    public async Task<ModelEntry?> ActivateVersionAsync(string version, AuditContext context, CancellationToken cancellationToken)
    {
        await EnsureServingRegisteredAsync(cancellationToken);
        if (await registry.FindAsync(version, cancellationToken) is not { } entry) return null;
        if (active.Current.Version == version) return entry;
        await ActivateAsync(ModelBundle.Load(entry.Directory), "model.activated", $"activated by hand (was {entry.Status})", entry.Shadow, context, cancellationToken);
        return await registry.FindAsync(version, cancellationToken);
    }
}
