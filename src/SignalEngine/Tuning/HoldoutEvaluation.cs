using SignalEngine.Bundle;
using SignalEngine.Training;

namespace SignalEngine.Tuning;

/// <summary>
/// A configuration's score on the held-out last fold, which no trial saw: stages 1 and 2 trained on every bar before
/// it (purged by the horizon and the embargo), stage 3 fitted on the out-of-fold outputs of the walk-forward over the
/// search bars, exactly as a walk-forward fold after them would be.
/// </summary>
public static class HoldoutEvaluation
{
    public static FoldScore Score(TuningData data, TrainingOptions options, CancellationToken cancellationToken = default)
    {
        var searchSet = TrainingSet.Build(data.Search, options.Features, options.Labels, options.Sequence.WindowLength);
        var outOfFold = new FoldRunner(searchSet, options, "tuning", null, cancellationToken).OutOfFold();

        var all = TrainingSet.Build(data.All, options.Features, options.Labels, options.Sequence.WindowLength);
        var gap = options.Labels.Horizon + options.EmbargoBars;
        var fold = new WalkForwardFold(options.Folds, 0, data.HoldoutStart - gap, data.HoldoutStart, all.TimeSteps);
        var runner = new FoldRunner(all, options, "tuning", null, cancellationToken);
        return FoldEvaluation.Score(runner, outOfFold, runner.Run(fold), all.InTimeRange(fold.TrainStart, fold.TrainEnd).Select(s => s.Label));
    }
}
