namespace SignalEngine.Stages.TreeFilter;

/// <summary>Stage 1 hyperparameters, shared by the LightGBM and FastTree ensembles, and its filter rules.</summary>
public sealed record TreeFilterOptions
{
    /// <summary>The stage-1 kind, by its catalog name; a manifest written before the name was recorded reads this default.</summary>
    public string Model { get; init; } = GradientBoostedTreeFilter.ModelName;

    [Range(1, 5000)] public int NumberOfTrees { get; init; } = 100;
    [Range(2, 1024)] public int NumberOfLeaves { get; init; } = 16;
    [Range(1e-4, 1.0)] public double LearningRate { get; init; } = 0.05;
    [Range(1, 100000)] public int MinimumExampleCountPerLeaf { get; init; } = 50;
    [Range(0.05, 1.0)] public double FeatureFraction { get; init; } = 0.8;

    /// <summary>Items whose calibrated p(actionable) is under this become HOLD "filtered at stage 1".</summary>
    [Range(0.0, 1.0)] public double Threshold { get; init; } = 0.5;

    public IReadOnlyList<RuleDefinition> Rules { get; init; } = [RuleDefinition.RsiNeutralBand];
}

/// <summary>A veto rule: when Feature lies in [Min, Max] the item is HOLD, whatever the trees say.</summary>
public sealed record RuleDefinition(string Name, string Feature, double Min, double Max)
{
    /// <summary>RSI inside its neutral band: no momentum extreme to act on.</summary>
    public static RuleDefinition RsiNeutralBand { get; } = new("rsi-neutral-band", "rsi_14", 47.5, 52.5);
}
