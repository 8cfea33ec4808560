using System.Diagnostics;
using System.Text.Json;
using SignalEngine.Bundle;
using SignalEngine.Training;
using Spectre.Console;

namespace SignalEngine.Cli;

/// <summary>train --data &lt;csv&gt; --out &lt;dir&gt; [--config &lt;json&gt;] [--seed S] [--folds K] [--max-bars N]</summary>
public static class TrainCommand
{
    public static int Run(Arguments args)
    {
        args.AllowOnly("data", "out", "config", "seed", "max-bars", "folds");
        var data = args.Required("data");
        var output = args.Required("out");
        var options = TrainingConfig.Read(args.Optional("config"));
        if (args.OptionalInt("seed") is { } seed) options = options with { Seed = seed };
        if (args.OptionalInt("folds") is { } folds)
        {
            if (folds < 2) throw new UsageException("--folds must be at least 2: stage 3 is fitted on out-of-fold outputs");
            options = options with { Folds = folds };
        }

        var clock = Stopwatch.StartNew();
        var manifest = TrainingProgressDisplay.Run($"training on {Path.GetFileName(data)}", progress =>
            BundleTrainer.Train(data, output, options, progress, args.OptionalInt("max-bars"), configFile: args.Optional("config")));

        AnsiConsole.MarkupLine($"bundle [green]{manifest.Version}[/] written to {Markup.Escape(Path.GetFullPath(output))} in {clock.Elapsed.TotalSeconds:F0} s");
        var table = new Table().AddColumns("stage", "out-of-sample metrics (walk-forward)");
        foreach (var (stage, values) in manifest.Metrics.ToTable())
        {
            table.AddRow(stage, string.Join("  ", values.Select(kv => $"{kv.Key}={kv.Value:0.####}")));
        }
        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary>A progress bar over a training run's steps, with the step being done as its description.</summary>
internal static class TrainingProgressDisplay
{
    public static T Run<T>(string title, Func<IProgress<TrainingProgress>, T> work)
    {
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                result = work(new SynchronousProgress<TrainingProgress>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Completed;
                    task.Description = Markup.Escape(p.Step);
                }));
                task.Value = task.MaxValue;
            });
        return result;
    }
}

/// <summary>Progress reported on the caller's thread, so the display updates while training runs.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

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
