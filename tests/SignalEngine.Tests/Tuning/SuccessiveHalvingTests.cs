using SignalEngine.Tuning;

namespace SignalEngine.Tests.Tuning;

public sealed class SuccessiveHalvingTests
{
    [Fact]
    public void ATrialWorseThanTheMedianAtARungIsStoppedThereAndABetterOneGoesOn()
    {
        var space = new SearchSpace(SearchParameter.Uniform("x", 0, 1));
        var history = Enumerable.Range(0, 6)
            .Select(i => new Trial(i, new ParameterSet(space, [0.5]), TrialState.Complete, i, [i, i], 0))
            .ToArray();
        var pruner = new SuccessiveHalvingPruner(new PruningOptions { MinimumTrialsAtRung = 5, KeepQuantile = 0.5 });

        pruner.ShouldStop(0, 4.0, history).Should().BeTrue();
        pruner.ShouldStop(0, 2.0, history).Should().BeFalse();
        pruner.ShouldStop(0, 4.0, history.Take(4)).Should().BeFalse("too few trials have reached the rung to judge");
    }

    [Fact]
    public void PrunedTrialsSpendFewerRungsThanCompleteOnes()
    {
        var objective = new CountingRungs();
        var trials = new HyperparameterSearch(ShiftedQuadratic.Space, objective, new SearchSettings { Trials = 40, Seed = 5 }).Run();

        trials.Should().Contain(t => t.State == TrialState.Pruned);
        trials.Where(t => t.State == TrialState.Pruned).Should().OnlyContain(t => t.RungScores.Count < 3);
        objective.RungsRun.Should().BeLessThan(40 * 3);
    }

    private sealed class CountingRungs : ISearchObjective
    {
        public int RungsRun { get; private set; }
        public int Rungs => 3;

        public IEnumerable<double> Evaluate(ParameterSet parameters, CancellationToken cancellationToken)
        {
            var value = ShiftedQuadratic.Value(parameters);
            for (var rung = 1; rung <= Rungs; rung++)
            {
                RungsRun++;
                yield return value;
            }
        }
    }
}
