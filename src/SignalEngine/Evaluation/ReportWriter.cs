using System.Globalization;
using System.Text;
using System.Text.Json;
using SignalEngine.Bundle;

namespace SignalEngine.Evaluation;

/// <summary>Writes an evaluation report as report.md, report.json, reliability.svg, equity.svg and predictions.csv in one folder.</summary>
public static class ReportWriter
{
    /// <param name="buyAndHold">Buy-and-hold's equity with its dates, drawn last in the trade-equity chart; the chart
    /// (trades-equity.svg) is written when any strategy carries a trade backtest.</param>
    public static IReadOnlyList<string> Write(EvaluationReport report, string directory, string command, EquityCurve? buyAndHold = null)
    {
        Directory.CreateDirectory(directory);
        var files = new[] { "report.md", "report.json", "reliability.svg", "equity.svg" }.Select(f => Path.Combine(directory, f)).ToList();
        if (report.Predictions is { } predictions)
        {
            files.Add(Path.Combine(directory, "predictions.csv"));
            File.WriteAllText(files[^1], PredictionsCsv(predictions));
        }
        File.WriteAllText(files[0], Markdown(report, command));
        File.WriteAllText(files[1], JsonSerializer.Serialize(report, BundleJson.Options));
        File.WriteAllText(files[2], SvgCharts.Reliability(report.Strategies, report.CalibrationBins));
        File.WriteAllText(files[3], SvgCharts.Equity(report.Strategies, report.BuyAndHold, report.CostBasisPoints));
        buyAndHold ??= report.BuyAndHoldTrades is { } held ? new EquityCurve("buy-and-hold", held.Times, held.Equity) : null;
        var traded = TradeEquityCurves(report, buyAndHold);
        if (traded.Count > 0)
        {
            files.Add(Path.Combine(directory, "trades-equity.svg"));
            File.WriteAllText(files[^1], SvgCharts.Equity(traded, $"Equity of the trades the signals describe, {report.CostBasisPoints.ToString("0.##", CultureInfo.InvariantCulture)} bp costs"));
        }
        return files;
    }

    /// <summary>
    /// One row per evaluated bar, in evaluation order: its time, instrument and label, then per strategy its action,
    /// its BUY, SELL and HOLD probabilities and its bet size, so every figure of the report can be recomputed.
    /// </summary>
    public static string PredictionsCsv(IReadOnlyList<EvaluatedBar> predictions)
    {
        var csv = new StringBuilder("time,instrument,label");
        // Column prefixes: "stages 1+2 (no meta-learner)" becomes stages_1_2_no_meta_learner.
        var names = Strategies.All.Select(s => System.Text.RegularExpressions.Regex.Replace(s.ToLowerInvariant(), "[^a-z0-9]+", "_").Trim('_')).ToArray();
        foreach (var name in names) csv.Append(CultureInfo.InvariantCulture, $",{name}_action,{name}_buy,{name}_sell,{name}_hold,{name}_size");
        csv.Append('\n');
        foreach (var bar in predictions)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{bar.Time:yyyy-MM-ddTHH:mm:ssK},{bar.Instrument},{Action(bar.Label)}");
            foreach (var call in bar.Calls)
            {
                var p = call.Probabilities;
                csv.Append(CultureInfo.InvariantCulture, $",{Action(call.Action)},{p.Buy:R},{p.Sell:R},{p.Hold:R},{call.BetSize ?? 0:R}");
            }
            csv.Append('\n');
        }
        return csv.ToString();
    }

    private static string Action(Labels.SignalAction action) => action.ToString().ToUpperInvariant();

    private static List<EquityCurve> TradeEquityCurves(EvaluationReport report, EquityCurve? buyAndHold)
    {
        var curves = report.Strategies.Where(s => s.Trades is not null).Select(s => new EquityCurve(s.Strategy, s.Trades!.Times, s.Trades.Equity)).ToList();
        if (curves.Count > 0 && buyAndHold is not null) curves.Add(buyAndHold);
        return curves;
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
        md.AppendLine(CultureInfo.InvariantCulture, $"- seed {report.Seed}; costs {report.CostBasisPoints} bp per round trip (the decision rule and the trade backtest; the per-bar backtest charges half per unit traded); ECE over {report.CalibrationBins} equal-mass bins of the chosen action's confidence; {report.Seconds} s");
        md.AppendLine();
        md.AppendLine("## Classification and calibration (out of sample)");
        md.AppendLine();
        md.AppendLine("| strategy | coverage | precision BUY | precision SELL | signals B/S | false-positive rate | Brier | log loss | ECE | mean confidence |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in report.Strategies)
        {
            var m = s.Metrics;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Strategy} | {Pct(m.Coverage)} | {P(m.PrecisionBuy)} | {P(m.PrecisionSell)} | {m.SignalsBuy}/{m.SignalsSell} | {Pct(m.FalsePositiveRate)} | {P(m.Brier)} | {P(m.LogLoss)} | {P(m.Ece)} | {P(m.MeanConfidence)} |");
        }
        var first = report.Strategies[0].Metrics;
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Base rates of the labels on these bars: BUY {Pct(first.BaseRateBuy)}, SELL {Pct(first.BaseRateSell)}, HOLD {Pct(first.BaseRateHold)}. A precision is worth something only above its base rate. The false-positive rate is the share of HOLD-labelled bars that got a BUY or SELL.");
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
        DeskSections(md, report);
        md.AppendLine("## False positives removed by the later stages");
        md.AppendLine();
        var fp = report.CandidateFalsePositives;
        md.AppendLine(CultureInfo.InvariantCulture, $"Stage 1 passed {fp.Stage1Candidates} bars. {fp.CandidatesLabelledHold} of them were HOLD bars; the full pipeline answered HOLD on {Pct(fp.ShareOfThoseHeldByPipeline)} of those. Stages 1+2 would have acted wrongly (HOLD bar or wrong side) on {fp.Stages12FalsePositives}; the meta-learner removed {Pct(fp.ShareOfThoseRemovedByStage3)} of them. The full pipeline's own false positives: {fp.PipelineFalsePositives}.");
        md.AppendLine();
        md.AppendLine("![reliability](reliability.svg)");
        md.AppendLine();
        md.AppendLine("![equity](equity.svg)");
        if (report.Strategies.Any(s => s.Trades is not null))
        {
            md.AppendLine();
            md.AppendLine("![trades equity](trades-equity.svg)");
        }
        return md.ToString();
    }

    /// <summary>
    /// A table of the strategies that carry a bootstrap estimate, one row each, under a title that says the bootstrap's
    /// settings (those of the first row; every estimate of a report is made alike).
    /// </summary>
    private static void BootstrapSection(
        StringBuilder md, EvaluationReport report, Func<StrategyReport, (double Level, int BlockLength, int Replicates)?> settings,
        string title, string interval, string header, Func<StrategyReport, string?> cells, string note)
    {
        var rows = report.Strategies.Where(s => settings(s) is not null).ToArray();
        if (rows.Length == 0) return;
        var (level, block, replicates) = settings(rows[0])!.Value;
        md.AppendLine(CultureInfo.InvariantCulture, $"## {title} ({(level * 100).ToString("0", CultureInfo.InvariantCulture)}% moving-block bootstrap {interval}, blocks of {block} bars, {replicates} replicates)");
        md.AppendLine();
        md.AppendLine(header);
        md.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", header.Count(c => c == '|') - 1)));
        foreach (var s in rows) md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Strategy} | {cells(s)} |");
        md.AppendLine();
        md.AppendLine(note);
        md.AppendLine();
    }

