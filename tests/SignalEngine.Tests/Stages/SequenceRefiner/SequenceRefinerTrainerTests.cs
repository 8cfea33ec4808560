using SignalEngine.Stages.SequenceRefiner;

namespace SignalEngine.Tests.Stages.SequenceRefiner;

[Collection(TrainedSequenceModels.Name)]
public sealed class SequenceRefinerTrainerTests(TrainedSequenceModels models)
{
    private static readonly SequenceModelOptions Quick = SyntheticSequences.Options with { Epochs = 2 };

    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void TheSameSeedGivesTheSameModelAndAnotherSeedAnother(string kind)
    {
        var (windows, up) = SyntheticSequences.Sample(300, seed: 41);
        var (test, _) = SyntheticSequences.Sample(20, seed: 42);

        using var first = SequenceRefinerTrainer.Train(kind, windows, up, SyntheticSequences.Schema, Quick, 3, "a");
        using var second = SequenceRefinerTrainer.Train(kind, windows, up, SyntheticSequences.Schema, Quick, 3, "b");
        using var other = SequenceRefinerTrainer.Train(kind, windows, up, SyntheticSequences.Schema, Quick, 4, "c");

        var probabilities = first.Refine(test).Select(r => r.ProbabilityUp).ToArray();
        second.Refine(test).Select(r => r.ProbabilityUp).Should().Equal(probabilities);
        other.Refine(test).Select(r => r.ProbabilityUp).Should().NotEqual(probabilities);
        second.Training.Should().Be(first.Training);
    }

    [Fact]
    public void DegenerateTrainingSetsAreRejected()
    {
        var (windows, up) = SyntheticSequences.Sample(100, seed: 43);
        var schema = SyntheticSequences.Schema;

        var none = () => SequenceRefinerTrainer.Train("lstm", [], [], schema, Quick, 1, "v");
        var oneClass = () => SequenceRefinerTrainer.Train("lstm", windows, windows.Select(_ => true).ToArray(), schema, Quick, 1, "v");
        var mismatch = () => SequenceRefinerTrainer.Train("lstm", windows, up.Take(99).ToArray(), schema, Quick, 1, "v");
        var badShape = () => SequenceRefinerTrainer.Train(
            "lstm", windows.Select(w => w.Take(10).ToArray()).ToArray(), up, schema, Quick, 1, "v");
        var badHeads = () => SequenceRefinerTrainer.Train("transformer", windows, up, schema, Quick with { Heads = 3 }, 1, "v");

        none.Should().Throw<ArgumentException>().WithMessage("*no windows*");
        oneClass.Should().Throw<ArgumentException>().WithMessage("*one class*");
        mismatch.Should().Throw<ArgumentException>();
        badShape.Should().Throw<ArgumentException>().WithMessage("*10 rows*");
        badHeads.Should().Throw<ArgumentException>().WithMessage("*Heads*");
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void FineTuningMovesPredictionsTowardTheNewData(string kind)
    {
        var bundle = Directory.CreateTempSubdirectory("stage2-finetune-").FullName;
        try
        {
            models.Get(kind).Save(bundle);
            using var copy = SequenceRefinerArtifacts.Load(bundle, kind, "candidate");
            // A new regime: the planted relation flips sign.
            var (windows, up) = SyntheticSequences.Sample(400, seed: 51);
            var flipped = up.Select(u => !u).ToArray();
            var (test, testUp) = SyntheticSequences.Sample(300, seed: 52);
            var testFlipped = testUp.Select(u => !u).ToArray();
            var before = SyntheticSequences.Accuracy(copy.Refine(test).Select(r => r.ProbabilityUp!.Value).ToArray(), testFlipped);

            var summary = copy.FineTune(windows, flipped, steps: 60, learningRate: 5e-3, seed: 1);

            var after = SyntheticSequences.Accuracy(copy.Refine(test).Select(r => r.ProbabilityUp!.Value).ToArray(), testFlipped);
            summary.Steps.Should().Be(60);
            summary.Samples.Should().Be(400);
            summary.LogLossAfter.Should().BeLessThan(summary.LogLossBefore);
            after.Should().BeGreaterThan(before + 0.2);
            // The serving model is untouched: fine-tuning happened on a copy.
            models.Get(kind).Refine(test).Select(r => r.ProbabilityUp!.Value).Should().NotEqual(copy.Refine(test).Select(r => r.ProbabilityUp!.Value));
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }
    [Fact]
    public void FineTuningWithTheSameSeedIsDeterministicAndKeepsTheStandardisation()
    {
        var bundle = Directory.CreateTempSubdirectory("stage2-finetune-").FullName;
        try
        {
            models.Transformer.Save(bundle);
            using var first = SequenceRefinerArtifacts.Load(bundle, "transformer", "a");
            using var second = SequenceRefinerArtifacts.Load(bundle, "transformer", "b");
            var (windows, up) = SyntheticSequences.Sample(100, seed: 61);
            var (test, _) = SyntheticSequences.Sample(20, seed: 62);

            first.FineTune(windows, up, steps: 5, learningRate: 1e-3, seed: 9);
            second.FineTune(windows, up, steps: 5, learningRate: 1e-3, seed: 9);

            second.Refine(test).Select(r => r.ProbabilityUp).Should().Equal(first.Refine(test).Select(r => r.ProbabilityUp));
            first.Save(bundle);
            var saved = File.ReadAllText(Path.Combine(bundle, "stage2", "transformer.json"));
            models.Transformer.Save(bundle);
            File.ReadAllText(Path.Combine(bundle, "stage2", "transformer.json")).Should().Be(saved);
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }
}
