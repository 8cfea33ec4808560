using SignalEngine.Features;
using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;

namespace SignalEngine.Tests.Stages.MetaLearner;

/// <summary>Stage outputs and labels from known generative processes, so a fit has a known answer.</summary>
internal static class SyntheticStacking
{
    public static readonly string[] Models = ["lstm", "transformer"];

    public static readonly MetaLearnerOptions Options = new();

    public sealed record Sample(List<MetaInput> Inputs, List<SignalAction> Labels);

    /// <summary>
    /// In the high regime the label follows the stage-2 signal, in the low regime the stage-1 signal, in the normal
    /// regime both at half strength; noise comes from sampling the label and from a HOLD class that wins whenever
    /// the signal is weak. One item in ten has every sequence model abstaining.
    /// </summary>
    public static Sample ContextDependent(int count, int seed, bool withoutContext = false)
    {
        var random = new Random(seed);
        var sample = new Sample([], []);
        for (var i = 0; i < count; i++)
        {
            var stageOne = Normal(random) * 1.5;
            var stageTwo = Normal(random) * 1.5;
            var abstained = random.NextDouble() < 0.1;
            double?[] sequence = abstained
                ? [null, null]
                : [Sigmoid(stageTwo + 0.3 * Normal(random)), Sigmoid(stageTwo + 0.3 * Normal(random))];
            var regime = MarketRegime.All[random.Next(3)];
            var signal = regime switch
            {
                MarketRegime.High => stageTwo,
                MarketRegime.Low => stageOne,
                _ => 0.5 * (stageOne + stageTwo),
            };

            var label = SampleLabel(random, 1.5 * signal - 0.3, -1.5 * signal - 0.3);
            sample.Inputs.Add(withoutContext
                ? new MetaInput(Sigmoid(stageOne), sequence, MarketRegime.Normal, 0.0)
                : new MetaInput(Sigmoid(stageOne), sequence, regime, Normal(random)));
            sample.Labels.Add(label);
        }

        return sample;
    }

    /// <summary>Labels drawn from the stage 3 model itself with the given BUY-then-SELL weights.</summary>
    public static Sample FromModel(double[] weights, int count, int seed)
    {
        var design = new StackingDesign(Models);
        var random = new Random(seed);
        var sample = new Sample([], []);
        for (var i = 0; i < count; i++)
        {
            var input = RandomInput(random);
            var x = design.Encode(input);
            var buy = Dot(weights.AsSpan(0, design.Dimension), x);
            var sell = Dot(weights.AsSpan(design.Dimension), x);
            sample.Inputs.Add(input);
            sample.Labels.Add(SampleLabel(random, buy, sell));
        }

        return sample;
    }

    public static MetaInput RandomInput(Random random)
    {
        var abstained = random.NextDouble() < 0.1;
        double?[] sequence = abstained
            ? [null, null]
            : [Sigmoid(1.5 * Normal(random)), random.NextDouble() < 0.1 ? null : Sigmoid(1.5 * Normal(random))];
        return new MetaInput(
            Sigmoid(1.5 * Normal(random)), sequence, MarketRegime.All[random.Next(3)], 1.5 * Normal(random));
    }

    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public static double Normal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

    private static SignalAction SampleLabel(Random random, double buyLogit, double sellLogit)
    {
        var total = 1.0 + Math.Exp(buyLogit) + Math.Exp(sellLogit);
        var u = random.NextDouble() * total;
        if (u < 1.0) return SignalAction.Hold;
        return u < 1.0 + Math.Exp(buyLogit) ? SignalAction.Buy : SignalAction.Sell;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
