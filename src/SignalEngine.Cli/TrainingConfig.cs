using System.Text.Json;
using SignalEngine.Bundle;

namespace SignalEngine.Cli;

/// <summary>Training options from an optional JSON file (the shape of a manifest's "hyperparameters").</summary>
public static class TrainingConfig
{
    /// <summary>
    /// The options of a train or evaluate run: the --config file, then --seed and --folds over it. The least number of
    /// folds is the command's, with the reason it gives.
    /// </summary>
    public static TrainingOptions FromArguments(Arguments args, int minimumFolds, string whyMinimum)
    {
        var options = Read(args.Optional("config"));
        if (args.OptionalInt("seed") is { } seed) options = options with { Seed = seed };
        if (args.OptionalInt("folds") is { } folds)
        {
            if (folds < minimumFolds) throw new UsageException($"--folds must be at least {minimumFolds}: {whyMinimum}");
            options = options with { Folds = folds };
        }
        return options;
    }

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
