namespace SignalEngine.Tuning;

/// <summary>One generation of the architecture search: its best genome and the spread of fitness (lower is better).</summary>
public sealed record GenerationSummary(int Generation, ArchitectureGenome Best, double BestFitness, double MeanFitness, int Evaluated);
