namespace SignalEngine.Online;

/// <summary>Online learning: when a candidate is built, from what, and when it may replace the serving model.</summary>
public sealed record OnlineOptions
{
    public const string Section = "OnlineLearning";

    /// <summary>Off on a fresh install: outcomes are recorded, nothing learns until this is switched on.</summary>
    public bool Enabled { get; init; }

    /// <summary>A candidate is built once this many outcomes have arrived that no candidate has used.</summary>
    [Range(2, 1_000_000)] public int EveryOutcomes { get; init; } = 50;

    /// <summary>The most recent share of those outcomes is held out for the shadow evaluation, never trained on.</summary>
    [Range(0.05, 0.9)] public double HoldoutShare { get; init; } = 0.3;

    [Range(0, 1_000_000)] public int ReplayReservoir { get; init; } = 1000;
    [Range(0, 1_000_000)] public int ReplayRecent { get; init; } = 200;

    [Range(1, 10_000)] public int FineTuneSteps { get; init; } = 20;
    [Range(1e-6, 1.0)] public double FineTuneLearningRate { get; init; } = 5e-4;

    /// <summary>Stage 1 is retrained on the stored samples every this many candidates (it is the slowest to move).</summary>
    [Range(1, 1000)] public int StageOneEvery { get; init; } = 5;
    [Range(50, 1_000_000)] public int StageOneMinimumSamples { get; init; } = 500;

    /// <summary>Stage 1 is retrained on at most this many of the most recent outcomes: a rolling window.</summary>
    [Range(50, 10_000_000)] public int StageOneWindow { get; init; } = 5000;

    /// <summary>A candidate is promoted only if its held-out log loss is at most the serving model's plus this.</summary>
    [Range(0.0, 10.0)] public double LogLossMargin { get; init; } = 0.01;

    /// <summary>... and its precision (where both act) at least the serving model's minus this.</summary>
    [Range(0.0, 1.0)] public double PrecisionMargin { get; init; } = 0.02;

    [Required(AllowEmptyStrings = false)] public string CandidatesPath { get; init; } = "models/candidates";
    public int Seed { get; init; } = 42;
}
