using SignalEngine.Tuning;

namespace SignalEngine.Tests.Tuning;

public sealed class ArchitectureEvolutionTests
{
    private static readonly ArchitectureGenome Target = new("transformer", 2, 64, 4, 0.15, 48, 3e-3);

    /// <summary>Distance of a genome from a target architecture: zero only at the target.</summary>
    private static double Distance(ArchitectureGenome g) =>
        (g.Kind == Target.Kind ? 0 : 1) + Math.Abs(g.Layers - Target.Layers) + Math.Abs(g.HiddenSize - Target.HiddenSize) / 16.0 +
        Math.Abs(Math.Log2(g.Heads) - Math.Log2(Target.Heads)) + Math.Abs(g.Dropout - Target.Dropout) * 10 +
        Math.Abs(g.WindowLength - Target.WindowLength) / 8.0 + Math.Abs(Math.Log10(g.LearningRate / Target.LearningRate));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void TheBestFitnessImprovesOverGenerations(int seed)
    {
        var generations = new ArchitectureEvolution(new ArchitectureSpace(), new EvolutionOptions { Population = 12, Generations = 15, Seed = seed })
            .Run(Distance);

        generations.Should().HaveCount(15);
        generations[^1].BestFitness.Should().BeLessThan(generations[0].BestFitness);
        generations[^1].BestFitness.Should().BeLessThan(0.6 * generations[0].BestFitness);
        for (var g = 1; g < generations.Count; g++)
        {
            generations[g].BestFitness.Should().BeLessThanOrEqualTo(generations[g - 1].BestFitness, "elitism never loses the best genome");
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameGenerationsAndKnownFitnessIsNotRecomputed()
    {
        var options = new EvolutionOptions { Population = 6, Generations = 4, Seed = 9 };
        var evaluated = new Dictionary<ArchitectureGenome, double>();
        var first = new ArchitectureEvolution(new ArchitectureSpace(), options).Run(g => evaluated[g] = Distance(g));
        var calls = 0;
        var second = new ArchitectureEvolution(new ArchitectureSpace(), options).Run(g => { calls++; return Distance(g); }, known: evaluated);

        second.Select(s => (s.Best, s.BestFitness)).Should().Equal(first.Select(s => (s.Best, s.BestFitness)));
        calls.Should().Be(0);
    }

    [Fact]
    public void EveryGenomeHasAHiddenSizeItsHeadsDivide()
    {
        var space = new ArchitectureSpace();
        var random = new Random(2);
        var genome = space.Random(random);
        for (var i = 0; i < 300; i++)
        {
            genome = space.Mutate(ArchitectureSpace.Crossover(genome, space.Random(random), random), 0.5, random);
            (genome.HiddenSize % genome.Heads).Should().Be(0);
            genome.ParameterCount(20).Should().BePositive();
        }
    }
}
