using System.Globalization;
using SignalEngine.Features;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>
/// Stage 1 as served: ML.NET LightGBM and FastTree ensembles, each Platt-calibrated to log-odds and averaged, plus
/// veto rules. Scoring walks the extracted trees (identical to ML.NET's Score, see the tests), which is also what
/// exact TreeSHAP decomposes; the ML.NET models themselves travel in the bundle next to the trees.
/// </summary>
/// <remarks>
/// <see cref="TreeFilterTrainer"/> trains it, <see cref="TreeFilterArtifacts"/> reads and writes it,
/// <see cref="TreeFilterExplainer"/> explains it.
/// </remarks>
public sealed class GradientBoostedTreeFilter : ITreeFilter
{
    public const string ModelName = "lightgbm+fasttree";

    private readonly TreeFilterOptions options;
    private readonly BoostedEnsemble[] ensembles;
    private readonly MlNetModel[] mlNetModels;
    private readonly ActiveRule[] rules;
    private readonly TreeFilterExplainer explainer;

    internal GradientBoostedTreeFilter(
        FeatureSchema schema, TreeFilterOptions options, BoostedEnsemble[] ensembles, MlNetModel[] mlNetModels, string version)
    {
        Schema = schema;
        this.options = options;
        this.ensembles = ensembles;
        this.mlNetModels = mlNetModels;
        Model = new ModelStamp(ModelName, version);
        // A rule on a feature this schema lacks cannot fire: the same options serve bundles with other columns.
        rules = options.Rules
            .Select(rule => new ActiveRule(rule, schema.IndexOf(rule.Feature)))
            .Where(rule => rule.FeatureIndex >= 0)
            .ToArray();
        explainer = new TreeFilterExplainer(schema, ensembles);
    }

    public ModelStamp Model { get; }

    /// <summary>The combined score's expectation under the training cover distribution: the explanations' base value.</summary>
    public double BaseValue => explainer.BaseValue;

    internal FeatureSchema Schema { get; }

    internal IReadOnlyList<BoostedEnsemble> Ensembles => ensembles;

    internal IReadOnlyList<MlNetModel> MlNetModels => mlNetModels;

    /// <summary>Writes the stage-1 artifacts under bundleDirectory; returns their paths relative to it.</summary>
    public IReadOnlyList<string> Save(string bundleDirectory) => TreeFilterArtifacts.Save(this, bundleDirectory);

    public TreeFilterResult Evaluate(ReadOnlySpan<double> features)
    {
        var row = features.Length <= StackFeatureLimit ? stackalloc float[features.Length] : new float[features.Length];
        ToFloatRow(features, row);
        Span<double> raw = stackalloc double[ensembles.Length];
        for (var e = 0; e < ensembles.Length; e++) raw[e] = ensembles[e].RawScore(row);
        return Result(features, raw);
    }

    public TreeExplanation Explain(ReadOnlySpan<double> features)
    {
        var row = Schema.Count <= StackFeatureLimit ? stackalloc float[Schema.Count] : new float[Schema.Count];
        ToFloatRow(features, row);
        return explainer.Explain(features, row);
    }

    /// <summary>The explanation's pass over the trees also yields each ensemble's raw score: the result costs no second walk.</summary>
    public ExplainedTreeResult EvaluateAndExplain(ReadOnlySpan<double> features)
    {
        var explanation = Explain(features);
        Span<double> raw = stackalloc double[ensembles.Length];
        for (var e = 0; e < ensembles.Length; e++) raw[e] = explanation.Models[e].RawScore;
        return new ExplainedTreeResult(Result(features, raw), explanation);
    }

    private TreeFilterResult Result(ReadOnlySpan<double> features, ReadOnlySpan<double> raw)
    {
        var models = new TreeModelScore[ensembles.Length];
        var score = 0.0;
        for (var e = 0; e < ensembles.Length; e++)
        {
            var logOdds = ensembles[e].Calibration.LogOdds(raw[e]);
            score += logOdds;
            models[e] = new TreeModelScore(ensembles[e].Name, raw[e], PlattScaling.Sigmoid(logOdds));
        }
        score /= ensembles.Length;
        var probability = PlattScaling.Sigmoid(score);

        var hits = new List<RuleHit>();
        foreach (var rule in rules)
        {
            var value = features[rule.FeatureIndex];
            if (value >= rule.Definition.Min && value <= rule.Definition.Max)
            {
                hits.Add(new RuleHit(rule.Definition.Name, rule.Definition.Feature, value, rule.Condition, "hold"));
            }
        }
        var underThreshold = probability < options.Threshold;
        return new TreeFilterResult(probability, score, hits.Count == 0 && !underThreshold, Reason(hits, underThreshold, probability), hits, models);
    }

    /// <summary>Each feature's share of the total split gain, averaged over the ensembles; shares sum to 1.</summary>
    public IReadOnlyList<FeatureImportance> SplitGainImportance() => explainer.SplitGainImportance();

    private string? Reason(List<RuleHit> hits, bool underThreshold, double probability)
    {
        var reasons = hits.Select(hit => string.Create(CultureInfo.InvariantCulture, $"rule {hit.Rule}: {hit.Feature} = {hit.Value:0.###} {hit.Condition}")).ToList();
        if (underThreshold)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"p(actionable) {probability:0.00} under threshold {options.Threshold:0.00}"));
        }
        return reasons.Count == 0 ? null : "filtered at stage 1: " + string.Join("; ", reasons);
    }

    private void ToFloatRow(ReadOnlySpan<double> features, Span<float> row)
    {
        if (features.Length != Schema.Count) throw new ArgumentException($"expected {Schema.Count} features, got {features.Length}", nameof(features));
        for (var j = 0; j < features.Length; j++) row[j] = (float)features[j];
    }

    private const int StackFeatureLimit = 256;

    private sealed record ActiveRule(RuleDefinition Definition, int FeatureIndex)
    {
        public string Condition { get; } = string.Create(CultureInfo.InvariantCulture, $"in [{Definition.Min}, {Definition.Max}]");
    }
}
