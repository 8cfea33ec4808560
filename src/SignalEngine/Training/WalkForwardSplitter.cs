namespace SignalEngine.Training;

/// <summary>
/// Anchored walk-forward folds over time steps. The span after the first <c>minTrainSteps + horizon + embargo</c>
/// steps is cut into <c>folds</c> consecutive test periods; each fold trains on every step from 0 up to
/// <c>horizon + embargo</c> steps before its test period. A training sample at step t has a label that looks at
/// steps t + 1 .. t + horizon, so the purge keeps every training label window out of the test period, and the
/// embargo adds a further gap against serial correlation of the features.
/// </summary>
public static class WalkForwardSplitter
{
    public static IReadOnlyList<WalkForwardFold> Split(int timeSteps, int folds, int horizon, int embargo, int minTrainSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(horizon);
        ArgumentOutOfRangeException.ThrowIfNegative(embargo);
        ArgumentOutOfRangeException.ThrowIfLessThan(minTrainSteps, 1);

        var gap = horizon + embargo;
        var firstTest = minTrainSteps + gap;
        var testSteps = timeSteps - firstTest;
        if (testSteps < folds)
        {
            throw new ArgumentException(
                $"{timeSteps} time steps are too few for {folds} walk-forward folds: {minTrainSteps} training steps, " +
                $"a gap of {gap} (horizon {horizon} + embargo {embargo}) and at least one test step per fold need {firstTest + folds}");
        }

        var result = new WalkForwardFold[folds];
        for (var k = 0; k < folds; k++)
        {
            var testStart = firstTest + (int)((long)testSteps * k / folds);
            var testEnd = firstTest + (int)((long)testSteps * (k + 1) / folds);
            result[k] = new WalkForwardFold(k, 0, testStart - gap, testStart, testEnd);
        }
        return result;
    }
}
