namespace SignalEngine.Tuning;

/// <summary>
/// Asynchronous successive halving: after rung r a trial continues only when its running score is no worse than the
/// <see cref="PruningOptions.KeepQuantile"/> quantile of the scores that earlier trials (complete or pruned) had at rung r.
/// </summary>
public sealed class SuccessiveHalvingPruner(PruningOptions options)
{
    public bool ShouldStop(int rung, double runningScore, IEnumerable<Trial> history)
    {
        if (!double.IsFinite(runningScore)) return true;
        var atRung = history.Where(t => t.State != TrialState.Failed && t.RungScores.Count > rung)
            .Select(t => t.RungScores[rung]).Where(double.IsFinite).Order().ToArray();
        if (atRung.Length < options.MinimumTrialsAtRung) return false;
        return runningScore > Quantile(atRung, options.KeepQuantile);
    }

    /// <summary>Linear interpolation between order statistics of sorted values.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
