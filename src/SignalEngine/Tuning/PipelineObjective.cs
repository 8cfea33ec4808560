using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Training;

namespace SignalEngine.Tuning;

/// <summary>
/// The TPE search's objective: purged walk-forward over the search bars with <see cref="TrainingOptions.Folds"/> folds;
/// fold 1 only feeds stage 3, and after each later fold the running mean of the pipeline's relative log loss
/// (log loss over climatology's, see <see cref="FoldScore"/>) is yielded as a rung. Nothing is scored in sample.
/// </summary>
public sealed class PipelineObjective(IReadOnlyList<BarSeries> series, TrainingOptions baseOptions) : ISearchObjective
{
    public int Rungs => baseOptions.Folds - 1;

    public TrainingOptions Options(ParameterSet parameters) => PipelineSearchSpace.Apply(baseOptions, parameters);

    public IEnumerable<double> Evaluate(ParameterSet parameters, CancellationToken cancellationToken)
    {
        var options = Options(parameters);
        var set = TrainingSet.Build(series, options.Features, options.Labels, options.Sequence.WindowLength);
        var runner = new FoldRunner(set, options, "tuning", null, cancellationToken);
        var outputs = new List<FoldOutput>();
        var relative = new List<double>();
        foreach (var fold in runner.Folds())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var output = runner.Run(fold);
            if (outputs.Count > 0)
            {
                var score = FoldEvaluation.Score(runner, outputs, output, set.InTimeRange(fold.TrainStart, fold.TrainEnd).Select(s => s.Label));
                relative.Add(score.Relative);
                outputs.Add(output);
                yield return relative.Average();
            }
            else
            {
                outputs.Add(output);
            }
        }
    }
}
