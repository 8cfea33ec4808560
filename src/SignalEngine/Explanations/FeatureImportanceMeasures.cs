namespace SignalEngine.Explanations;

/// <summary>One feature's global importance under three measures.</summary>
/// <param name="MeanAbsoluteShap">Mean |TreeSHAP contribution| to the combined log-odds score over the rows.</param>
/// <param name="SplitGain">Share of the ensembles' total split gain; the shares of a model sum to 1.</param>
/// <param name="Permutation">Increase of the log loss of p(actionable) when this feature's column is shuffled, averaged over the repeats; near 0 or negative for a feature the model does not use.</param>
public sealed record FeatureImportanceMeasures(string Feature, double MeanAbsoluteShap, double SplitGain, double Permutation);
