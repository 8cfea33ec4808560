using System.Globalization;
using System.Text;
using System.Text.Json;
using SignalEngine.Bundle;

namespace SignalEngine.Evaluation;

/// <summary>Writes an evaluation report as report.md, report.json, reliability.svg and equity.svg in one folder.</summary>
public static class ReportWriter
{
    public static IReadOnlyList<string> Write(EvaluationReport report, string directory, string command)
    {
        Directory.CreateDirectory(directory);
        var files = new[] { "report.md", "report.json", "reliability.svg", "equity.svg" }.Select(f => Path.Combine(directory, f)).ToArray();
        File.WriteAllText(files[0], Markdown(report, command));
        File.WriteAllText(files[1], JsonSerializer.Serialize(report, BundleJson.Options));
        File.WriteAllText(files[2], SvgCharts.Reliability(report.Strategies, report.CalibrationBins));
        File.WriteAllText(files[3], SvgCharts.Equity(report.Strategies, report.BuyAndHold, report.CostBasisPoints));
        return files;
    }

    private static string P(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Pct(double v) => double.IsNaN(v) ? "n/a" : (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Markdown(EvaluationReport report, string command)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# SignalEngine {report.Kind}: {report.DataFile}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- command: `{command}`");
        md.AppendLine(CultureInfo.InvariantCulture, $"- data: {report.DataFile}, SHA-256 {report.DataSha256}, {report.Bars} bars, instruments {string.Join(", ", report.Instruments)}");
        if (report.ModelVersion is not null) md.AppendLine(CultureInfo.InvariantCulture, $"- bundle: {report.ModelVersion}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- evaluated: {report.EvaluatedBars} bars, {report.TestPeriods}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- labels: triple barrier, horizon {report.Options.Labels.Horizon}, width {report.Options.Labels.BarrierWidth} sigma, sigma window {report.Options.Labels.VolatilityWindow}; purge = horizon, embargo {report.Options.EmbargoBars} bars");
        md.AppendLine(CultureInfo.InvariantCulture, $"- seed {report.Seed}; costs {report.CostBasisPoints} bp per unit traded; ECE over {report.CalibrationBins} equal-mass bins of the chosen action's confidence; {report.Seconds} s");
        md.AppendLine();
        md.AppendLine("## Classification and calibration (out of sample)");
        md.AppendLine();
        md.AppendLine("| strategy | coverage | precision BUY | precision SELL | signals B/S | false-positive rate | Brier | log loss | ECE | mean confidence |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in report.Strategies)
        {
            var m = s.Metrics;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Strategy} | {Pct(m["coverage"])} | {P(m["precisionBuy"])} | {P(m["precisionSell"])} | {m["signalsBuy"]}/{m["signalsSell"]} | {Pct(m["falsePositiveRate"])} | {P(m["brier"])} | {P(m["logLoss"])} | {P(m["ece"])} | {P(m["meanConfidence"])} |");
        }
        var first = report.Strategies[0].Metrics;
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Base rates of the labels on these bars: BUY {Pct(first["baseRateBuy"])}, SELL {Pct(first["baseRateSell"])}, HOLD {Pct(first["baseRateHold"])}. A precision is worth something only above its base rate. The false-positive rate is the share of HOLD-labelled bars that got a BUY or SELL.");
        md.AppendLine();
        md.AppendLine("## Backtest (long/short, one bar ahead)");
        md.AppendLine();
        md.AppendLine("| strategy | return | Sharpe | max drawdown | turnover |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var s in report.Strategies)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Strategy} | {Pct(s.Backtest.TotalReturn)} | {P(s.Backtest.Sharpe)} | {Pct(s.Backtest.MaxDrawdown)} | {P(s.Backtest.Turnover)} |");
        }
        md.AppendLine(CultureInfo.InvariantCulture, $"| buy-and-hold | {Pct(report.BuyAndHold.TotalReturn)} | {P(report.BuyAndHold.Sharpe)} | {Pct(report.BuyAndHold.MaxDrawdown)} | {P(report.BuyAndHold.Turnover)} |");
        md.AppendLine();
        md.AppendLine("Position +1 after BUY, -1 after SELL, 0 after HOLD, taken at the bar's close and held one bar; several instruments are held in equal weight.");
        md.AppendLine();
        md.AppendLine("## False positives removed by the later stages");
        md.AppendLine();
        var fp = report.CandidateFalsePositives;
        md.AppendLine(CultureInfo.InvariantCulture, $"Stage 1 passed {fp["stage1Candidates"]} bars. {fp["candidatesLabelledHold"]} of them were HOLD bars; the full pipeline answered HOLD on {Pct(fp["shareOfThoseHeldByPipeline"])} of those. Stages 1+2 would have acted wrongly (HOLD bar or wrong side) on {fp["stages12FalsePositives"]}; the meta-learner removed {Pct(fp["shareOfThoseRemovedByStage3"])} of them. The full pipeline's own false positives: {fp["pipelineFalsePositives"]}.");
        md.AppendLine();
        md.AppendLine("![reliability](reliability.svg)");
        md.AppendLine();
        md.AppendLine("![equity](equity.svg)");
        return md.ToString();
    }
}
