namespace SignalEngine.Tuning;

/// <summary>Settings of the tree-structured Parzen estimator.</summary>
public sealed record TpeOptions
{
    /// <summary>Trials drawn uniformly at random before the model takes over.</summary>
    [Range(0, int.MaxValue)] public int StartupTrials { get; init; } = 10;

    /// <summary>Share of the completed trials, best first, that form the "good" density l(x).</summary>
    [Range(0.01, 0.99)] public double Gamma { get; init; } = 0.25;

    /// <summary>Candidates drawn from l(x) per parameter; the one with the largest l(x) / g(x) is suggested.</summary>
    [Range(1, 10000)] public int Candidates { get; init; } = 24;

    /// <summary>Pure random search (the baseline TPE is compared with).</summary>
    public static TpeOptions RandomSearch { get; } = new() { StartupTrials = int.MaxValue };
}
