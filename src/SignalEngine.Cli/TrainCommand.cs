using System.Diagnostics;
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
        var options = TrainingConfig.FromArguments(args, minimumFolds: 2, whyMinimum: "stage 3 is fitted on out-of-fold outputs");

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
        if (manifest.MetaFallback is { } fallback) AnsiConsole.MarkupLine($"[yellow]stage 3 serves {Markup.Escape(fallback)}[/]");
        return 0;
    }
}
