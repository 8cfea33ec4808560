namespace SignalEngine.Tuning;

public enum TrialState
{
    /// <summary>Scored on every rung.</summary>
    Complete,

    /// <summary>Stopped early: clearly worse than the completed trials at one of its rungs.</summary>
    Pruned,

    /// <summary>The objective threw; the trial has no score.</summary>
    Failed,
}
