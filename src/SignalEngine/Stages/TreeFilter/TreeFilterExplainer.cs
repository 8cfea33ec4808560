using System.Buffers;
using SignalEngine.Features;
using SignalEngine.Stages.TreeFilter.Shapley;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>
/// The explanations of a <see cref="GradientBoostedTreeFilter"/>: exact TreeSHAP of the combined calibrated score
/// and of each ensemble's raw score, and the ensembles' split gain shares.
/// </summary>
internal sealed class TreeFilterExplainer
{
    private readonly FeatureSchema schema;
    private readonly BoostedEnsemble[] ensembles;
    private readonly int pathBufferLength;

    public TreeFilterExplainer(FeatureSchema schema, BoostedEnsemble[] ensembles)
    {
        this.schema = schema;
        this.ensembles = ensembles;
        pathBufferLength = TreeShap.PathBufferLength(ensembles.Max(e => e.MaxDepth));
        var baseValue = 0.0;
        foreach (var ensemble in ensembles) baseValue += ensemble.Calibration.LogOdds(ensemble.ExpectedRawScore);
        BaseValue = baseValue / ensembles.Length;
    }

    /// <summary>The combined score's expectation under the training cover distribution.</summary>
    public double BaseValue { get; }

    /// <summary>
    /// Exact TreeSHAP of the row, with each ensemble's raw score from the same pass over its trees;
    /// <paramref name="row"/> is <paramref name="features"/> in float, as the trees read it.
    /// </summary>
    public TreeExplanation Explain(ReadOnlySpan<double> features, ReadOnlySpan<float> row)
    {
        var featureCount = schema.Count;
        var combined = new double[featureCount];
        var models = new TreeModelExplanation[ensembles.Length];
        var score = 0.0;
        var path = ArrayPool<TreeShap.PathElement>.Shared.Rent(pathBufferLength);
        try
        {
            for (var e = 0; e < ensembles.Length; e++)
            {
                var ensemble = ensembles[e];
                var phi = new double[featureCount];
                var raw = ensemble.AccumulateShap(row, phi, path);
                score += ensemble.Calibration.LogOdds(raw);
                // Calibration is affine, so the calibrated contributions are the raw ones times the slope.
                var slope = ensemble.Calibration.Slope / ensembles.Length;
                for (var j = 0; j < featureCount; j++) combined[j] += slope * phi[j];
                models[e] = new TreeModelExplanation(ensemble.Name, ensemble.ExpectedRawScore, raw, Contributions(features, phi));
            }
        }
        finally
        {
            ArrayPool<TreeShap.PathElement>.Shared.Return(path);
        }
        return new TreeExplanation(BaseValue, score / ensembles.Length, Contributions(features, combined), models);
    }

    /// <summary>
    /// Each feature's share of the total split gain, per ensemble (so LightGBM's and FastTree's gain scales do
    /// not mix), averaged over the ensembles. Shares sum to 1.
    /// </summary>
    public IReadOnlyList<FeatureImportance> SplitGainImportance()
    {
        var shares = new double[schema.Count];
        foreach (var ensemble in ensembles)
        {
            var gains = ensemble.SplitGainByFeature(schema.Count);
            var total = gains.Sum();
            if (total <= 0) continue;
            for (var j = 0; j < shares.Length; j++) shares[j] += gains[j] / total / ensembles.Length;
        }
        return schema.Names.Select((name, j) => new FeatureImportance(name, shares[j])).ToArray();
    }

    private IReadOnlyList<FeatureContribution> Contributions(ReadOnlySpan<double> features, double[] phi)
    {
        var contributions = new FeatureContribution[phi.Length];
        for (var j = 0; j < phi.Length; j++) contributions[j] = new FeatureContribution(schema.Names[j], features[j], phi[j]);
        return contributions;
    }
}
