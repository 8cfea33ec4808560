namespace SignalEngine.Tuning;

/// <summary>Successive-halving style early stopping of trials on their first rungs (walk-forward folds).</summary>
public sealed record PruningOptions
{
    /// <summary>A rung prunes nothing until this many earlier trials have reached it.</summary>
    [Range(1, 1000)] public int MinimumTrialsAtRung { get; init; } = 5;

    /// <summary>
    /// A trial stops when its running score is worse than this quantile of the earlier trials' scores at the same rung:
    /// 0.5 keeps the better half (successive halving with eta = 2).
    /// </summary>
    [Range(0.0, 1.0)] public double KeepQuantile { get; init; } = 0.5;

    public static PruningOptions Never { get; } = new() { MinimumTrialsAtRung = 1000, KeepQuantile = 1 };
}
