namespace SignalEngine.Training;

/// <summary>Anchored walk-forward folds over time steps, purged by the label horizon and embargoed.</summary>
public static class WalkForwardSplitter
{
    public static IReadOnlyList<WalkForwardFold> Split(int timeSteps, int folds, int horizon, int embargo, int minTrainSteps) =>
        throw new NotImplementedException();
}