    /// <summary>The figures a desk asks for, each section written only where the strategies carry them.</summary>
    private static void DeskSections(StringBuilder md, EvaluationReport report)
    {
        BootstrapSection(
            md, report, s => s.LogLossSkill is { } k ? (k.Level, k.BlockLength, k.Replicates) : null,
            "Log-loss skill against the base rates", "interval",
            "| strategy | log loss | base-rate log loss | skill | interval |",
            s => s.LogLossSkill is { } k ? $"{P(k.ModelLogLoss)} | {P(k.ReferenceLogLoss)} | {P(k.Skill)} | [{P(k.Lower)}, {P(k.Upper)}]" : null,
            "Skill is 1 - log loss / base-rate log loss: above 0 beats the label frequencies; an interval that contains 0 has not shown it.");
        BootstrapSection(
            md, report, s => s.PrecisionAgainstStage1 is { } p ? (p.Level, p.BlockLength, p.Replicates) : null,
            "Precision against stage 1 alone", "interval of the difference",
            "| strategy | BUY and SELL calls | precision | stage 1 alone's | difference | interval |",
            s => s.PrecisionAgainstStage1 is { } p
                ? $"{p.Signals} | {P(p.Precision)} | {P(p.Reference)} (over {p.ReferenceSignals}) | {P(p.Difference)} | [{P(p.Lower)}, {P(p.Upper)}]"
                : null,
            "Precision counts BUY and SELL calls together, each right when its label is its side. Signals come in runs on " +
            "neighbouring bars whose labels overlap, so the blocks keep each run together; an interval that contains 0 has not told the two apart.");

        var traded = report.Strategies.Where(s => s.Trades is not null).ToArray();
        if (traded.Length > 0)
        {
            md.AppendLine("## Trade backtest (bets held to a barrier or the horizon, overlapping bets averaged)");
            md.AppendLine();
            md.AppendLine("| strategy | return | Sharpe | PSR (SR > 0) | max drawdown | turnover | trades | mean holding (bars) |");
            md.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var s in traded)
            {
                var t = s.Trades!;
                var psr = s.TradeSharpe is { } r ? P(r.Probability) : "n/a";
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {s.Strategy} | {Pct(t.TotalReturn)} | {P(t.Sharpe)} | {psr} | {Pct(t.MaxDrawdown)} | {P(t.Turnover)} | {t.Trades} | {P(t.AverageHoldingBars)} |");
            }
            var hold = report.BuyAndHoldTrades?.AsBacktestResult() ?? report.BuyAndHold;
            md.AppendLine(CultureInfo.InvariantCulture, $"| buy-and-hold | {Pct(hold.TotalReturn)} | {P(hold.Sharpe)} | | {Pct(hold.MaxDrawdown)} | {P(hold.Turnover)} | | |");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"A signal opens a bet of its signed size at its bar's close; the bet closes at the first close beyond a barrier or after the horizon. The net position is the mean size of the active bets; every change of it pays half the round-trip cost per unit. Sharpe annualised over {P(traded[0].Trades!.PeriodsPerYear)} bars a year, counted from the timestamps. PSR is the probability that the true per-bar Sharpe ratio is above 0, given the returns' length, skew and kurtosis. Several instruments are held in equal weight.");
            md.AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"## Reliability bins ({report.CalibrationBins} equal-mass bins of the chosen action's confidence)");
        md.AppendLine();
        md.AppendLine("| strategy | ECE | calibrated forecast's ECE by chance, independent outcomes: mean (90th percentile) | the same, outcomes overlapping as the labels do | bins: count / mean confidence / accuracy |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var s in report.Strategies)
        {
            var bins = string.Join("; ", s.Reliability.Select(b => $"{b.Count} / {P(b.MeanConfidence)} / {P(b.ObservedFrequency)}"));
            var floor = s.CalibratedEce is { } c ? $"{P(c.Mean)} ({P(c.P90)})" : "n/a";
            var overlapping = s.CalibratedEce is { OverlappingMean: { } m, OverlappingP90: { } m90 } ? $"{P(m)} ({P(m90)})" : "n/a";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Strategy} | {P(s.Metrics.Ece)} | {floor} | {overlapping} | {bins} |");
        }
        md.AppendLine();
        var u = report.Strategies.Select(s => s.CalibratedEce?.LabelUniqueness).FirstOrDefault(x => x is not null);
        md.AppendLine("The chance ECE draws every outcome with its stated confidence: what a perfectly calibrated forecast with these confidences would show from sampling noise alone. Drawn independently, it is a lower bound, because overlapping labels are serially correlated; the second column draws them through a Gaussian copula whose latent value is an AR(1) along each instrument's bars, ρ = (1 − ū) / (1 + ū), so that n latent values carry as much as n·ū independent ones (the outcomes a little more, so this too is on the low side)" +
            (u is { } value ? string.Create(CultureInfo.InvariantCulture, $" (ū = {value:0.000}, the average uniqueness of the evaluated labels).") : "."));
        md.AppendLine();
    }
}
