using SignalEngine.Labels;
using SignalEngine.Training;

namespace SignalEngine.Tuning;

/// <summary>
/// A trial's pipeline score on one test fold, through <see cref="FoldRunner"/>'s nested walk-forward (the same code
/// the bundle trainer and the evaluation run), so a search can score a trial fold by fold and stop it early.
/// </summary>
internal static class FoldEvaluation
{
    /// <summary>
    /// The pipeline's multiclass log loss on a test fold, stage 3 fitted on the earlier folds' outputs only, and the
    /// log loss of climatology: the training period's label frequencies (add-one smoothed) forecast for every test bar.
    /// </summary>
    public static FoldScore Score(FoldRunner runner, IReadOnlyList<FoldOutput> earlier, FoldOutput test, IEnumerable<SignalAction> trainingLabels)
    {
        var pipeline = StageMetrics.Pipeline(runner.Nested(earlier, test).Decisions, test.Labels);

        var counts = new Dictionary<SignalAction, double> { [SignalAction.Buy] = 1, [SignalAction.Sell] = 1, [SignalAction.Hold] = 1 };
        foreach (var label in trainingLabels) counts[label]++;
        var total = counts.Values.Sum();
        var climatology = test.Labels.Average(l => -Math.Log(counts[l] / total));
        return new FoldScore(pipeline.LogLoss, climatology, test.Labels.Count, pipeline.Coverage);
    }
}

/// <summary>
/// Out-of-sample log loss of the pipeline on one fold next to that of climatology for the same labels. Their ratio is
/// what the search minimises: label settings change the labels and hence what any log loss can reach, and the ratio
/// (one minus the log-loss skill score) compares them on an equal footing.
/// </summary>
public sealed record FoldScore(double LogLoss, double ClimatologyLogLoss, int Samples, double Coverage)
{
    public double Relative => LogLoss / ClimatologyLogLoss;
    public double Skill => 1 - Relative;
}
