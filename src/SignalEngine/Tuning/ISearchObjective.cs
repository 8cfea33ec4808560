namespace SignalEngine.Tuning;

/// <summary>What a hyperparameter search minimises.</summary>
public interface ISearchObjective
{
    /// <summary>How many rungs (walk-forward folds, say) a complete evaluation has.</summary>
    int Rungs { get; }

    /// <summary>
    /// Evaluates lazily: yields the running score (lower is better) after each rung, <see cref="Rungs"/> values in
    /// all; the search stops enumerating when the trial is pruned, so no work is done for the rungs it skips.
    /// </summary>
    IEnumerable<double> Evaluate(ParameterSet parameters, CancellationToken cancellationToken);
}
