namespace SignalEngine.Tuning;

/// <summary>
/// A generational genetic algorithm over stage-2 architectures: the first population is the default genome plus random
/// ones; each next generation keeps the elites and fills up with children of tournament-selected parents (uniform
/// crossover, then per-gene mutation). Fitness is minimised and cached per genome, so elites and repeats cost nothing
/// and a run replaying a fitness log reproduces the earlier run. One seeded generator drives all the choices.
/// </summary>
public sealed class ArchitectureEvolution(ArchitectureSpace space, EvolutionOptions options)
{
    /// <param name="fitness">Lower is better; NaN or infinity marks a genome that cannot train.</param>
    /// <param name="stop">Checked before each generation: true ends the search with the best so far.</param>
    public IReadOnlyList<GenerationSummary> Run(
        Func<ArchitectureGenome, double> fitness,
        Action<GenerationSummary>? generationEnded = null,
        Func<bool>? stop = null,
        IReadOnlyDictionary<ArchitectureGenome, double>? known = null)
    {
        var random = new Random(options.Seed);
        var cache = new Dictionary<ArchitectureGenome, double>(known ?? new Dictionary<ArchitectureGenome, double>());
        var population = new List<ArchitectureGenome> { ArchitectureGenome.Default };
        while (population.Count < options.Population) population.Add(space.Random(random));

        var summaries = new List<GenerationSummary>();
        for (var generation = 0; generation < options.Generations; generation++)
        {
            if (generation > 0 && stop?.Invoke() == true) break;
            var fresh = population.Distinct().Where(g => !cache.ContainsKey(g)).ToArray();
            var scores = new double[fresh.Length];
            Parallel.For(0, fresh.Length, new ParallelOptions { MaxDegreeOfParallelism = options.Workers }, i => scores[i] = Score(fitness, fresh[i]));
            for (var i = 0; i < fresh.Length; i++) cache[fresh[i]] = scores[i];

            var ranked = population.OrderBy(g => cache[g]).ToArray();
            var summary = new GenerationSummary(
                generation, ranked[0], cache[ranked[0]], population.Select(g => cache[g]).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(), fresh.Length);
            summaries.Add(summary);
            generationEnded?.Invoke(summary);
            if (generation == options.Generations - 1) break;

            var next = ranked.Distinct().Take(Math.Min(options.Elites, options.Population)).ToList();
            while (next.Count < options.Population)
            {
                var first = Tournament(population, cache, random);
                var child = random.NextDouble() < options.CrossoverRate
                    ? ArchitectureSpace.Crossover(first, Tournament(population, cache, random), random)
                    : first;
                next.Add(space.Mutate(child, options.MutationRate, random));
            }
            population = next;
        }
        return summaries;
    }

    private static double Score(Func<ArchitectureGenome, double> fitness, ArchitectureGenome genome)
    {
        var value = fitness(genome);
        return double.IsFinite(value) ? value : double.PositiveInfinity;
    }

    private ArchitectureGenome Tournament(IReadOnlyList<ArchitectureGenome> population, Dictionary<ArchitectureGenome, double> cache, Random random)
    {
        var best = population[random.Next(population.Count)];
        for (var i = 1; i < options.TournamentSize; i++)
        {
            var challenger = population[random.Next(population.Count)];
            if (cache[challenger] < cache[best]) best = challenger;
        }
        return best;
    }
}
