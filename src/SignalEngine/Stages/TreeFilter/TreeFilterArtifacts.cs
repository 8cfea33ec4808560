using System.Text.Json;
using Microsoft.ML;
using SignalEngine.Features;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>
/// A <see cref="GradientBoostedTreeFilter"/> in a bundle folder: stage1/trees.json (the extracted trees, their
/// covers and calibration) and one ML.NET zip per ensemble, checked against each other on load.
/// </summary>
public static class TreeFilterArtifacts
{
    public const string StageFolder = "stage1";
    public const string TreesPath = StageFolder + "/trees.json";
    private const int FileFormat = 1;

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
    public static IReadOnlyList<string> Save(GradientBoostedTreeFilter filter, string bundleDirectory)
    {
        Directory.CreateDirectory(Path.Combine(bundleDirectory, StageFolder));
        var ml = new MLContext(0);
        var written = new List<string>();
        foreach (var model in filter.MlNetModels)
        {
            var artifact = ArtifactPath(model.Name);
            ml.Model.Save(model.Transformer, model.InputSchema, Path.Combine(bundleDirectory, artifact));
            written.Add(artifact);
        }
        var file = new TreeFilterFile(FileFormat, GradientBoostedTreeFilter.ModelName, filter.Schema.Names, filter.Ensembles.Select(ToFile).ToArray());
        File.WriteAllText(Path.Combine(bundleDirectory, TreesPath), JsonSerializer.Serialize(file, TreeFilterFile.Json));
        written.Add(TreesPath);
        return written;
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
        if (file.Model != GradientBoostedTreeFilter.ModelName) throw new InvalidDataException($"model '{file.Model}' is not {GradientBoostedTreeFilter.ModelName}");
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
}
