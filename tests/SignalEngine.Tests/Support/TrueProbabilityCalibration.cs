using System.Globalization;
using SignalEngine.Decisions;
using SignalEngine.Labels;
using SignalEngine.Scoring;

namespace SignalEngine.Tests.Support;

/// <summary>
/// The ECE that the true probabilities themselves show on <see cref="SyntheticMarket"/>'s drift series: the floor no
/// engine can go below, because on a few thousand overlapping labels a perfectly calibrated forecast's bins still miss
/// their frequencies by chance. A bar's true outcome probabilities follow from the generator (the scheduled drift and
/// <see cref="SyntheticMarket.Noise"/> over the next H returns) and from the bar's own barriers (its trailing
/// volatility, as the labeller sets them), by Monte Carlo. The ECE is computed as <c>evaluate</c> computes it, over
/// the confidence of the action taken, for three ways of acting on the truth.
/// </summary>
public sealed class TrueProbabilityCalibration(Func<int, double> drift, LabelConfig? labels = null, double costBasisPoints = 5, int seed = 20261203)
{
    /// <summary>The ways of acting on the true probabilities, in the order <see cref="Ece"/> returns them.</summary>
    public static IReadOnlyList<string> Actions { get; } = ["decision rule", "likeliest outcome", "always HOLD"];

    private const double WidthStep = 0.0005;
    private static readonly double[] Widths = [.. Enumerable.Range(0, 240).Select(i => 0.004 + i * WidthStep)];

    private readonly LabelConfig _labels = labels ?? new LabelConfig();
    private readonly BarrierTradeRuleOptions _rule = new() { RoundTripCostBasisPoints = costBasisPoints };
    private readonly Random _random = new(seed);
    private readonly Dictionary<double, (double Buy, double Sell)[]> _tables = [];

    /// <summary>Per realisation, the ECE of each of <see cref="Actions"/>: the series written again with seeds
    /// <paramref name="firstSeed"/>, <paramref name="firstSeed"/> + 1, ..., its bars <paramref name="first"/> to
    /// <paramref name="last"/> evaluated.</summary>
    public IReadOnlyList<double[]> Replicates(int bars, int first, int last, int replicates, int firstSeed = 1000)
    {
        var result = new List<double[]>();
        for (var r = 0; r < replicates; r++)
        {
            var path = SyntheticMarket.Write("true-probabilities", bars, firstSeed + r, plantEvents: false, driftAt: drift);
            var close = File.ReadLines(path).Skip(1).Select(line => double.Parse(line.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
            File.Delete(path);
            result.Add(Ece(close, first, last));
        }
        return result;
    }

    /// <summary>The ECE of each of <see cref="Actions"/> on one realisation's bars <paramref name="first"/> to <paramref name="last"/>.</summary>
    public double[] Ece(IReadOnlyList<double> close, int first, int last)
    {
        var outcomes = TripleBarrierLabeler.Label(close, _labels);
        var confidence = Actions.Select(_ => new List<double>()).ToArray();
        var correct = Actions.Select(_ => new List<bool>()).ToArray();
        for (var t = first; t <= last; t++)
        {
            if (outcomes[t] is not { } label) continue;
            var w = _labels.BarrierWidth * TrailingVolatility(close, t) * Math.Sqrt(_labels.Horizon);
            var (buy, sell) = Probabilities(w, [.. Enumerable.Range(t + 1, _labels.Horizon).Select(drift)]);
            var truth = new OutcomeProbabilities(buy, sell, 1 - buy - sell);
            SignalAction[] actions =
            [
                BarrierTradeRule.Decide(truth, [buy], [sell], [truth.Hold], new BarrierWidths(w, Math.Min(w, 0.999)), _rule).Action,
                buy >= sell && buy >= truth.Hold ? SignalAction.Buy : sell >= truth.Hold ? SignalAction.Sell : SignalAction.Hold,
                SignalAction.Hold,
            ];
            for (var a = 0; a < actions.Length; a++)
            {
                confidence[a].Add(actions[a] switch { SignalAction.Buy => truth.Buy, SignalAction.Sell => truth.Sell, _ => truth.Hold });
                correct[a].Add(actions[a] == label);
            }
        }
        return [.. confidence.Select((c, a) => Calibration.ExpectedCalibrationError(c, correct[a]))];
    }

    /// <summary>The labeller's volatility: sample standard deviation of the window's one-bar log returns ending at bar t.</summary>
    private double TrailingVolatility(IReadOnlyList<double> close, int t)
    {
        var returns = Enumerable.Range(t - _labels.VolatilityWindow + 1, _labels.VolatilityWindow).Select(k => Math.Log(close[k] / close[k - 1])).ToArray();
        var mean = returns.Average();
        return Math.Sqrt(returns.Sum(x => (x - mean) * (x - mean)) / (returns.Length - 1));
    }

    /// <summary>P(upper barrier first) and P(lower first) for log barriers ±w under the next H returns' drifts. Under one
    /// drift throughout they depend on the width alone, so they come from a table over widths, interpolated.</summary>
    private (double Buy, double Sell) Probabilities(double w, double[] drifts)
    {
        if (drifts.Any(x => x != drifts[0])) return Simulate(w, drifts, 20_000);
        if (!_tables.TryGetValue(drifts[0], out var table))
            _tables[drifts[0]] = table = [.. Widths.Select(x => Simulate(x, drifts, 40_000))];
        var k = Math.Clamp((int)((w - Widths[0]) / WidthStep), 0, Widths.Length - 2);
        var f = Math.Clamp((w - Widths[k]) / WidthStep, 0, 1);
        return (table[k].Buy + f * (table[k + 1].Buy - table[k].Buy), table[k].Sell + f * (table[k + 1].Sell - table[k].Sell));
    }

    private (double Buy, double Sell) Simulate(double w, double[] drifts, int paths)
    {
        var (up, down) = (0, 0);
        for (var p = 0; p < paths; p++)
        {
            var cumulative = 0.0;
            foreach (var d in drifts)
            {
                cumulative += d + SyntheticMarket.Noise * Gaussian();
                if (cumulative >= w) { up++; break; }
                if (cumulative <= -w) { down++; break; }
            }
        }
        return (up / (double)paths, down / (double)paths);
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
