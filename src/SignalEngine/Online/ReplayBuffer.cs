namespace SignalEngine.Online;

/// <summary>The persisted state of a <see cref="ReplayBuffer"/>.</summary>
public sealed record ReplayState(IReadOnlyList<Guid> Reservoir, IReadOnlyList<Guid> Recent, long Seen);

/// <summary>
/// Experience replay over outcome ids: a reservoir sample (Vitter's algorithm R) of everything ever seen, so updates
/// keep seeing old regimes, next to the most recent outcomes, so they see the current one. Bounded by
/// <c>reservoirCapacity + recentCapacity</c>. The reservoir's random choices are a hash of the seed and the item's
/// position, so the same outcomes in the same order give the same buffer whether or not it was saved and reloaded.
/// </summary>
public sealed class ReplayBuffer
{
    private readonly List<Guid> _reservoir;
    private readonly Queue<Guid> _recent;

    public ReplayBuffer(int reservoirCapacity, int recentCapacity, int seed, ReplayState? state = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reservoirCapacity);
        ArgumentOutOfRangeException.ThrowIfNegative(recentCapacity);
        ReservoirCapacity = reservoirCapacity;
        RecentCapacity = recentCapacity;
        Seed = seed;
        _reservoir = [.. state?.Reservoir ?? []];
        _recent = new Queue<Guid>(state?.Recent ?? []);
        Seen = state?.Seen ?? 0;
    }

    public int ReservoirCapacity { get; }
    public int RecentCapacity { get; }
    public int Seed { get; }
    public long Seen { get; private set; }

    public void Add(Guid id)
    {
        Seen++;
        if (RecentCapacity > 0)
        {
            _recent.Enqueue(id);
            if (_recent.Count > RecentCapacity) _recent.Dequeue();
        }
        if (ReservoirCapacity == 0) return;
        if (_reservoir.Count < ReservoirCapacity)
        {
            _reservoir.Add(id);
            return;
        }
        var slot = (long)(Uniform(Seed, Seen) * Seen);
        if (slot < ReservoirCapacity) _reservoir[(int)slot] = id;
    }

    /// <summary>The ids to replay: the reservoir and the recent ones, each once.</summary>
    public IReadOnlyList<Guid> Ids() => _reservoir.Concat(_recent).Distinct().ToArray();

    public ReplayState State => new(_reservoir.ToArray(), _recent.ToArray(), Seen);

    /// <summary>A uniform number in [0, 1) from (seed, position): SplitMix64.</summary>
    private static double Uniform(int seed, long position)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)position * 0xBF58476D1CE4E5B9UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
