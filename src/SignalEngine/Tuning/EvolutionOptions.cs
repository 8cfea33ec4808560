namespace SignalEngine.Tuning;

/// <summary>Settings of the evolutionary architecture search.</summary>
public sealed record EvolutionOptions
{
    [Range(2, 1000)] public int Population { get; init; } = 8;
    [Range(1, 1000)] public int Generations { get; init; } = 5;
    [Range(1, 100)] public int TournamentSize { get; init; } = 3;
    [Range(0.0, 1.0)] public double CrossoverRate { get; init; } = 0.8;

    /// <summary>Chance that each gene of a child mutates.</summary>
    [Range(0.0, 1.0)] public double MutationRate { get; init; } = 0.25;

    /// <summary>The best genomes copied unchanged into the next generation.</summary>
    [Range(0, 1000)] public int Elites { get; init; } = 2;
    public int Seed { get; init; } = 42;

    /// <summary>Genomes of one generation evaluated at once.</summary>
    [Range(1, 256)] public int Workers { get; init; } = 1;
}
