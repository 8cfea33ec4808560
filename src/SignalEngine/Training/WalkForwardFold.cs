namespace SignalEngine.Training;

/// <summary>
/// One walk-forward fold over time steps (indices into the sorted distinct timestamps). Training is
/// [TrainStart, TrainEnd) and precedes the test period [TestStart, TestEnd) by Horizon (purge: no training label
/// window reaches into the test period) plus the embargo.
/// </summary>
public sealed record WalkForwardFold(int Index, int TrainStart, int TrainEnd, int TestStart, int TestEnd)
{
    public int TrainCount => TrainEnd - TrainStart;
    public int TestCount => TestEnd - TestStart;
}
