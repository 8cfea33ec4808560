using System.Security.Cryptography;
using System.Text.Json;
using SignalEngine.Features;
using SignalEngine.Stages.SequenceRefiner;

namespace SignalEngine.Bundle;

/// <summary>Reads and writes bundle folders; every failure is a one-line <see cref="BundleException"/>.</summary>
public static class BundleLoader
{
    public const string ManifestFile = "manifest.json";
    public const string MetaLearnerPath = "stage3/meta.json";
    public const string ImportancePath = "stage1/importance.json";

    /// <param name="catalog">Where the stage kinds the manifest names are found; <see cref="StageCatalog.Default"/> when null.</param>
    public static ModelBundle Load(string directory, StageCatalog? catalog = null)
    {
        catalog ??= StageCatalog.Default;
        var manifest = ReadManifest(directory);
        foreach (var artifact in manifest.Artifacts)
        {
            var path = Path.Combine(directory, artifact.Path);
            if (!File.Exists(path)) throw new BundleException($"{directory}: artifact {artifact.Path} ({artifact.Stage}) is missing");
            var hash = HashOf(directory, artifact.Path);
            if (!string.Equals(hash, artifact.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new BundleException($"{directory}: artifact {artifact.Path} does not match its manifest hash (expected {artifact.Sha256[..12]}, found {hash[..12]})");
            }
        }

        var schema = new FeatureSchema(manifest.FeatureSchema);
        var refiners = new List<ISequenceRefiner>();
        try
        {
            var options = manifest.Hyperparameters;
            var tree = catalog.TreeFilter(options.TreeFilter.Model).Load(directory, schema, options.TreeFilter, manifest.Version);
            foreach (var kind in options.Sequence.Models)
            {
                refiners.Add(catalog.SequenceRefiner(kind).Load(directory, manifest.Version));
            }
            var meta = catalog.MetaLearner(options.Meta.Model).Load(Path.Combine(directory, MetaLearnerPath), manifest.Version);
            return new ModelBundle(Path.GetFullPath(directory), manifest, tree, refiners, meta);
        }
        catch (Exception e) when (e is not BundleException)
        {
            foreach (var refiner in refiners) refiner.Dispose();
            throw new BundleException($"{directory}: {OneLine(e.Message)}");
        }
    }

    public static BundleManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, ManifestFile);
        if (!Directory.Exists(directory)) throw new BundleException($"{Path.GetFullPath(directory)}: bundle folder not found");
        if (!File.Exists(path)) throw new BundleException($"{path}: manifest not found");
        BundleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BundleManifest>(File.ReadAllText(path), BundleJson.Options);
        }
        catch (JsonException e)
        {
            throw new BundleException($"{path}: not a valid manifest ({OneLine(e.Message)})");
        }
        if (manifest is null) throw new BundleException($"{path}: empty manifest");
        if (manifest.Format != BundleManifest.CurrentFormat)
        {
            throw new BundleException($"{path}: manifest format {manifest.Format}, this build reads format {BundleManifest.CurrentFormat}");
        }
        if (manifest.WindowLength != manifest.Hyperparameters.Sequence.WindowLength)
        {
            throw new BundleException($"{path}: windowLength {manifest.WindowLength} disagrees with hyperparameters.sequence.windowLength");
        }
        return manifest;
    }

    public static void WriteManifest(string directory, BundleManifest manifest) =>
        File.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(manifest, BundleJson.Options));

    public static string HashOf(string directory, string relativePath) =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, relativePath))));

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
