using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using SignalEngine.Features;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>
/// Stage 1: ML.NET LightGBM and FastTree ensembles, each Platt-calibrated to log-odds and averaged, plus veto
/// rules. Scoring walks the extracted trees (identical to ML.NET's Score, see the tests), which is also what
/// exact TreeSHAP decomposes; the ML.NET models themselves travel in the bundle next to the trees.
/// </summary>
public sealed class GradientBoostedTreeFilter : ITreeFilter
{
    public const string ModelName = "lightgbm+fasttree";
    public const string StageFolder = "stage1";
    public const string TreesPath = StageFolder + "/trees.json";
    private const int FileFormat = 1;
    private const int StackFeatureLimit = 256;

    private readonly FeatureSchema schema;
    private readonly TreeFilterOptions options;
    private readonly BoostedEnsemble[] ensembles;
    private readonly MlNetModel[] mlNetModels;
    private readonly ActiveRule[] rules;
    private readonly int pathBufferLength;

    private GradientBoostedTreeFilter(
        FeatureSchema schema, TreeFilterOptions options, BoostedEnsemble[] ensembles, MlNetModel[] mlNetModels, string version)
    {
        this.schema = schema;
        this.options = options;
        this.ensembles = ensembles;
        this.mlNetModels = mlNetModels;
        Model = new ModelStamp(ModelName, version);
        // A rule on a feature this schema lacks cannot fire: the same options serve bundles with other columns.
        rules = options.Rules
            .Select(rule => new ActiveRule(rule, schema.IndexOf(rule.Feature)))
            .Where(rule => rule.FeatureIndex >= 0)
            .ToArray();
        pathBufferLength = TreeShap.PathBufferLength(ensembles.Max(e => e.MaxDepth));
        var baseValue = 0.0;
        foreach (var ensemble in ensembles) baseValue += ensemble.Calibration.LogOdds(ensemble.ExpectedRawScore);
        BaseValue = baseValue / ensembles.Length;
    }

    public ModelStamp Model { get; }

    /// <summary>The combined score's expectation under the training cover distribution: the explanations' base value.</summary>
    public double BaseValue { get; }

    internal IReadOnlyList<BoostedEnsemble> Ensembles => ensembles;

    internal IReadOnlyList<MlNetModel> MlNetModels => mlNetModels;

