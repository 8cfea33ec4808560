using System.Collections.Concurrent;
using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Labels;
using SignalEngine.Scoring;
using SignalEngine.Training;

namespace SignalEngine.Tuning;

/// <summary>
/// Fitness of a stage-2 architecture: purged walk-forward log loss of BUY versus SELL on the actionable test bars of
/// every fold (trained through <see cref="FoldRunner.TrainRefiner"/> on the fold's past), plus
/// <see cref="SizePenalty"/> per decade of trainable weights, so a bigger network has to earn its size.
/// </summary>
public sealed class StageTwoFitness(IReadOnlyList<BarSeries> series, TrainingOptions baseOptions, double sizePenalty)
{
    private readonly ConcurrentDictionary<int, Lazy<TrainingSet>> _sets = new();

    public double SizePenalty { get; } = sizePenalty;

    public double Evaluate(ArchitectureGenome genome, CancellationToken cancellationToken = default)
    {
        var options = baseOptions with { Sequence = genome.Apply(baseOptions.Sequence) };
        var set = _sets.GetOrAdd(genome.WindowLength, window => new Lazy<TrainingSet>(() =>
            TrainingSet.Build(series, options.Features, options.Labels, window))).Value;
        var runner = new FoldRunner(set, options, "tuning", null, cancellationToken);
        var probabilities = new List<double>();
        var up = new List<bool>();
        foreach (var fold in runner.Folds())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var test = set.InTimeRange(fold.TestStart, fold.TestEnd).Where(s => s.Label != SignalAction.Hold).ToArray();
            using var refiner = runner.TrainRefiner(genome.Kind, set.InTimeRange(fold.TrainStart, fold.TrainEnd));
            var results = refiner.Refine(test.Select(s => (double[][]?)set.Window(s)).ToArray());
            for (var i = 0; i < test.Length; i++)
            {
                if (results[i].ProbabilityUp is not { } p) continue;
                probabilities.Add(p);
                up.Add(test[i].Label == SignalAction.Buy);
            }
        }
        if (probabilities.Count == 0) return double.PositiveInfinity;
        return Metrics.LogLoss(probabilities, up) + SizePenalty * Math.Log10(genome.ParameterCount(set.Schema.Count));
    }
}
