using SignalEngine.Api.Audit;
using SignalEngine.Api.Serving;
using SignalEngine.Bundle;
using SignalEngine.Api.Storage;

namespace SignalEngine.Api.Learning;

/// <summary>
/// Which version serves: activation swaps the active bundle atomically (a request in flight keeps the model it
/// started with), records the change in the registry and audits it. The replaced bundle is disposed only after
/// requests that may still hold it have drained.
/// </summary>
public sealed class ModelLifecycle(ActiveBundle active, ModelRegistry registry, IAuditLog audit, ILogger<ModelLifecycle> logger)
{
    public static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);

    /// <summary>Registers the model served at start, once, so GET /models shows where the history begins.</summary>
    public async Task EnsureServingRegisteredAsync(CancellationToken cancellationToken)
    {
        var serving = active.Current.Bundle;
        if (await registry.FindAsync(serving.Version, cancellationToken) is { Status: ModelStatus.Serving }) return;
        await registry.PutAsync(new ModelEntry(
            serving.Version, serving.Manifest.Parent, serving.Directory, ModelStatus.Serving, serving.Manifest.Created, "served at start", null), cancellationToken);
    }

    /// <summary>Serves <paramref name="bundle"/> from now on (a promotion, or an activation by hand).</summary>
    public async Task ActivateAsync(
        ModelBundle bundle, string kind, string reason, IReadOnlyDictionary<string, double?>? shadow, AuditContext context, CancellationToken cancellationToken)
    {
        await EnsureServingRegisteredAsync(cancellationToken);
        var replaced = active.Swap(bundle);
        await registry.PutAsync(new ModelEntry(
            bundle.Version, bundle.Manifest.Parent, bundle.Directory, ModelStatus.Serving, bundle.Manifest.Created, reason, shadow), cancellationToken);
        audit.ModelEvent(kind, bundle.Version, replaced.Version, reason, context);
        logger.LogInformation("Model {ModelVersion} now serves ({Event}), replacing {Replaced}: {Reason}", bundle.Version, kind, replaced.Version, reason);
        _ = Task.Delay(Drain).ContinueWith(_ => replaced.Bundle.Dispose(), TaskScheduler.Default);
    }

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
