namespace SignalEngine.Stages.TreeFilter;

/// <summary>A feature's share of a global importance measure; the shares of a model sum to 1.</summary>
public sealed record FeatureImportance(string Feature, double Importance);
