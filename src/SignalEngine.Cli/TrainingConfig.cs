using System.Text.Json;
using SignalEngine.Bundle;

namespace SignalEngine.Cli;

/// <summary>Training options from an optional JSON file (the shape of a manifest's "hyperparameters").</summary>
public static class TrainingConfig
{
    public static TrainingOptions Read(string? path)
    {
        if (path is null) return new TrainingOptions();
        if (!File.Exists(path)) throw new UsageException($"config file {path} not found");
        try
        {
            return JsonSerializer.Deserialize<TrainingOptions>(File.ReadAllText(path), BundleJson.Options)
                ?? throw new UsageException($"{path}: empty config");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: {e.Message}");
        }
    }
}
