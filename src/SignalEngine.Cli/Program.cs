using SignalEngine.Bundle;
using SignalEngine.Cli;
using SignalEngine.Data;

const string Usage = """
    usage: signalengine <command> [options]
      train    --data <csv> --out <dir> [--config <json>] [--seed S] [--folds K] [--max-bars N]
      features --data <csv> [--bundle <dir>] [--last N] [--out <file>]
      evaluate --data <csv> [--folds K] [--cost-bps C] [--out <dir>] [--config <json>] [--seed S] [--max-bars N]
      score    --bundle <dir> --data <csv> [--cost-bps C] [--out <dir>]
      tune     --data <csv> --trials N [--time-budget MINUTES] [--seed S] [--resume] [--out <dir>] [--workers W] [--max-bars N]
    """;

// Redirected output (a log file, CI) would otherwise wrap the metric tables at 80 columns.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;

try
{
    var arguments = Arguments.Parse(args);
    return arguments.Command switch
    {
        "train" => TrainCommand.Run(arguments),
        "features" => FeaturesCommand.Run(arguments),
        "evaluate" => EvaluateCommand.Evaluate(arguments, "signalengine " + string.Join(' ', args)),
        "score" => ScoreCommand.Run(arguments, "signalengine " + string.Join(' ', args)),
        "tune" => TuneCommand.Run(arguments),
        "help" or "--help" or "-h" => Help(),
        _ => throw new UsageException($"unknown command '{arguments.Command}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}
catch (Exception e) when (e is BarDataException or BundleException or ArgumentException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

int Help()
{
    Console.WriteLine(Usage);
    return 0;
}
