namespace SignalEngine.Api.Learning;

public static class ModelStatus
{
    public const string Serving = "serving";
    public const string Candidate = "candidate";
    public const string Rejected = "rejected";
    public const string Retired = "retired";
}

/// <summary>A model version the service knows: where its bundle is, where it came from, and what became of it.</summary>
public sealed record ModelEntry(
    string Version,
    string? Parent,
    string Directory,
    string Status,
    DateTimeOffset Created,
    string? Decision,
    IReadOnlyDictionary<string, double?>? Shadow);

/// <summary>
/// The versions this service has served or built, persisted with the outcomes (so replicas and restarts see one
/// history). The serving model at start is registered on first use.
/// </summary>
public sealed class ModelRegistry(OutcomeStore store)
{
    private const string Key = "registry";
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IReadOnlyList<ModelEntry>> AllAsync(CancellationToken cancellationToken) =>
        await store.GetStateAsync(Key, cancellationToken) is { } json
            ? JsonSerializer.Deserialize<List<ModelEntry>>(json, ApiDefaults.Json)!
            : [];

    /// <summary>Adds or replaces an entry; with <paramref name="serving"/>, every other serving entry becomes retired.</summary>
    public async Task PutAsync(ModelEntry entry, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var entries = (await AllAsync(cancellationToken)).Where(e => e.Version != entry.Version).ToList();
            if (entry.Status == ModelStatus.Serving)
            {
                entries = entries.Select(e => e.Status == ModelStatus.Serving ? e with { Status = ModelStatus.Retired } : e).ToList();
            }
            entries.Add(entry);
            await store.SetStateAsync(Key, JsonSerializer.Serialize(entries, ApiDefaults.Json), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ModelEntry?> FindAsync(string version, CancellationToken cancellationToken) =>
        (await AllAsync(cancellationToken)).FirstOrDefault(e => e.Version == version);
}
