using System.Globalization;
using SignalEngine.Tuning;
using Spectre.Console;

namespace SignalEngine.Cli;

/// <summary>
/// tune --data &lt;csv&gt; --trials N [--time-budget MINUTES] [--seed S] [--resume] [--out &lt;dir&gt;] [--workers W] [--max-bars N]:
/// architecture search for stage 2, then TPE over stages 1 and 3 and the labels; writes trials.csv, best-config.json
/// and summary.md.
/// </summary>
public static class TuneCommand
{
    public static int Run(Arguments args)
    {
        args.AllowOnly("data", "trials", "time-budget", "seed", "resume", "out", "workers", "max-bars");
        var data = args.Required("data");
        var trials = args.OptionalInt("trials") ?? throw new UsageException("--trials is required");
        if (trials < 1) throw new UsageException("--trials must be at least 1");
        var budget = args.OptionalDouble("time-budget");
        if (budget is <= 0) throw new UsageException("--time-budget must be a positive number of minutes");
        var workers = args.OptionalInt("workers") ?? Environment.ProcessorCount;
        if (workers < 1) throw new UsageException("--workers must be at least 1");
        var settings = new TuningSettings
        {
            DataPath = data,
            OutputDirectory = args.Optional("out") ?? Path.Combine("tuning", Path.GetFileNameWithoutExtension(data)),
            Trials = trials,
            TimeBudget = budget is { } m ? TimeSpan.FromMinutes(m) : null,
            Seed = args.OptionalInt("seed") ?? 42,
            Workers = workers,
            Resume = args.Flag("resume"),
            MaxBars = args.OptionalInt("max-bars"),

            // With a time budget the architecture search runs generations until its share of the budget is spent.
            Evolution = new EvolutionOptions { Generations = budget is null ? 5 : 100 },
        };

        TuningResult result = null!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var phase = ctx.AddTask("starting", maxValue: 1);
                var architectures = ctx.AddTask("stage 2 architectures", maxValue: settings.Evolution.Generations);
                var search = ctx.AddTask("trials", maxValue: trials);
                var gate = new object();
                result = PipelineTuner.Run(settings, new TuningObserver
                {
                    Phase = p =>
                    {
                        lock (gate) phase.Description = Markup.Escape(p);
                    },
                    GenerationEnded = g =>
                    {
                        lock (gate)
                        {
                            architectures.Value = g.Generation + 1;
                            architectures.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                                $"generation {g.Generation + 1}: best {g.BestFitness:0.0000} ({g.Best.Kind} {g.Best.Layers}x{g.Best.HiddenSize})"));
                        }
                    },
                    TrialEnded = (t, best) =>
                    {
                        lock (gate)
                        {
                            search.Value = Math.Min(trials, t.Number + 1);
                            search.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                                $"trial {t.Number} {t.State.ToString().ToLowerInvariant()} {t.Score:0.0000}; best {(best is null ? "none" : $"#{best.Number} {best.Score:0.0000}")}"));
                        }
                    },
                });
                architectures.Value = architectures.MaxValue;
                search.Value = search.MaxValue;
                phase.Value = phase.MaxValue;
            });

        var table = new Table().AddColumns("held-out last fold", "log loss", "climatology", "skill", "coverage");
        foreach (var (name, f) in new[] { ("default", result.DefaultHoldout), ("tuned", result.BestHoldout) })
        {
            table.AddRow(name, $"{f.LogLoss:0.0000}", $"{f.ClimatologyLogLoss:0.0000}", $"{f.Skill:+0.0000;-0.0000}", $"{f.Coverage:P1}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(
            $"{result.Trials.Count} trials in {result.Elapsed.TotalMinutes:0.0} min; config {Path.GetFullPath(result.BestConfigPath)}; summary {Path.GetFullPath(result.SummaryPath)}"));
        return 0;
    }
}
