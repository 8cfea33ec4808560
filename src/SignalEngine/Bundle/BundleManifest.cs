using SignalEngine.Labels;

namespace SignalEngine.Bundle;

/// <summary>manifest.json of a model bundle folder: what was trained, on what, how, and how well out of sample.</summary>
public sealed record BundleManifest
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;
    public required string Version { get; init; }
    public required DateTimeOffset Created { get; init; }
    public string? Parent { get; init; }
    public required string TrainingDataFile { get; init; }
    public required string TrainingDataSha256 { get; init; }
    public required IReadOnlyList<string> FeatureSchema { get; init; }

    /// <summary>Standard deviation of each feature over the training samples: the perturbation scale of LIME explanations.</summary>
    public IReadOnlyList<double>? FeatureScales { get; init; }

    /// <summary>T: rows per stage-2 window, the current bar included. Requests send T - 1 history rows.</summary>
    public required int WindowLength { get; init; }
    public required LabelConfig Labels { get; init; }
    public required TrainingOptions Hyperparameters { get; init; }

    /// <summary>For a version made by online learning: what it learned from (its parent is <see cref="Parent"/>).</summary>
    public OnlineUpdate? Online { get; init; }

    /// <summary>The config file the hyperparameters came from (for example tune's best-config.json), or null for the defaults.</summary>
    public ConfigSource? Config { get; init; }

    /// <summary>Out-of-sample (walk-forward) metrics of every stage and of the pipeline.</summary>
    public required BundleMetrics Metrics { get; init; }

    /// <summary>
    /// Why stage 3 serves something other than the model it fitted, or null: "base rates", with the nested
    /// walk-forward's log-loss skill, when the fitted model forecast worse than the label frequencies.
    /// </summary>
    public string? MetaFallback { get; init; }

    /// <summary>Relative path of every artifact with its SHA-256, checked at load.</summary>
    public required IReadOnlyList<BundleArtifact> Artifacts { get; init; }
}

public sealed record BundleArtifact(string Stage, string Path, string Sha256);

/// <summary>A training config file by name and content hash, with the tuning summary found beside it, if any.</summary>
public sealed record ConfigSource(string File, string Sha256, string? TuningSummary);

/// <summary>What an online update learned from: new outcomes, replayed ones, and which stages changed.</summary>
public sealed record OnlineUpdate(
    DateTimeOffset Trained,
    int NewOutcomes,
    int ReplayedOutcomes,
    int HeldOutOutcomes,
    IReadOnlyList<string> StagesUpdated,
    IReadOnlyList<Guid> OutcomeSignalIds);
