namespace SignalEngine.Tuning;

/// <summary>
/// The values each gene may take, and the random draw, mutation and crossover over them. Hidden sizes are multiples
/// of 16 and head counts powers of two up to 8, so every genome's hidden size divides by its heads.
/// </summary>
public sealed record ArchitectureSpace
{
    public IReadOnlyList<string> Kinds { get; init; } = ["lstm", "transformer"];
    public IReadOnlyList<int> Layers { get; init; } = [1, 2, 3];
    public IReadOnlyList<int> HiddenSizes { get; init; } = [16, 32, 48, 64, 96];
    public IReadOnlyList<int> Heads { get; init; } = [1, 2, 4, 8];
    public IReadOnlyList<double> Dropouts { get; init; } = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3];
    public IReadOnlyList<int> WindowLengths { get; init; } = [16, 24, 32, 48];
    public double MinimumLearningRate { get; init; } = 2e-4;
    public double MaximumLearningRate { get; init; } = 1e-2;

    public ArchitectureGenome Random(Random random) => new(
        Pick(Kinds, random), Pick(Layers, random), Pick(HiddenSizes, random), Pick(Heads, random),
        Pick(Dropouts, random), Pick(WindowLengths, random), LogUniform(random));

    /// <summary>Each gene independently, with probability rate, moves to a neighbouring value (or a new draw for kind and learning rate).</summary>
    public ArchitectureGenome Mutate(ArchitectureGenome genome, double rate, Random random) => new(
        random.NextDouble() < rate ? Pick(Kinds, random) : genome.Kind,
        random.NextDouble() < rate ? Step(Layers, genome.Layers, random) : genome.Layers,
        random.NextDouble() < rate ? Step(HiddenSizes, genome.HiddenSize, random) : genome.HiddenSize,
        random.NextDouble() < rate ? Step(Heads, genome.Heads, random) : genome.Heads,
        random.NextDouble() < rate ? Step(Dropouts, genome.Dropout, random) : genome.Dropout,
        random.NextDouble() < rate ? Step(WindowLengths, genome.WindowLength, random) : genome.WindowLength,
        random.NextDouble() < rate ? Math.Clamp(genome.LearningRate * Math.Exp(0.7 * (2 * random.NextDouble() - 1)), MinimumLearningRate, MaximumLearningRate) : genome.LearningRate);

    /// <summary>Uniform crossover: each gene from either parent with equal odds.</summary>
    public static ArchitectureGenome Crossover(ArchitectureGenome a, ArchitectureGenome b, Random random) => new(
        random.NextDouble() < 0.5 ? a.Kind : b.Kind,
        random.NextDouble() < 0.5 ? a.Layers : b.Layers,
        random.NextDouble() < 0.5 ? a.HiddenSize : b.HiddenSize,
        random.NextDouble() < 0.5 ? a.Heads : b.Heads,
        random.NextDouble() < 0.5 ? a.Dropout : b.Dropout,
        random.NextDouble() < 0.5 ? a.WindowLength : b.WindowLength,
        random.NextDouble() < 0.5 ? a.LearningRate : b.LearningRate);

    private double LogUniform(Random random) =>
        Math.Exp(Math.Log(MinimumLearningRate) + random.NextDouble() * (Math.Log(MaximumLearningRate) - Math.Log(MinimumLearningRate)));

    private static T Pick<T>(IReadOnlyList<T> values, Random random) => values[random.Next(values.Count)];

    private static T Step<T>(IReadOnlyList<T> values, T current, Random random)
    {
        var i = values.ToList().IndexOf(current);
        if (i < 0) return Pick(values, random);
        var j = Math.Clamp(i + (random.Next(2) == 0 ? -1 : 1), 0, values.Count - 1);
        return values[j == i ? (i == 0 ? Math.Min(1, values.Count - 1) : i - 1) : j];
    }
}
