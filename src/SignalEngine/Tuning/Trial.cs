namespace SignalEngine.Tuning;

/// <summary>
/// One evaluated point. Score is the running score at the last rung reached (lower is better); RungScores holds the
/// running score after each rung, which successive halving compares across trials.
/// </summary>
public sealed record Trial(int Number, ParameterSet Parameters, TrialState State, double Score, IReadOnlyList<double> RungScores, double Seconds)
{
    public bool Completed => State == TrialState.Complete && double.IsFinite(Score);
}
