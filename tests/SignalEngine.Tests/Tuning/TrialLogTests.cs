using SignalEngine.Bundle;
using SignalEngine.Cli;
using SignalEngine.Training;
using SignalEngine.Tuning;

namespace SignalEngine.Tests.Tuning;

public sealed class TrialLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tune-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TrialsRoundTripThroughTheCsvExactly()
    {
        var space = ShiftedQuadratic.Space;
        var random = new Random(4);
        var trials = new[]
        {
            new Trial(0, space.Sample(random), TrialState.Complete, 0.1 + 0.2, [1.0 / 3, 2.0 / 3, 0.1 + 0.2], 1.25),
            new Trial(1, space.Sample(random), TrialState.Pruned, Math.PI, [Math.PI], 0.5),
            new Trial(2, space.Sample(random), TrialState.Failed, double.NaN, [], 0.01),
        };
        var log = new TrialLog(Path.Combine(_directory, "trials.csv"), space);
        foreach (var t in trials) log.Append(t);

        var read = log.Read();

        read.Should().HaveCount(3);
        for (var i = 0; i < 3; i++)
        {
            read[i].Number.Should().Be(trials[i].Number);
            read[i].State.Should().Be(trials[i].State);
            read[i].Score.Should().Be(trials[i].Score);
            read[i].RungScores.Should().Equal(trials[i].RungScores);
            read[i].Seconds.Should().Be(trials[i].Seconds);
            read[i].Parameters.SameValues(trials[i].Parameters).Should().BeTrue();
        }
    }

    [Fact]
    public void ALastLineCutOffByAKillIsSkipped()
    {
        var path = Path.Combine(_directory, "trials.csv");
        var log = new TrialLog(path, ShiftedQuadratic.Space);
        log.Append(new Trial(0, ShiftedQuadratic.Space.Sample(new Random(1)), TrialState.Complete, 1, [1, 1, 1], 1));
        File.AppendAllText(path, "1,Complete,0.5");

        log.Read().Should().ContainSingle().Which.Number.Should().Be(0);
    }

    [Fact]
    public void ALogOfAnotherSearchSpaceIsRefused()
    {
        var path = Path.Combine(_directory, "trials.csv");
        new TrialLog(path, new SearchSpace(SearchParameter.Uniform("other", 0, 1))).Append(
            new Trial(0, new ParameterSet(new SearchSpace(SearchParameter.Uniform("other", 0, 1)), [0.5]), TrialState.Complete, 1, [1], 1));

        var read = () => new TrialLog(path, ShiftedQuadratic.Space).Read();

        read.Should().Throw<ArgumentException>().WithMessage("*another search space*");
    }

    [Fact]
    public void TheBestConfigIsAcceptedByTrainConfig()
    {
        var space = PipelineSearchSpace.Create();
        var parameters = space.Sample(new Random(11));
        var tuned = PipelineSearchSpace.Apply(new TrainingOptions(), parameters) with
        {
            Sequence = new ArchitectureGenome("transformer", 2, 48, 4, 0.2, 24, 2e-3).Apply(new TrainingOptions().Sequence),
        };
        var path = Path.Combine(_directory, PipelineTuner.BestConfigFile);
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(tuned, BundleJson.Options));

        var read = TrainingConfig.Read(path);

        read.TreeFilter.NumberOfTrees.Should().Be(parameters.Int("trees"));
        read.TreeFilter.LearningRate.Should().Be(parameters["learningRate"]);
        read.Meta.PriorScale.Should().Be(parameters["priorScale"]);
        read.Decision.Trade.Certainty.Should().Be(parameters["certainty"]);
        read.Labels.Horizon.Should().Be(parameters.Int("horizon"));
        read.Labels.BarrierWidth.Should().Be(parameters["barrierWidth"]);
        read.Sequence.Models.Should().Equal("transformer");
        read.Sequence.HiddenSize.Should().Be(48);
        read.Sequence.WindowLength.Should().Be(24);
        System.Text.Json.JsonSerializer.Serialize(read, BundleJson.Options).Should().Be(File.ReadAllText(path));
    }
}
