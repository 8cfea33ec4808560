using System.Text.Json;
using SignalEngine.Api.Hosting;
using SignalEngine.Api.Storage;
using SignalEngine.Stages.SequenceRefiner;

namespace SignalEngine.Tests.Api;

public sealed class StoredPrecisionTests
{
    /// <summary>32 x 13 attributions of assorted sizes, the shape of the default bundle's windows, with a gap of 0.0031.</summary>
    private static SequenceAttribution Attribution()
    {
        var random = new Random(13);
        var attributions = Enumerable.Range(0, 32)
            .Select(_ => Enumerable.Range(0, 13).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, -random.Next(1, 8))).ToArray())
            .ToArray();
        var sum = attributions.Sum(step => step.Sum());
        var totals = Enumerable.Range(0, 13).Select(f => attributions.Sum(step => step[f])).ToArray();
        const double gap = 0.0031;
        return new SequenceAttribution("lstm", "training-mean window", 1.1 + sum + gap, 1.1, Enumerable.Range(0, 13).Select(f => $"f{f}").ToArray(),
            attributions, totals, gap, 7, 0.0034);
    }

    [Fact]
    public void AttributionsAreRoundedToAQuantumThatMovesTheirSumByAtMostATwentiethOfTheTolerance()
    {
        var computed = Attribution();

        var stored = StoredPrecision.Of(computed);

        var quantum = StoredPrecision.Quantum(computed.Tolerance, 32 * 13);
        quantum.Should().Be(1e-7, "0.0034 / 20 over 416 values is 4.1e-7 a value at most, half a quantum");
        var errors = computed.Attributions.Zip(stored.Attributions).SelectMany(p => p.First.Zip(p.Second, (a, r) => Math.Abs(a - r))).ToArray();
        errors.Should().OnlyContain(e => e <= quantum / 2 * (1 + 1e-9));
        var sumMoved = Math.Abs(stored.Attributions.Sum(s => s.Sum()) - computed.Attributions.Sum(s => s.Sum()));
        sumMoved.Should().BeLessThanOrEqualTo(computed.Tolerance * StoredPrecision.ShareOfTolerance);
    }

    [Fact]
    public void TheGapTheOutputsAndTheTotalsStayAsComputedSoRoundingCannotHideAGap()
    {
        var computed = Attribution();

        var stored = StoredPrecision.Of(computed);

        stored.Should().BeEquivalentTo(computed, o => o.Excluding(a => a.Attributions));
        stored.CompletenessGap.Should().Be(computed.CompletenessGap);
        var recomputed = Math.Abs(stored.Attributions.Sum(s => s.Sum()) - (stored.Output - stored.BaselineOutput));
        recomputed.Should().BeApproximately(computed.CompletenessGap, computed.Tolerance * StoredPrecision.ShareOfTolerance,
            "the gap recomputed from the stored values is the reported one, within the rounding's bound");
    }

    [Fact]
    public void RoundedAttributionsPrintAsShortDecimals()
    {
        var stored = StoredPrecision.Of(Attribution());

        var json = JsonSerializer.Serialize(stored.Attributions, ApiDefaults.Json);
        var numbers = JsonSerializer.Deserialize<double[][]>(json)!.SelectMany(s => s).ToArray();

        numbers.Should().Equal(stored.Attributions.SelectMany(s => s), "the stored values read back exactly");
        json.Split(',').Should().OnlyContain(n => n.Trim('[', ']').TrimStart('-').TrimStart('0', '.').Length <= 9,
            "at most 7 decimals, so no value carries the 17 digits of an unrounded double");
    }

    [Fact]
    public void AnAttributionWithoutAUsableToleranceIsKeptAsComputed()
    {
        var computed = Attribution() with { Tolerance = double.NaN };

        StoredPrecision.Of(computed).Should().BeSameAs(computed);
    }
}
