namespace SignalEngine.Tuning;

/// <summary>How long a search runs and how it samples and stops trials.</summary>
public sealed record SearchSettings
{
    /// <summary>Trials in all, replayed ones included.</summary>
    [Range(1, 1_000_000)] public int Trials { get; init; } = 50;

    /// <summary>No trial starts after this much time; the ones in flight finish.</summary>
    public TimeSpan? TimeBudget { get; init; }
    public int Seed { get; init; } = 42;

    /// <summary>Trials run at once. With one worker a seed gives one trial sequence; with more, completion order decides.</summary>
    [Range(1, 256)] public int Workers { get; init; } = 1;
    public TpeOptions Sampler { get; init; } = new();
    public PruningOptions Pruning { get; init; } = new();
}
