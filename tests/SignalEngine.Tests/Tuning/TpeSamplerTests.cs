using SignalEngine.Tuning;

namespace SignalEngine.Tests.Tuning;

public sealed class TpeSamplerTests
{
    private const int Budget = 100;

    [Fact]
    public void TpeFindsTheOptimumOfAShiftedQuadraticFasterThanRandomSearch()
    {
        var seeds = Enumerable.Range(1, 9).ToArray();
        var tpe = seeds.Select(s => BestAfter(Budget, s, new TpeOptions())).Order().ToArray();
        var random = seeds.Select(s => BestAfter(Budget, s, TpeOptions.RandomSearch)).Order().ToArray();

        var medianTpe = tpe[seeds.Length / 2];
        var medianRandom = random[seeds.Length / 2];
        medianTpe.Should().BeLessThan(0.5 * medianRandom, $"TPE {string.Join(", ", tpe.Select(v => v.ToString("0.000")))} vs random {string.Join(", ", random.Select(v => v.ToString("0.000")))}");
        tpe.Count(v => v < 1.0).Should().BeGreaterThan(seeds.Length / 2, "TPE should usually settle on the right categorical branch");
    }

    [Fact]
    public void TheSameHistoryAndSeedGiveTheSameSuggestion()
    {
        var history = new HyperparameterSearch(ShiftedQuadratic.Space, new ShiftedQuadratic(), new SearchSettings { Trials = 20, Seed = 3 }).Run();
        var sampler = new TpeSampler(new TpeOptions());

        var first = sampler.Suggest(ShiftedQuadratic.Space, history, HyperparameterSearch.TrialRandom(3, 20));
        var second = sampler.Suggest(ShiftedQuadratic.Space, history, HyperparameterSearch.TrialRandom(3, 20));

        first.SameValues(second).Should().BeTrue();
    }

    [Fact]
    public void SampledValuesStayOnTheirGridAndInRange()
    {
        var space = new SearchSpace(
            SearchParameter.Integer("trees", 20, 400, step: 10),
            SearchParameter.LogUniform("rate", 0.005, 0.3),
            SearchParameter.Uniform("width", 0.5, 2.5, step: 0.25));
        var random = new Random(1);
        for (var i = 0; i < 500; i++)
        {
            var p = space.Sample(random);
            p["trees"].Should().BeInRange(20, 400);
            (p["trees"] % 10).Should().Be(0);
            p["rate"].Should().BeInRange(0.005, 0.3);
            (p["width"] * 4 % 1).Should().BeApproximately(0, 1e-9);
        }
    }

    private static double BestAfter(int trials, int seed, TpeOptions sampler) =>
        new HyperparameterSearch(ShiftedQuadratic.Space, new ShiftedQuadratic(), new SearchSettings
        {
            Trials = trials,
            Seed = seed,
            Sampler = sampler,
            Pruning = PruningOptions.Never,
        }).Run().Where(t => t.Completed).Min(t => t.Score);
}
