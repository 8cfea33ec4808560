namespace SignalEngine.Tuning;

/// <summary>Everything a tune run is asked for.</summary>
public sealed record TuningSettings
{
    public required string DataPath { get; init; }
    public required string OutputDirectory { get; init; }

    /// <summary>TPE trials over stages 1 and 3 and the labels (replayed ones included).</summary>
    [Range(1, 1_000_000)] public int Trials { get; init; } = 50;

    /// <summary>Wall-clock budget of the whole run; null runs the full trial count and generations.</summary>
    public TimeSpan? TimeBudget { get; init; }
    public int Seed { get; init; } = 42;
    [Range(1, 256)] public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Replay trials.csv and architectures.csv of the output folder instead of starting afresh.</summary>
    public bool Resume { get; init; }
    public int? MaxBars { get; init; }

    /// <summary>Stage-2 epochs during the search (cheaper than the final training's); the written config keeps the default.</summary>
    [Range(1, 1000)] public int SearchEpochs { get; init; } = 4;

    /// <summary>Share of the time steps, at the end, held out of the search for the final comparison.</summary>
    [Range(0.05, 0.45)] public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>Share of the time budget given to the architecture search; the TPE search gets the rest.</summary>
    [Range(0.0, 1.0)] public double ArchitectureShare { get; init; } = 0.3;

    /// <summary>Share of the time budget kept for the two held-out evaluations and the files at the end.</summary>
    [Range(0.0, 0.5)] public double FinalShare { get; init; } = 0.08;

    /// <summary>Added to the stage-2 log loss per decade of trainable weights.</summary>
    [Range(0.0, 1.0)] public double SizePenalty { get; init; } = 0.01;
    public EvolutionOptions Evolution { get; init; } = new();
    public TpeOptions Sampler { get; init; } = new();
    public PruningOptions Pruning { get; init; } = new();
}
