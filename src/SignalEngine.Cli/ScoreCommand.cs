using SignalEngine.Evaluation;
using Spectre.Console;

namespace SignalEngine.Cli;

/// <summary>
/// score --bundle &lt;dir&gt; --data &lt;csv&gt; [--cost-bps C] [--out &lt;dir&gt;] [--max-bars N]: the evaluate report for a
/// trained bundle on data it has not seen (it refuses the bundle's own training file).
/// </summary>
public static class ScoreCommand
{
    public static int Run(Arguments args, string commandLine)
    {
        args.AllowOnly("bundle", "data", "cost-bps", "out", "max-bars");
        var data = args.Required("data");
        var output = args.Optional("out") ?? Path.Combine("reports", "score-" + Path.GetFileNameWithoutExtension(data));
        var report = AnsiConsole.Status().Start($"scoring {Path.GetFileName(data)}", _ =>
            BundleScorer.Score(args.Required("bundle"), data, EvaluateCommand.CostOf(args), maxBars: args.OptionalInt("max-bars")));
        return EvaluateCommand.Show(report, output, commandLine);
    }
}
