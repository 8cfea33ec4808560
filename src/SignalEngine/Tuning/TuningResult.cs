using SignalEngine.Bundle;

namespace SignalEngine.Tuning;

/// <summary>What a tune run found, and how the found and the default configurations did on the held-out fold.</summary>
public sealed record TuningResult
{
    public required TrainingOptions Best { get; init; }
    public required TrainingOptions Default { get; init; }
    public Trial? BestTrial { get; init; }
    public required ArchitectureGenome BestArchitecture { get; init; }
    public required double BestArchitectureFitness { get; init; }
    public required IReadOnlyList<GenerationSummary> Generations { get; init; }
    public required IReadOnlyList<Trial> Trials { get; init; }
    public required int ReplayedTrials { get; init; }
    public required FoldScore DefaultHoldout { get; init; }
    public required FoldScore BestHoldout { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required string BestConfigPath { get; init; }
    public required string TrialsPath { get; init; }
    public required string SummaryPath { get; init; }
}
