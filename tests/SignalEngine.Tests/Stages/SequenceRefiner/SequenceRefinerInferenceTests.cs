using SignalEngine.Stages.SequenceRefiner;

namespace SignalEngine.Tests.Stages.SequenceRefiner;

[Collection(TrainedSequenceModels.Name)]
public sealed class SequenceRefinerInferenceTests(TrainedSequenceModels models)
{
    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void MissingHistoryAbstainsWithTheReasonAndKeepsItemOrder(string kind)
    {
        var refiner = models.Get(kind);
        var (windows, _) = SyntheticSequences.Sample(3, seed: 21);

        var results = refiner.Refine([windows[0], null, windows[1], null, windows[2]]);
        var alone = windows.Select(w => refiner.Refine([w])[0]).ToArray();

        results.Should().HaveCount(5).And.OnlyContain(r => r.Model == kind);
        results[1].Abstained.Should().BeTrue();
        results[1].AbstainReason.Should().Contain("abstained").And.Contain($"{SyntheticSequences.Length - 1} history rows");
        results[3].Should().Be(results[1]);
        new[] { results[0], results[2], results[4] }.Should().OnlyContain(r => !r.Abstained && r.AbstainReason == null);
        // A batch and single windows take different matrix kernels, so they agree to float32 rounding, not bit for bit.
        results[0].ProbabilityUp.Should().BeApproximately(alone[0].ProbabilityUp!.Value, 1e-6);
        results[2].ProbabilityUp.Should().BeApproximately(alone[1].ProbabilityUp!.Value, 1e-6);
        results[4].ProbabilityUp.Should().BeApproximately(alone[2].ProbabilityUp!.Value, 1e-6);
    }

    [Fact]
    public void AnAllAbstainingBatchNeedsNoModelCall()
    {
        models.Lstm.Refine([null, null]).Should().OnlyContain(r => r.Abstained);
        models.Lstm.Refine([]).Should().BeEmpty();
    }

    [Theory]
    [InlineData(15, 4)]
    [InlineData(16, 3)]
    public void AWindowOfTheWrongShapeIsRejected(int rows, int features)
    {
        var window = Enumerable.Range(0, rows).Select(_ => new double[features]).ToArray();

        var refine = () => models.Lstm.Refine([window]);
        var attribute = () => models.Transformer.Attribute(window);

        refine.Should().Throw<ArgumentException>().WithMessage("*window 0*");
        attribute.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void ANonFiniteValueIsRejectedWithItsPlace()
    {
        var (windows, _) = SyntheticSequences.Sample(2, seed: 3);
        windows[1][4][2] = double.NaN;

        var refine = () => models.Lstm.Refine(windows);

        refine.Should().Throw<ArgumentException>().WithMessage("*window 1 row 4 feature 'noise_b'*");
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public async Task ConcurrentCallsGiveTheSequentialResults(string kind)
    {
        var refiner = models.Get(kind);
        var batches = Enumerable.Range(0, 8).Select(i => SyntheticSequences.Sample(10 + i, seed: 100 + i).Windows).ToArray();
        var sequential = batches.Select(b => refiner.Refine(b).Select(r => r.ProbabilityUp!.Value).ToArray()).ToArray();

        var concurrent = await Task.WhenAll(batches.Select(b => Task.Run(() =>
        {
            var results = new List<double[]>();
            for (var repeat = 0; repeat < 5; repeat++) results.Add(refiner.Refine(b).Select(r => r.ProbabilityUp!.Value).ToArray());
            return results;
        })));

        for (var i = 0; i < batches.Length; i++)
        {
            foreach (var result in concurrent[i]) result.Should().Equal(sequential[i]);
        }
    }
}
