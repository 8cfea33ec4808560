using System.Text.Json;
using SignalEngine.Stages.SequenceRefiner.Attribution;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>A <see cref="TorchSequenceRefiner"/> in a bundle folder: stage2/{kind}.dat (the TorchSharp weights) and stage2/{kind}.json.</summary>
public static class SequenceRefinerArtifacts
{
    private const string Folder = "stage2";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static TorchSequenceRefiner Load(string bundleDirectory, string kind, string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bundleDirectory);
        kind = SequenceNetworks.Kind(kind);
        var jsonPath = Path.Combine(bundleDirectory, Folder, kind + ".json");
        var weightsPath = Path.Combine(bundleDirectory, Folder, kind + ".dat");
        if (!File.Exists(jsonPath)) throw new FileNotFoundException($"stage 2 {kind} metadata not found: {jsonPath}", jsonPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"stage 2 {kind} weights not found: {weightsPath}", weightsPath);

        SequenceRefinerFile? file;
        try
        {
            file = JsonSerializer.Deserialize<SequenceRefinerFile>(File.ReadAllText(jsonPath), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{jsonPath}: not a stage 2 metadata file ({e.Message})", e);
        }
        if (file is null) throw new InvalidDataException($"{jsonPath}: empty stage 2 metadata file");
        file.Validate(jsonPath);
        if (!string.Equals(file.Kind, kind, StringComparison.Ordinal))
            throw new InvalidDataException($"{jsonPath}: holds a '{file.Kind}' model, expected '{kind}'");

        var refiner = TorchSequenceRefiner.Create(kind, version, file.Architecture, file.Schema, new WindowScaler(file.Mean, file.Scale), file.Training);
        try
        {
            refiner.Network.load(weightsPath);
        }
        catch (Exception e)
        {
            refiner.Dispose();
            throw new InvalidDataException($"{weightsPath}: not valid {kind} weights for the architecture in {jsonPath} ({e.Message})", e);
        }
        refiner.Network.eval();
        return refiner;
    }

    /// <summary>Writes stage2/{kind}.dat and its JSON; returns their paths relative to bundleDirectory.</summary>
    public static IReadOnlyList<string> Save(TorchSequenceRefiner refiner, string bundleDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bundleDirectory);
        Directory.CreateDirectory(Path.Combine(bundleDirectory, Folder));
        var weights = $"{Folder}/{refiner.Model.Name}.dat";
        var metadata = $"{Folder}/{refiner.Model.Name}.json";
        refiner.UseNetwork(network => network.save(Path.Combine(bundleDirectory, weights)));
        var file = new SequenceRefinerFile
        {
            Format = SequenceRefinerFile.CurrentFormat,
            Kind = refiner.Model.Name,
            Architecture = refiner.Architecture,
            Features = refiner.Schema.Names,
            Mean = refiner.Scaler.Mean,
            Scale = refiner.Scaler.Scale,
            Baseline = IntegratedGradients.BaselineDescription,
            Training = refiner.Training,
        };
        File.WriteAllText(Path.Combine(bundleDirectory, metadata), JsonSerializer.Serialize(file, JsonOptions));
        return [weights, metadata];
    }
}
