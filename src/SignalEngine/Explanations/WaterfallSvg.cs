using System.Globalization;
using System.Security;
using System.Text;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Explanations;

/// <summary>
/// A standalone SVG waterfall of a signal's stage-1 explanation: from the base value, one horizontal bar per
/// top feature by |contribution|, one bar for all the others, to the final log-odds score. No script, no
/// external resources; numbers in invariant culture, text XML-escaped.
/// </summary>
public static class WaterfallSvg
{
    public const int DefaultTop = 8;

    private const string Increase = "#d62728", Decrease = "#1f77b4", Marker = "#555555";
    private const int PlotWidth = 480, RightMargin = 90, RowHeight = 26, Top = 62, Bottom = 50, CharWidth = 7;

    /// <summary>The signal's stage-1 waterfall, titled with its id, action and p(actionable).</summary>
    public static string Render(Signal signal, SignalExplanation explanation, int top = DefaultTop) =>
        Render(explanation.TreeFilter, signal.Action, signal.Stages.TreeFilter.ProbabilityActionable, signal.Id.ToString(), top);

    public static string Render(TreeExplanation explanation, SignalAction action, double probabilityActionable, Guid signalId, int top = DefaultTop) =>
        Render(explanation, action, probabilityActionable, signalId.ToString(), top);

    public static string Render(TreeExplanation explanation, SignalAction action, double probabilityActionable, string signalId, int top = DefaultTop)
    {
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(top), top, "show at least one feature");
        var steps = Steps(explanation, top);
        var labels = steps.Select(s => s.Label).Append(BaseLabel(explanation)).Append(ScoreLabel(explanation)).ToArray();
        var left = Math.Clamp(labels.Max(l => l.Length) * CharWidth + 20, 140, 420);
        var width = left + PlotWidth + RightMargin;
        var rows = steps.Count + 2;
        var height = Top + rows * RowHeight + Bottom;

        var ends = steps.Select(s => s.Start + s.Contribution).Append(explanation.BaseValue).Append(explanation.Score).ToArray();
        var (min, max) = Range(ends);
        double X(double v) => left + (v - min) / (max - min) * PlotWidth;
        double RowY(int row) => Top + row * RowHeight;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        var title = string.Create(CultureInfo.InvariantCulture, $"Signal {signalId}: {ActionName(action)}, p(actionable) = {probabilityActionable:0.000}");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{Escape(title)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"42\" fill=\"#444\">{Escape("Stage-1 contributions to the log-odds score (exact TreeSHAP)")}</text>\n");

        Ticks(svg, min, max, X, Top - 6, RowY(rows) + 4);

