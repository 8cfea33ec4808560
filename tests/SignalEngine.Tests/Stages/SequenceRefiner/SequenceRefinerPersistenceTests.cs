using SignalEngine.Stages.SequenceRefiner;

namespace SignalEngine.Tests.Stages.SequenceRefiner;

[Collection(TrainedSequenceModels.Name)]
public sealed class SequenceRefinerPersistenceTests(TrainedSequenceModels models) : IDisposable
{
    private readonly string _bundle = Directory.CreateTempSubdirectory("stage2-").FullName;

    public void Dispose() => Directory.Delete(_bundle, recursive: true);

    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void SaveThenLoadReproducesProbabilitiesAndAttributionsExactly(string kind)
    {
        var refiner = models.Get(kind);
        var (windows, _) = SyntheticSequences.Sample(50, seed: 31);

        var paths = refiner.Save(_bundle);
        using var loaded = SequenceRefinerArtifacts.Load(_bundle, kind, "reloaded");

        paths.Should().Equal($"stage2/{kind}.dat", $"stage2/{kind}.json");
        paths.Should().OnlyContain(p => File.Exists(Path.Combine(_bundle, p)));
        loaded.Should().BeOfType(kind == "lstm" ? typeof(LstmRefiner) : typeof(TransformerRefiner));
        loaded.Model.Should().Be(new SignalEngine.Stages.ModelStamp(kind, "reloaded"));
        loaded.WindowLength.Should().Be(SyntheticSequences.Length);
        loaded.Schema.Should().Be(SyntheticSequences.Schema);
        loaded.Training.Should().Be(refiner.Training);
        loaded.Refine(windows).Select(r => r.ProbabilityUp).Should().Equal(refiner.Refine(windows).Select(r => r.ProbabilityUp));
        loaded.Attribute(windows[0]).Attributions.Should().BeEquivalentTo(refiner.Attribute(windows[0]).Attributions);
    }

    [Fact]
    public void AMissingFileIsReportedByName()
    {
        var missingBoth = () => SequenceRefinerArtifacts.Load(_bundle, "lstm", "v");
        missingBoth.Should().Throw<FileNotFoundException>().WithMessage("*lstm.json*");

        models.Lstm.Save(_bundle);
        File.Delete(Path.Combine(_bundle, "stage2", "lstm.dat"));
        var missingWeights = () => SequenceRefinerArtifacts.Load(_bundle, "lstm", "v");
        missingWeights.Should().Throw<FileNotFoundException>().WithMessage("*lstm.dat*");
    }

    [Fact]
    public void CorruptWeightsAreInvalidData()
    {
        models.Lstm.Save(_bundle);
        File.WriteAllBytes(Path.Combine(_bundle, "stage2", "lstm.dat"), [1, 2, 3, 4, 5, 6, 7]);

        var load = () => SequenceRefinerArtifacts.Load(_bundle, "lstm", "v");

        load.Should().Throw<InvalidDataException>().WithMessage("*lstm.dat*");
    }

    [Fact]
    public void WeightsOfAnotherArchitectureAreInvalidData()
    {
        models.Lstm.Save(_bundle);
        models.Transformer.Save(_bundle);
        File.Copy(Path.Combine(_bundle, "stage2", "transformer.dat"), Path.Combine(_bundle, "stage2", "lstm.dat"), overwrite: true);

        var load = () => SequenceRefinerArtifacts.Load(_bundle, "lstm", "v");

        load.Should().Throw<InvalidDataException>();
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"Format\": 1}")]
    [InlineData("null")]
    public void CorruptMetadataIsInvalidData(string json)
    {
        models.Transformer.Save(_bundle);
        File.WriteAllText(Path.Combine(_bundle, "stage2", "transformer.json"), json);

        var load = () => SequenceRefinerArtifacts.Load(_bundle, "transformer", "v");

        load.Should().Throw<InvalidDataException>().WithMessage("*transformer.json*");
    }

    [Fact]
    public void AnUnknownKindIsAnArgumentError()
    {
        var load = () => SequenceRefinerArtifacts.Load(_bundle, "gru", "v");
        var train = () => SequenceRefinerTrainer.Train(
            "gru", SyntheticSequences.Sample(100, 1).Windows, SyntheticSequences.Sample(100, 1).Up,
            SyntheticSequences.Schema, SyntheticSequences.Options, 1, "v");

        load.Should().Throw<ArgumentException>().WithMessage("*gru*");
        train.Should().Throw<ArgumentException>().WithMessage("*gru*");
    }
}
