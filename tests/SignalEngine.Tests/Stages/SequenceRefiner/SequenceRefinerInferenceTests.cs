using SignalEngine.Features;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.SequenceRefiner.Attribution;
using static TorchSharp.torch;

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

    [Fact]
    public void TheTransformerGivesTheSameBitsWhereverTheInputWindowsLieInMemory()
    {
        // The test bundle's sizes and the shipped schema's 13 features: for these MKL's kernel for the input projection
        // depends on the input's 16-byte alignment (and the packed windows are a managed array, wherever the collector
        // put it); the synthetic models' sizes happen not to show it.
        const int features = 13;
        var architecture = SyntheticSequences.Options with { WindowLength = 8, HiddenSize = 8 };
        TorchSequenceRefiner transformer;
        lock (TorchSequenceRefiner.GlobalRandom)
        {
            transformer = TorchSequenceRefiner.Create(
                "transformer", "test", architecture,
                new FeatureSchema(Enumerable.Range(0, features).Select(f => $"f{f}").ToArray()),
                new WindowScaler(new double[features], Enumerable.Repeat(1.0, features).ToArray()), training: null);
        }
        using var owned = transformer;
        var random = new Random(5);
        var windows = Enumerable.Range(0, 24).Select(_ => Enumerable.Range(0, architecture.WindowLength)
            .Select(_ => Enumerable.Range(0, features).Select(_ => random.NextDouble() * 2 - 1).ToArray()).ToArray()).ToArray();

        var first = transformer.Refine(windows).Select(r => r.ProbabilityUp!.Value).ToArray();
        for (var shift = 1; shift <= 8; shift++)
        {
            // Moves this thread's next managed allocations, the packed windows among them, on by 8 bytes at a time.
            GC.KeepAlive(new byte[8 * shift]);
            transformer.Refine(windows).Select(r => r.ProbabilityUp!.Value).Should().Equal(first, $"shift {shift}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TheTransformersEvalForwardAgreesWithTheNativeEncoder(int layers)
    {
        // One layer: the trained model; two: untrained weights, where the first layer runs for every token.
        TorchSequenceRefiner? untrained = null;
        if (layers > 1)
        {
            // Its weights come from libtorch's one generator: not while another test trains from a seed.
            lock (TorchSequenceRefiner.GlobalRandom)
            {
                untrained = TorchSequenceRefiner.Create(
                    "transformer", "test", SyntheticSequences.Options with { Layers = layers }, SyntheticSequences.Schema,
                    new WindowScaler(new double[4], [1, 1, 1, 1]), training: null);
            }
        }
        using var owned = untrained;
        var refiner = untrained ?? models.Transformer;
        var network = (TransformerNetwork)refiner.Network;
        var (windows, _) = SyntheticSequences.Sample(50, seed: 31);
        using var scope = NewDisposeScope();
        using var mode = no_grad();
        var x = tensor(refiner.Scaler.Transform(windows, SyntheticSequences.Length), [50, SyntheticSequences.Length, 4]);

        var eval = network.call(x).data<float>().ToArray();
        var native = network.NativeForward(x).data<float>().ToArray();

        network.training.Should().BeFalse("eval mode is the network's resting state");
        eval.Zip(native).Should().OnlyContain(p => Math.Abs(p.First - p.Second) <= 1e-5f * Math.Max(1, Math.Abs(p.Second)));
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void ABatchIsAttributedInOneCallEachWithinItsStatedTolerance(string kind)
    {
        var refiner = models.Get(kind);
        var (windows, _) = SyntheticSequences.Sample(40, seed: 17);

        var batch = refiner.Attribute(windows);
        var again = refiner.Attribute(windows);

        batch.Should().HaveCount(windows.Length);
        for (var i = 0; i < windows.Length; i++)
        {
            var a = batch[i];
            var change = a.Output - a.BaselineOutput;
            a.Tolerance.Should().BeApproximately(IntegratedGradients.RelativeTolerance * Math.Abs(change) + IntegratedGradients.AbsoluteTolerance, 1e-15);
            a.CompletenessGap.Should().BeLessThanOrEqualTo(a.Tolerance);
            a.Steps.Should().BeInRange(IntegratedGradients.InitialSteps, IntegratedGradients.MaxSteps);
            a.BaselineOutput.Should().Be(batch[0].BaselineOutput, "every window shares the one baseline");
            var probability = refiner.Refine([windows[i]])[0].ProbabilityUp!.Value;
            a.Output.Should().BeApproximately(Math.Log(probability / (1 - probability)), 1e-4);
            again[i].Attributions.Should().BeEquivalentTo(a.Attributions, o => o.WithStrictOrdering(), "the same batch gives the same numbers");
        }
    }
}