    public static GradientBoostedTreeFilter Train(
        IReadOnlyList<double[]> rows, IReadOnlyList<bool> actionable, FeatureSchema schema, TreeFilterOptions options, int seed, string version)
    {
        if (rows.Count != actionable.Count) throw new ArgumentException($"{rows.Count} rows but {actionable.Count} labels", nameof(actionable));
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != schema.Count) throw new ArgumentException($"row {i} has {rows[i].Length} features, the schema {schema.Count}", nameof(rows));
        }
        if (!actionable.Contains(true) || !actionable.Contains(false))
        {
            throw new ArgumentException("stage 1 needs both actionable and hold rows to train on", nameof(actionable));
        }

        var ml = new MLContext(seed);
        var data = MlNetTreeTrainer.ToDataView(ml, rows, actionable, schema.Count);
        var floatRows = rows.Select(MlNetTreeTrainer.ToFloat).ToArray();
        var calibrationStart = CalibrationStart(actionable);
        var ensembles = new BoostedEnsemble[MlNetTreeTrainer.EnsembleNames.Count];
        var models = new MlNetModel[ensembles.Length];
        for (var e = 0; e < ensembles.Length; e++)
        {
            var (model, trained) = MlNetTreeTrainer.Train(ml, MlNetTreeTrainer.EnsembleNames[e], data, options, seed);
            var trees = MlNetTreeTrainer.Extract(trained);
            foreach (var row in floatRows)
            {
                foreach (var tree in trees) tree.AddToCovers(row);
            }
            var calibration = calibrationStart is { } start
                ? HeldOutCalibration(ml, MlNetTreeTrainer.EnsembleNames[e], rows, actionable, floatRows, start, schema, options, seed)
                : InSampleCalibration(model.Name, trees, trained.Bias, floatRows, actionable);
            ensembles[e] = new BoostedEnsemble(model.Name, trees, trained.Bias, calibration);
            models[e] = model;
        }
        return new GradientBoostedTreeFilter(schema, options, ensembles, models, version);
    }

    /// <summary>Share of the (time-ordered) training rows held out to fit the Platt scaling.</summary>
    public const double CalibrationShare = 0.2;

    /// <summary>
    /// Where the calibration rows begin, or null when there are too few rows (or a single class on one side) to
    /// hold any out: then the scaling is fitted in sample, which is overconfident.
    /// </summary>
    private static int? CalibrationStart(IReadOnlyList<bool> actionable)
    {
        var start = (int)(actionable.Count * (1 - CalibrationShare));
        if (actionable.Count < 200) return null;
        bool BothClasses(int from, int to)
        {
            var positives = 0;
            for (var i = from; i < to; i++) if (actionable[i]) positives++;
            return positives >= 5 && to - from - positives >= 5;
        }
        return BothClasses(0, start) && BothClasses(start, actionable.Count) ? start : null;
    }

    /// <summary>
    /// Trees fitted in sample score their own training rows too confidently, so a Platt map fitted on those scores
    /// is overconfident out of sample. Instead the same trainer is fitted on the earlier rows and the map on its
    /// scores of the later, held-out rows; the served trees (fitted on all rows) take that map.
    /// </summary>
    private static PlattScaling HeldOutCalibration(
        MLContext ml, string ensemble, IReadOnlyList<double[]> rows, IReadOnlyList<bool> actionable, float[][] floatRows, int start,
        FeatureSchema schema, TreeFilterOptions options, int seed)
    {
        var earlier = MlNetTreeTrainer.ToDataView(ml, rows.Take(start).ToArray(), actionable.Take(start).ToArray(), schema.Count);
        var (model, trained) = MlNetTreeTrainer.Train(ml, ensemble, earlier, options, seed);
        var probe = new BoostedEnsemble(model.Name, MlNetTreeTrainer.Extract(trained), trained.Bias, new PlattScaling(1, 0));
        var scores = floatRows.Skip(start).Select(row => probe.RawScore(row)).ToArray();
        return PlattScaling.Fit(scores, actionable.Skip(start).ToArray());
    }

    private static PlattScaling InSampleCalibration(string name, IReadOnlyList<DecisionTree> trees, double bias, float[][] floatRows, IReadOnlyList<bool> actionable)
    {
        var uncalibrated = new BoostedEnsemble(name, trees, bias, new PlattScaling(1, 0));
        return PlattScaling.Fit(floatRows.Select(row => uncalibrated.RawScore(row)).ToArray(), actionable);
    }

    /// <summary>Reads what <see cref="Save"/> wrote and checks the ML.NET models agree with the extracted trees.</summary>
    /// <exception cref="FileNotFoundException">An artifact is missing.</exception>
    /// <exception cref="InvalidDataException">An artifact is unreadable or inconsistent; the message names it and says why.</exception>
    public static GradientBoostedTreeFilter Load(string bundleDirectory, FeatureSchema schema, TreeFilterOptions options, string version)
    {
        var treesPath = Path.Combine(bundleDirectory, TreesPath);
        if (!File.Exists(treesPath)) throw new FileNotFoundException($"{TreesPath}: stage 1 trees not found", treesPath);
        TreeFilterFile? file;
        try
        {
            file = JsonSerializer.Deserialize<TreeFilterFile>(File.ReadAllText(treesPath), TreeFilterFile.Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{TreesPath}: not a readable stage 1 model ({e.Message})", e);
        }

        BoostedEnsemble[] ensembles;
        try
        {
            ensembles = ReadEnsembles(file, schema);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{TreesPath}: {e.Message}", e);
        }

        var ml = new MLContext(0);
        var models = new MlNetModel[ensembles.Length];
        for (var e = 0; e < ensembles.Length; e++)
        {
            var artifact = ArtifactPath(ensembles[e].Name);
            var path = Path.Combine(bundleDirectory, artifact);
            if (!File.Exists(path)) throw new FileNotFoundException($"{artifact}: ML.NET {ensembles[e].Name} model not found", path);
            try
            {
                var transformer = ml.Model.Load(path, out var inputSchema);
                models[e] = new MlNetModel(ensembles[e].Name, transformer, inputSchema);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new InvalidDataException($"{artifact}: not a readable ML.NET model ({ex.Message})", ex);
            }
            CheckAgreement(ml, models[e], ensembles[e], schema.Count, artifact);
            // A loaded bundle serves explanations: build the SHAP tables here, not on the first request.
            ensembles[e].PrepareExplanations();
        }
        return new GradientBoostedTreeFilter(schema, options, ensembles, models, version);
    }

    /// <summary>Writes the stage-1 artifacts under bundleDirectory; returns their paths relative to it.</summary>
    public IReadOnlyList<string> Save(string bundleDirectory)
    {
        Directory.CreateDirectory(Path.Combine(bundleDirectory, StageFolder));
        var ml = new MLContext(0);
        var written = new List<string>();
        foreach (var model in mlNetModels)
        {
            var artifact = ArtifactPath(model.Name);
            ml.Model.Save(model.Transformer, model.InputSchema, Path.Combine(bundleDirectory, artifact));
            written.Add(artifact);
        }
        var file = new TreeFilterFile(FileFormat, ModelName, schema.Names, ensembles.Select(ToFile).ToArray());
        File.WriteAllText(Path.Combine(bundleDirectory, TreesPath), JsonSerializer.Serialize(file, TreeFilterFile.Json));
        written.Add(TreesPath);
        return written;
    }

    public TreeFilterResult Evaluate(ReadOnlySpan<double> features)
    {
        var row = features.Length <= StackFeatureLimit ? stackalloc float[features.Length] : new float[features.Length];
        ToFloatRow(features, row);
        var models = new TreeModelScore[ensembles.Length];
        var score = 0.0;
        for (var e = 0; e < ensembles.Length; e++)
        {
            var raw = ensembles[e].RawScore(row);
            var logOdds = ensembles[e].Calibration.LogOdds(raw);
            score += logOdds;
            models[e] = new TreeModelScore(ensembles[e].Name, raw, PlattScaling.Sigmoid(logOdds));
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

    public TreeExplanation Explain(ReadOnlySpan<double> features)
    {
        var featureCount = schema.Count;
        var row = featureCount <= StackFeatureLimit ? stackalloc float[featureCount] : new float[featureCount];
        ToFloatRow(features, row);
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
                ensemble.AccumulateShap(row, phi, path);
                var raw = ensemble.RawScore(row);
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
        if (features.Length != schema.Count) throw new ArgumentException($"expected {schema.Count} features, got {features.Length}", nameof(features));
        for (var j = 0; j < features.Length; j++) row[j] = (float)features[j];
    }

    private static string ArtifactPath(string ensemble) => $"{StageFolder}/{ensemble}.zip";

    private static EnsembleFile ToFile(BoostedEnsemble ensemble) => new(
        ensemble.Name, ArtifactPath(ensemble.Name), ensemble.Bias, ensemble.Calibration.Slope, ensemble.Calibration.Intercept,
        ensemble.Trees.Select(t => new TreeFile(
            t.SplitFeatures, t.Thresholds, t.LeftChildren, t.RightChildren, t.LeafValues, t.SplitGains, t.NodeCovers, t.LeafCovers)).ToArray());

    private static BoostedEnsemble[] ReadEnsembles(TreeFilterFile? file, FeatureSchema schema)
    {
        if (file is null) throw new InvalidDataException("empty stage 1 model file");
        if (file.Format != FileFormat) throw new InvalidDataException($"format {file.Format}, this build reads format {FileFormat}");
        if (file.Model != ModelName) throw new InvalidDataException($"model '{file.Model}' is not {ModelName}");
        if (file.Features is null || !file.Features.SequenceEqual(schema.Names))
        {
            throw new InvalidDataException("its feature list differs from the bundle's feature schema");
        }
        if (file.Ensembles is null || file.Ensembles.Count == 0) throw new InvalidDataException("no ensembles");
        var ensembles = new BoostedEnsemble[file.Ensembles.Count];
        for (var e = 0; e < ensembles.Length; e++)
        {
            var ensemble = file.Ensembles[e];
            if (ensemble?.Name is null || !MlNetTreeTrainer.EnsembleNames.Contains(ensemble.Name) || ensemble.Trees is null)
            {
                throw new InvalidDataException($"ensemble {e} is not one of {string.Join(", ", MlNetTreeTrainer.EnsembleNames)} with trees");
            }
            var trees = new DecisionTree[ensemble.Trees.Count];
            for (var t = 0; t < trees.Length; t++)
            {
                var tree = ensemble.Trees[t] ?? throw new InvalidDataException($"{ensemble.Name} tree {t} is empty");
                if (tree.SplitFeatures is null || tree.Thresholds is null || tree.LeftChildren is null || tree.RightChildren is null
                    || tree.LeafValues is null || tree.SplitGains is null || tree.NodeCovers is null || tree.LeafCovers is null)
                {
                    throw new InvalidDataException($"{ensemble.Name} tree {t} lacks a required array");
                }
                if (tree.SplitFeatures.Any(f => f < 0 || f >= schema.Count))
                {
                    throw new InvalidDataException($"{ensemble.Name} tree {t} splits on a feature outside the schema");
                }
                try
                {
                    trees[t] = new DecisionTree(
                        tree.SplitFeatures, tree.Thresholds, tree.LeftChildren, tree.RightChildren, tree.LeafValues, tree.SplitGains, tree.NodeCovers, tree.LeafCovers);
                }
                catch (InvalidDataException ex)
                {
                    throw new InvalidDataException($"{ensemble.Name} tree {t}: {ex.Message}", ex);
                }
            }
            ensembles[e] = new BoostedEnsemble(ensemble.Name, trees, ensemble.Bias, new PlattScaling(ensemble.PlattSlope, ensemble.PlattIntercept));
        }
        return ensembles;
    }

    /// <summary>The zip and the JSON are separate files: make sure they describe the same model.</summary>
    private static void CheckAgreement(MLContext ml, MlNetModel model, BoostedEnsemble ensemble, int featureCount, string artifact)
    {
        double[][] probes = [new double[featureCount], Enumerable.Repeat(1.0, featureCount).ToArray(), Enumerable.Repeat(-1.0, featureCount).ToArray()];
        float[] scores;
        try
        {
            scores = model.Score(ml, probes);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{artifact}: the ML.NET model cannot score {featureCount} features ({ex.Message})", ex);
        }
        for (var i = 0; i < probes.Length; i++)
        {
            var walked = ensemble.RawScore(MlNetTreeTrainer.ToFloat(probes[i]));
            if (Math.Abs(scores[i] - walked) > 1e-4 * Math.Max(1, Math.Abs(walked)))
            {
                throw new InvalidDataException($"{artifact} disagrees with {TreesPath} (score {scores[i]} against {walked})");
            }
        }
    }

    private sealed record ActiveRule(RuleDefinition Definition, int FeatureIndex)
    {
        public string Condition { get; } = string.Create(CultureInfo.InvariantCulture, $"in [{Definition.Min}, {Definition.Max}]");
    }
}
