namespace SignalEngine.Api.Storage;

/// <summary>Where signals are kept: SQLite embedded by default, a shared database for several replicas.</summary>
public interface ISignalStore
{
    /// <summary>Creates the database and its tables when they do not exist yet, or brings them to the current schema; run once at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Saves a batch (its inputs once, then its signals) in one transaction: all of it or none. <paramref name="beforeCommit"/>
    /// runs once every row is written and before the commit; if it throws, the transaction is rolled back and the
    /// exception propagates.
    /// </summary>
    Task SaveAsync(RecordedBatch batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken);

    /// <summary>The stored signal, or null for an unknown id.</summary>
    Task<SignalRecord?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The stored signals among <paramref name="ids"/>, by id (unknown ids are absent): one query, not one per id.</summary>
    async Task<IReadOnlyDictionary<Guid, SignalRecord>> GetManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, SignalRecord>();
        foreach (var id in ids)
        {
            if (await GetAsync(id, cancellationToken) is { } record) found[id] = record;
        }
        return found;
    }

    /// <summary>
    /// The stored signals that match <paramref name="query"/>, newest stored first: at most <c>Limit + 1</c> of them,
    /// the extra one telling the caller that another page exists.
    /// </summary>
    Task<IReadOnlyList<SignalListing>> ListAsync(SignalQuery query, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot list signals");

    /// <summary>True when the store answers a query now.</summary>
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);
}

public static class SignalStoreExtensions
{
    /// <summary>Saves records that each carry their own input, as one batch (see <see cref="RecordedBatch.Of"/>).</summary>
    public static Task SaveAsync(this ISignalStore store, IReadOnlyList<SignalRecord> records, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken) =>
        store.SaveAsync(RecordedBatch.Of(records), beforeCommit, cancellationToken);
}
