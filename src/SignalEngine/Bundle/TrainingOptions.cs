using SignalEngine.Decisions;
using SignalEngine.Features;
using SignalEngine.Labels;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Bundle;

/// <summary>Everything that decides what a training run produces; recorded whole in the bundle manifest.</summary>
public sealed record TrainingOptions
{
    public LabelConfig Labels { get; init; } = new();
    public FeatureOptions Features { get; init; } = new();
    public TreeFilterOptions TreeFilter { get; init; } = new();
    public SequenceModelOptions Sequence { get; init; } = new();
    public MetaLearnerOptions Meta { get; init; } = new();

    /// <summary>The decision rule after costs and the bet sizing; a manifest written before they existed reads the defaults.</summary>
    public DecisionOptions Decision { get; init; } = new();

    /// <summary>Walk-forward folds for the out-of-fold predictions stage 3 is fitted on and for the metrics.</summary>
    [Range(2, 50)] public int Folds { get; init; } = 4;

    /// <summary>Bars between the purged end of training and the test period.</summary>
    [Range(0, 10000)] public int EmbargoBars { get; init; } = 10;
    public int Seed { get; init; } = 42;
}
