using SignalEngine.Evaluation;
using SignalEngine.Training;
using Spectre.Console;

namespace SignalEngine.Cli;

/// <summary>
/// evaluate --data &lt;csv&gt; [--folds K] [--cost-bps C] [--out &lt;dir&gt;] [--config &lt;json&gt;] [--seed S] [--max-bars N]:
/// walk-forward evaluation of the pipeline against the baselines, written as Markdown, JSON and SVG.
/// </summary>
public static class EvaluateCommand
{
    public const double DefaultCostBasisPoints = 5;

    public static int Evaluate(Arguments args, string commandLine)
    {
        args.AllowOnly("data", "folds", "cost-bps", "out", "config", "seed", "max-bars");
        var data = args.Required("data");
        var options = TrainingConfig.FromArguments(args, minimumFolds: 3, whyMinimum: "the first fold only trains stage 3");
        var cost = CostOf(args);
        var output = args.Optional("out") ?? Path.Combine("reports", Path.GetFileNameWithoutExtension(data));

        var report = TrainingProgressDisplay.Run($"evaluating on {Path.GetFileName(data)}", progress =>
            WalkForwardEvaluator.Evaluate(data, options, cost, progress, args.OptionalInt("max-bars")));
        return Show(report, output, commandLine);
    }

    internal static double CostOf(Arguments args)
    {
        var cost = args.OptionalDouble("cost-bps") ?? DefaultCostBasisPoints;
        if (cost < 0) throw new UsageException("--cost-bps cannot be negative");
        return cost;
    }

    /// <summary>Writes the report's files and prints its table: the output of evaluate and score alike.</summary>
    internal static int Show(EvaluationReport report, string output, string commandLine)
    {
        var files = ReportWriter.Write(report, output, commandLine);
        var table = new Table().AddColumns("strategy", "coverage", "prec BUY", "prec SELL", "FPR", "Brier", "log loss", "ECE", "return", "Sharpe", "max DD");
        foreach (var s in report.Strategies)
        {
            var m = s.Metrics;
            table.AddRow(s.Strategy, $"{m.Coverage:P1}", $"{m.PrecisionBuy:0.000}", $"{m.PrecisionSell:0.000}", $"{m.FalsePositiveRate:P1}",
                $"{m.Brier:0.000}", $"{m.LogLoss:0.000}", $"{m.Ece:0.000}", $"{m.Return:P1}", $"{m.Sharpe:0.00}", $"{m.MaxDrawdown:P1}");
        }
        table.AddRow("buy-and-hold", "", "", "", "", "", "", "", $"{report.BuyAndHold.TotalReturn:P1}", $"{report.BuyAndHold.Sharpe:0.00}", $"{report.BuyAndHold.MaxDrawdown:P1}");
        AnsiConsole.Write(table);
        var first = report.Strategies[0].Metrics;
        AnsiConsole.MarkupLine(Markup.Escape($"{report.EvaluatedBars} bars out of sample ({report.TestPeriods}); base rates BUY {first.BaseRateBuy:P1}, SELL {first.BaseRateSell:P1}; {report.Seconds} s"));
        AnsiConsole.MarkupLine(Markup.Escape($"report: {string.Join(", ", files.Select(Path.GetFullPath))}"));
        return 0;
    }
}
