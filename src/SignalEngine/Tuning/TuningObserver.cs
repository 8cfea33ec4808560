namespace SignalEngine.Tuning;

/// <summary>Callbacks of a tune run for a progress display; each may come from a worker thread.</summary>
public sealed record TuningObserver
{
    public Action<string>? Phase { get; init; }
    public Action<GenerationSummary>? GenerationEnded { get; init; }

    /// <summary>A trial ended: the trial, and the best complete trial so far (null while there is none).</summary>
    public Action<Trial, Trial?>? TrialEnded { get; init; }
}
