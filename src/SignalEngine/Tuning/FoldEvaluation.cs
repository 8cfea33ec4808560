using SignalEngine.Evaluation;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Training;

namespace SignalEngine.Tuning;

/// <summary>
/// One walk-forward fold at a time, through <see cref="BundleTrainer.FoldRunner"/>'s stage-1 and stage-2 training
/// (the same code the bundle trainer runs), so a search can score a trial fold by fold and stop it early;
/// <see cref="BundleTrainer.FoldRunner.OutOfFold"/> trains every fold before returning.
/// </summary>
internal static class FoldEvaluation
{
    public static BundleTrainer.FoldOutput Run(BundleTrainer.FoldRunner runner, TrainingSet set, WalkForwardFold fold, TrainingOptions options)
    {
        var train = set.InTimeRange(fold.TrainStart, fold.TrainEnd);
        var test = set.InTimeRange(fold.TestStart, fold.TestEnd);
        var tree = runner.TrainTreeFilter(train);
        var refiners = options.Sequence.Models.Select(kind => runner.TrainRefiner(kind, train)).ToList();
        try
        {
            var scores = StageScorer.Score(tree, refiners, test.Select(set.Row).ToArray(), test.Select(s => (double[][]?)set.Window(s)).ToArray());
            return new BundleTrainer.FoldOutput(
                fold, test, scores,
                test.Select((s, i) => scores[i].ToMetaInput(set.Regime(s), set.Liquidity(s))).ToArray(),
                test.Select(s => s.Label).ToArray());
        }
        finally
        {
            foreach (var refiner in refiners) refiner.Dispose();
        }
    }

    /// <summary>
    /// The pipeline's multiclass log loss on a test fold, stage 3 fitted on the earlier folds' outputs only (as
    /// <see cref="BundleTrainer.FoldRunner.Metrics"/> does), and the log loss of climatology: the training period's
    /// label frequencies (add-one smoothed) forecast for every test bar.
    /// </summary>
    public static FoldScore Score(IReadOnlyList<BundleTrainer.FoldOutput> earlier, BundleTrainer.FoldOutput test, IEnumerable<SignalAction> trainingLabels, TrainingOptions options)
    {
        var meta = BayesianStackingMetaLearner.Fit(
            earlier.SelectMany(f => f.Inputs).ToArray(), earlier.SelectMany(f => f.Labels).ToArray(),
            options.Sequence.Models, options.Meta, "tuning");
        var decisions = test.Inputs.Select((input, i) => test.Scores[i].Tree.Passed ? meta.Decide(input) : meta.DecideAs(input, SignalAction.Hold)).ToArray();
        var pipeline = StageMetrics.Pipeline(decisions, test.Labels);

        var counts = new Dictionary<SignalAction, double> { [SignalAction.Buy] = 1, [SignalAction.Sell] = 1, [SignalAction.Hold] = 1 };
        foreach (var label in trainingLabels) counts[label]++;
        var total = counts.Values.Sum();
        var climatology = test.Labels.Average(l => -Math.Log(counts[l] / total));
        return new FoldScore(pipeline["logLoss"], climatology, test.Labels.Count, pipeline["coverage"]);
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
