using SignalEngine.Bundle;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Tests.Support;
using SignalEngine.Training;
using SignalEngine.Tuning;

namespace SignalEngine.Tests.Tuning;

public sealed class PipelineObjectiveTests
{
    private static readonly TrainingOptions Small = new()
    {
        Folds = 3,
        TreeFilter = new TreeFilterOptions { NumberOfTrees = 20, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 20 },
        Sequence = new SequenceModelOptions { WindowLength = 8, HiddenSize = 8, Heads = 2, Epochs = 1, Models = ["lstm"] },
        Meta = new MetaLearnerOptions { PosteriorSamples = 64 },
    };

    [Fact]
    public void TheSearchBarsEndBeforeTheHeldOutFoldAndEveryFoldAfterTheFirstIsARung()
    {
        var data = TuningData.Load(SyntheticMarket.Write("tune-objective", 900, seed: 3, plantEvents: true), maxBars: null, holdoutFraction: 0.2);
        data.Search.Single().Count.Should().Be(data.HoldoutStart);
        data.Search.Single().Timestamps[^1].Should().BeBefore(data.All.Single().Timestamps[data.HoldoutStart]);

        var objective = new PipelineObjective(data.Search, Small);
        var parameters = PipelineSearchSpace.Create().Create(new Dictionary<string, object>
        {
            ["trees"] = 30, ["leaves"] = 8, ["learningRate"] = 0.1, ["minLeaf"] = 20, ["featureFraction"] = 0.8,
            ["priorScale"] = 1.0, ["certainty"] = 0.8, ["horizon"] = 6, ["barrierWidth"] = 1.0,
        });
        var rungs = objective.Evaluate(parameters, CancellationToken.None).ToArray();

        objective.Rungs.Should().Be(2);
        rungs.Should().HaveCount(2).And.OnlyContain(r => double.IsFinite(r) && r > 0);

        var holdout = HoldoutEvaluation.Score(data, objective.Options(parameters));
        holdout.Samples.Should().BePositive();
        double.IsFinite(holdout.LogLoss).Should().BeTrue();
        holdout.ClimatologyLogLoss.Should().BePositive();
    }

    [Fact]
    public void ArchitectureFitnessIsTheOutOfSampleDirectionLogLossPlusTheSizePenalty()
    {
        var data = TuningData.Load(SyntheticMarket.Write("tune-fitness", 900, seed: 4, plantEvents: true), maxBars: null, holdoutFraction: 0.2);
        var genome = new ArchitectureGenome("lstm", 1, 16, 2, 0.0, 8, 3e-3);

        var plain = new StageTwoFitness(data.Search, Small, sizePenalty: 0).Evaluate(genome);
        var penalised = new StageTwoFitness(data.Search, Small, sizePenalty: 0.01).Evaluate(genome);

        plain.Should().BeInRange(0.3, 1.5, "a log loss of BUY versus SELL near that of a coin");
        var features = TrainingSet.Build(data.Search, Small.Features, Small.Labels, 8).Schema.Count;
        penalised.Should().BeApproximately(plain + 0.01 * Math.Log10(genome.ParameterCount(features)), 1e-9);
    }
}
