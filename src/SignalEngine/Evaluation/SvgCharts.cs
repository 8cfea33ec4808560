using System.Globalization;
using System.Security;
using System.Text;

namespace SignalEngine.Evaluation;

/// <summary>Small self-contained SVG charts for the evaluation report: no script, no external resources.</summary>
public static class SvgCharts
{
    private static readonly string[] Palette = ["#7f7f7f", "#9467bd", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];
    private const int Width = 640, Height = 420, Left = 60, Right = 200, Top = 30, Bottom = 50;

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Observed frequency against mean stated confidence per equal-mass bin, one line per strategy, and the diagonal.</summary>
    public static string Reliability(IReadOnlyList<StrategyReport> strategies, int bins)
    {
        var svg = Begin($"Reliability of the chosen action's confidence ({bins} equal-mass bins)");
        Axes(svg, "stated confidence", "observed frequency", 0, 1, 0, 1);
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(0, 0, 1)}\" y1=\"{Y(0, 0, 1)}\" x2=\"{X(1, 0, 1)}\" y2=\"{Y(1, 0, 1)}\" stroke=\"#bbb\" stroke-dasharray=\"4 4\"/>\n");
        for (var s = 0; s < strategies.Count; s++)
        {
            var points = strategies[s].Reliability.Select(b => (b.MeanConfidence, b.ObservedFrequency)).ToArray();
            Series(svg, points, 0, 1, 0, 1, Palette[s % Palette.Length], markers: true);
            Legend(svg, s, $"{strategies[s].Strategy} (ECE {strategies[s].Metrics["ece"]:0.000})", Palette[s % Palette.Length]);
        }
        return End(svg);
    }

    /// <summary>Equity curves of the strategies' backtests next to buy-and-hold.</summary>
    public static string Equity(IReadOnlyList<StrategyReport> strategies, BacktestResult buyAndHold, double costBasisPoints)
    {
        var curves = strategies.Select(s => (Strategy: s.Strategy, Equity: s.Backtest.Equity)).Append((Strategy: "buy-and-hold", Equity: buyAndHold.Equity)).ToArray();
        var all = curves.SelectMany(c => c.Equity).Append(1.0).ToArray();
        double min = all.Min(), max = all.Max();
        if (max - min < 1e-9) max = min + 1;
        var length = Math.Max(2, curves.Max(c => c.Equity.Length));
        var svg = Begin($"Equity of following the signals, {F(costBasisPoints)} bp costs");
        Axes(svg, "evaluated time step", "equity (start = 1)", 0, length - 1, min, max);
        for (var s = 0; s < curves.Length; s++)
        {
            var color = s == curves.Length - 1 ? Palette[^1] : Palette[s % Palette.Length];
            var points = curves[s].Equity.Select((v, i) => ((double)i, v)).ToArray();
            Series(svg, points, 0, length - 1, min, max, color, markers: false);
            Legend(svg, s, curves[s].Strategy, color);
        }
        return End(svg);
    }

    private static double X(double v, double min, double max) => Left + (v - min) / (max - min) * (Width - Left - Right);

    private static double Y(double v, double min, double max) => Height - Bottom - (v - min) / (max - min) * (Height - Top - Bottom);

    private static StringBuilder Begin(string title)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n<text x=\"{Left}\" y=\"18\" font-size=\"13\">{SecurityElement.Escape(title)}</text>\n");
        return svg;
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>\n").ToString();

    private static void Axes(StringBuilder svg, string xLabel, string yLabel, double xMin, double xMax, double yMin, double yMax)
    {
        var x0 = X(xMin, xMin, xMax);
        var y0 = Y(yMin, yMin, yMax);
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x0)}\" y1=\"{F(y0)}\" x2=\"{F(X(xMax, xMin, xMax))}\" y2=\"{F(y0)}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x0)}\" y1=\"{F(y0)}\" x2=\"{F(x0)}\" y2=\"{F(Y(yMax, yMin, yMax))}\" stroke=\"black\"/>\n");
        for (var k = 0; k <= 4; k++)
        {
            var xv = xMin + (xMax - xMin) * k / 4;
            var yv = yMin + (yMax - yMin) * k / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(xv, xMin, xMax))}\" y=\"{F(y0 + 15)}\" text-anchor=\"middle\">{F(xv)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x0 - 5)}\" y=\"{F(Y(yv, yMin, yMax) + 4)}\" text-anchor=\"end\">{yv.ToString("0.###", CultureInfo.InvariantCulture)}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F((x0 + X(xMax, xMin, xMax)) / 2)}\" y=\"{Height - 12}\" text-anchor=\"middle\">{SecurityElement.Escape(xLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{F((y0 + Top) / 2)}\" transform=\"rotate(-90 14 {F((y0 + Top) / 2)})\" text-anchor=\"middle\">{SecurityElement.Escape(yLabel)}</text>\n");
    }

    private static void Series(StringBuilder svg, IReadOnlyList<(double X, double Y)> points, double xMin, double xMax, double yMin, double yMax, string color, bool markers)
    {
        if (points.Count == 0) return;
        var step = Math.Max(1, points.Count / 800);
        var path = string.Join(" ", points.Where((_, i) => i % step == 0 || i == points.Count - 1)
            .Select(p => $"{F(X(p.X, xMin, xMax))},{F(Y(p.Y, yMin, yMax))}"));
        svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"/>\n");
        if (!markers) return;
        foreach (var p in points)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(p.X, xMin, xMax))}\" cy=\"{F(Y(p.Y, yMin, yMax))}\" r=\"2.5\" fill=\"{color}\"/>\n");
        }
    }

    private static void Legend(StringBuilder svg, int index, string label, string color)
    {
        var y = Top + 10 + index * 16;
        var x = Width - Right + 10;
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y - 8}\" width=\"10\" height=\"10\" fill=\"{color}\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 14}\" y=\"{y + 1}\">{SecurityElement.Escape(label)}</text>\n");
    }
}