        // Base value row: a marker where the walk starts.
        Row(svg, left, RowY(0), BaseLabel(explanation), bold: true);
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(explanation.BaseValue))}\" y1=\"{F(RowY(0) + 4)}\" x2=\"{F(X(explanation.BaseValue))}\" y2=\"{F(RowY(0) + RowHeight - 4)}\" stroke=\"{Marker}\" stroke-width=\"3\"/>\n");

        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var y = RowY(i + 1);
            var end = step.Start + step.Contribution;
            double x1 = X(Math.Min(step.Start, end)), x2 = X(Math.Max(step.Start, end));
            var color = step.Contribution >= 0 ? Increase : Decrease;
            Row(svg, left, y, step.Label, bold: false);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x1)}\" y=\"{F(y + 5)}\" width=\"{F(Math.Max(1, x2 - x1))}\" height=\"{RowHeight - 10}\" fill=\"{color}\"/>\n");
            // The connector carries the running total down to the next bar.
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(end))}\" y1=\"{F(y + RowHeight - 5)}\" x2=\"{F(X(end))}\" y2=\"{F(y + RowHeight + 5)}\" stroke=\"#999\" stroke-dasharray=\"2 2\"/>\n");
            var (labelX, anchor) = step.Contribution >= 0 ? (x2 + 4, "start") : (x1 - 4, "end");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(labelX)}\" y=\"{F(y + RowHeight / 2.0 + 4)}\" text-anchor=\"{anchor}\" fill=\"{color}\">{Signed(step.Contribution)}</text>\n");
        }

        // Final score row: a bar from the base value to the score, the net effect of all the features.
        var last = RowY(rows - 1);
        double s1 = X(Math.Min(explanation.BaseValue, explanation.Score)), s2 = X(Math.Max(explanation.BaseValue, explanation.Score));
        Row(svg, left, last, ScoreLabel(explanation), bold: true);
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(s1)}\" y=\"{F(last + 5)}\" width=\"{F(Math.Max(1, s2 - s1))}\" height=\"{RowHeight - 10}\" fill=\"{Marker}\" fill-opacity=\"0.35\" stroke=\"{Marker}\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(explanation.Score))}\" y1=\"{F(last + 3)}\" x2=\"{F(X(explanation.Score))}\" y2=\"{F(last + RowHeight - 3)}\" stroke=\"{Marker}\" stroke-width=\"3\"/>\n");

        var legendY = height - 12;
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{legendY - 10}\" width=\"12\" height=\"12\" fill=\"{Increase}\"/><text x=\"{left + 16}\" y=\"{legendY}\">raises the score</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + 140}\" y=\"{legendY - 10}\" width=\"12\" height=\"12\" fill=\"{Decrease}\"/><text x=\"{left + 156}\" y=\"{legendY}\">lowers the score</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + PlotWidth}\" y=\"{legendY}\" text-anchor=\"end\" fill=\"#444\">log-odds of actionable</text>\n");
        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>How a number appears in the chart: the base value and score as "0.000", so tests and readers can find them.</summary>
    public static string Number(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string BaseLabel(TreeExplanation explanation) => $"base value {Number(explanation.BaseValue)}";

    private static string ScoreLabel(TreeExplanation explanation) => $"score {Number(explanation.Score)}";

    private sealed record Step(string Label, double Start, double Contribution);

    private static List<Step> Steps(TreeExplanation explanation, int top)
    {
        var ranked = explanation.Contributions.OrderByDescending(c => Math.Abs(c.Contribution)).ThenBy(c => c.Feature, StringComparer.Ordinal).ToArray();
        var steps = new List<Step>();
        var running = explanation.BaseValue;
        foreach (var feature in ranked.Take(top))
        {
            var label = $"{feature.Feature} = {feature.Value.ToString("0.###", CultureInfo.InvariantCulture)}";
            steps.Add(new Step(label, running, feature.Contribution));
            running += feature.Contribution;
        }
        var rest = ranked.Skip(top).ToArray();
        if (rest.Length > 0)
        {
            var sum = rest.Sum(c => c.Contribution);
            steps.Add(new Step($"other ({rest.Length} {(rest.Length == 1 ? "feature" : "features")})", running, sum));
        }
        return steps;
    }

    private static (double Min, double Max) Range(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        double min = finite.Length > 0 ? finite.Min() : 0, max = finite.Length > 0 ? finite.Max() : 1;
        if (max - min < 1e-9) (min, max) = (min - 0.5, max + 0.5);
        var pad = 0.12 * (max - min);
        return (min - pad, max + pad);
    }

    private static void Ticks(StringBuilder svg, double min, double max, Func<double, double> x, double top, double axisY)
    {
        svg.Append("<g class=\"axis\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x(min))}\" y1=\"{F(axisY)}\" x2=\"{F(x(max))}\" y2=\"{F(axisY)}\" stroke=\"black\"/>\n");
        var step = NiceStep((max - min) / 6);
        for (var tick = Math.Ceiling(min / step) * step; tick <= max; tick += step)
        {
            var value = Math.Abs(tick) < step * 1e-9 ? 0 : tick;
            var tx = F(x(value));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{tx}\" y1=\"{F(top)}\" x2=\"{tx}\" y2=\"{F(axisY)}\" stroke=\"#eee\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{tx}\" y1=\"{F(axisY)}\" x2=\"{tx}\" y2=\"{F(axisY + 5)}\" stroke=\"black\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{tx}\" y=\"{F(axisY + 18)}\" text-anchor=\"middle\">{value.ToString("0.###", CultureInfo.InvariantCulture)}</text>\n");
        }
        svg.Append("</g>\n");
    }

    private static double NiceStep(double raw)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var normalised = raw / magnitude;
        return magnitude * (normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10);
    }

    private static void Row(StringBuilder svg, int left, double y, string label, bool bold) =>
        svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{left - 8}\" y=\"{F(y + RowHeight / 2.0 + 4)}\" text-anchor=\"end\"{(bold ? " font-weight=\"bold\"" : "")}>{Escape(label)}</text>\n");

    private static string ActionName(SignalAction action) => action switch
    {
        SignalAction.Buy => "BUY",
        SignalAction.Sell => "SELL",
        SignalAction.Hold => "HOLD",
        _ => action.ToString().ToUpperInvariant(),
    };

    private static string Signed(double value) => value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text);
}
