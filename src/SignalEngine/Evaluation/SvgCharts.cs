using System.Globalization;
using System.Security;
using System.Text;

namespace SignalEngine.Evaluation;

/// <summary>One line of an equity chart: a strategy's equity at each timestamp.</summary>
public sealed record EquityCurve(string Name, IReadOnlyList<DateTimeOffset> Times, IReadOnlyList<double> Equity);

/// <summary>Small self-contained SVG charts for the evaluation report: no script, no external resources.</summary>
public static class SvgCharts
{
    private static readonly string[] Palette = ["#7f7f7f", "#9467bd", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];
    private const int PlotWidth = 380, PlotHeight = 340, Left = 60, Top = 30, Bottom = 50, LegendRow = 16, MinimumLegendWidth = 200;

    // An upper bound of the advance of a character of an 11 px sans-serif font (capitals and digits are about 0.6 em,
    // most lower case less): sizing the legend by it leaves room to spare rather than clipping the label.
    private const double CharacterWidth = 7.0;

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Observed frequency against mean stated confidence per equal-mass bin, one line per strategy, and the diagonal.</summary>
    public static string Reliability(IReadOnlyList<StrategyReport> strategies, int bins)
    {
        var labels = strategies.Select(s => $"{s.Strategy} (ECE {s.Metrics.Ece.ToString("0.000", CultureInfo.InvariantCulture)})").ToArray();
        var chart = new Chart($"Reliability of the chosen action's confidence ({bins} equal-mass bins)", labels, 0, 1, 0, 1, logY: false);
        chart.Axes("stated confidence", "observed frequency", NumericTicks(0, 1), NumericTicks(0, 1));
        chart.Diagonal();
        for (var s = 0; s < strategies.Count; s++)
        {
            var points = strategies[s].Reliability.Select(b => (b.MeanConfidence, b.ObservedFrequency)).ToArray();
            chart.Series(points, Palette[s % Palette.Length], markers: true);
            chart.Legend(s, labels[s], Palette[s % Palette.Length]);
        }
        return chart.End();
    }

    /// <summary>Equity curves of the strategies' backtests next to buy-and-hold, against the evaluated time step, on a log scale.</summary>
    public static string Equity(IReadOnlyList<StrategyReport> strategies, BacktestResult buyAndHold, double costBasisPoints)
    {
        var curves = strategies.Select(s => (s.Strategy, s.Backtest.Equity)).Append(("buy-and-hold", buyAndHold.Equity))
            .Select(c => (c.Item1, Points: c.Item2.Select((v, i) => ((double)i, v)).ToArray())).ToArray();
        var length = Math.Max(2, curves.Max(c => c.Points.Length));
        return EquityChart($"Equity of following the signals, {F(costBasisPoints)} bp costs", curves, 0, length - 1, "evaluated time step", NumericTicks(0, length - 1));
    }

    /// <summary>
    /// Equity curves against their dates on a log scale, where equal distances are equal returns: a curve that
    /// doubled twice reads as two equal steps, and a strategy's and buy-and-hold's growth compare at a glance.
    /// The last curve is drawn in red, so pass buy-and-hold last.
    /// </summary>
    public static string Equity(IReadOnlyList<EquityCurve> curves, string title)
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0) throw new ArgumentException("no curves", nameof(curves));
        foreach (var c in curves)
        {
            if (c.Times.Count != c.Equity.Count) throw new ArgumentException($"{c.Name}: {c.Times.Count} timestamps, {c.Equity.Count} values");
        }
        var points = curves.Select(c => (c.Name, Points: c.Times.Select((t, i) => ((double)t.ToUnixTimeSeconds(), c.Equity[i])).ToArray())).ToArray();
        var times = curves.SelectMany(c => c.Times).ToArray();
        if (times.Length == 0) throw new ArgumentException("the curves hold no points", nameof(curves));
        var (first, last) = (times.Min(), times.Max());
        if (last <= first) last = first.AddDays(1);
        return EquityChart(title, points, first.ToUnixTimeSeconds(), last.ToUnixTimeSeconds(), "date", DateTicks(first, last));
    }

    private static string EquityChart(
        string title, (string Name, (double X, double Y)[] Points)[] curves, double xMin, double xMax, string xLabel, IReadOnlyList<(double Value, string Label)> xTicks)
    {
        // A log axis cannot show a ruined (non-positive) equity: such points sit on the axis floor.
        var positive = curves.SelectMany(c => c.Points).Select(p => p.Y).Where(y => y > 0 && double.IsFinite(y)).Append(1.0).ToArray();
        double yMin = positive.Min() / 1.05, yMax = positive.Max() * 1.05;
        var chart = new Chart(title, curves.Select(c => c.Name).ToArray(), xMin, xMax, yMin, yMax, logY: true);
        chart.Axes(xLabel, "equity (start = 1, log scale)", xTicks, LogTicks(yMin, yMax));
        for (var s = 0; s < curves.Length; s++)
        {
            var color = s == curves.Length - 1 ? Palette[^1] : Palette[s % Palette.Length];
            chart.Series(curves[s].Points.Select(p => (p.X, Math.Max(p.Y, yMin))).ToArray(), color, markers: false);
            chart.Legend(s, curves[s].Name, color);
        }
        return chart.End();
    }

    internal static IReadOnlyList<(double Value, string Label)> NumericTicks(double min, double max) =>
        Enumerable.Range(0, 5).Select(k => min + (max - min) * k / 4).Select(v => (v, v.ToString("0.###", CultureInfo.InvariantCulture))).ToArray();

    /// <summary>1, 2 and 5 times powers of ten inside the range; evenly spaced logs where fewer than three fall inside.</summary>
    internal static IReadOnlyList<(double Value, string Label)> LogTicks(double min, double max)
    {
        static string Label(double v) => v.ToString(v >= 100 ? "0" : v >= 1 ? "0.##" : "0.###", CultureInfo.InvariantCulture);
        var ticks = new List<(double, string)>();
        for (var exponent = (int)Math.Floor(Math.Log10(min)); exponent <= (int)Math.Ceiling(Math.Log10(max)); exponent++)
        {
            foreach (var mantissa in new[] { 1.0, 2.0, 5.0 })
            {
                var v = mantissa * Math.Pow(10, exponent);
                if (v >= min && v <= max) ticks.Add((v, Label(v)));
            }
        }
        if (ticks.Count >= 3) return ticks.Count <= 12 ? ticks : ticks.Where(t => t.Item2.StartsWith('1')).ToArray();
        return Enumerable.Range(0, 5).Select(k => Math.Exp(Math.Log(min) + (Math.Log(max) - Math.Log(min)) * k / 4)).Select(v => (v, Label(v))).ToArray();
    }

    /// <summary>January 1st of every year or every few years over long spans; five even ticks with dates (and times) otherwise.</summary>
    internal static IReadOnlyList<(double Value, string Label)> DateTicks(DateTimeOffset first, DateTimeOffset last)
    {
        var span = last - first;
        if (span.TotalDays >= 3 * 365)
        {
            var step = (int)Math.Ceiling((last.Year - first.Year) / 6.0);
            var ticks = new List<(double, string)>();
            for (var year = first.Year + 1; year <= last.Year; year += step)
            {
                var start = new DateTimeOffset(year, 1, 1, 0, 0, 0, first.Offset);
                ticks.Add((start.ToUnixTimeSeconds(), year.ToString(CultureInfo.InvariantCulture)));
            }
            return ticks;
        }
        var format = span.TotalDays >= 3 ? "yyyy-MM-dd" : "MM-dd HH:mm";
        return Enumerable.Range(0, 5).Select(k => first + span * k / 4)
            .Select(t => ((double)t.ToUnixTimeSeconds(), t.ToString(format, CultureInfo.InvariantCulture))).ToArray();
    }

    /// <summary>One chart: its canvas is as wide and tall as its legend needs, so no label is ever cut off.</summary>
    private sealed class Chart
    {
        private readonly StringBuilder _svg = new();
        private readonly double _xMin, _xMax, _yMin, _yMax;
        private readonly bool _logY;
        private readonly int _width, _height;

        public Chart(string title, IReadOnlyList<string> legend, double xMin, double xMax, double yMin, double yMax, bool logY)
        {
            (_xMin, _xMax, _yMin, _yMax, _logY) = (xMin, xMax, yMin, yMax, logY);
            if (_xMax - _xMin < 1e-12) _xMax = _xMin + 1;
            if (_yMax - _yMin < 1e-12) _yMax = _yMin + 1;
            var longest = legend.Count == 0 ? 0 : legend.Max(l => l.Length);
            var legendWidth = Math.Max(MinimumLegendWidth, (int)Math.Ceiling(24 + CharacterWidth * longest + 10));
            _width = Left + PlotWidth + legendWidth;
            _height = Math.Max(Top + PlotHeight + Bottom, Top + 10 + LegendRow * legend.Count + 10);
            var titleWidth = 2 * Left + (int)Math.Ceiling(CharacterWidth * 13 / 11 * title.Length);
            _width = Math.Max(_width, titleWidth);
            _svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{_width}\" height=\"{_height}\" viewBox=\"0 0 {_width} {_height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
            _svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{_width}\" height=\"{_height}\" fill=\"white\"/>\n<text x=\"{Left}\" y=\"18\" font-size=\"13\">{SecurityElement.Escape(title)}</text>\n");
        }

        private double PlotBottom => Top + PlotHeight;

        public double X(double v) => Left + (v - _xMin) / (_xMax - _xMin) * PlotWidth;

        public double Y(double v)
        {
            var share = _logY ? (Math.Log(v) - Math.Log(_yMin)) / (Math.Log(_yMax) - Math.Log(_yMin)) : (v - _yMin) / (_yMax - _yMin);
            return PlotBottom - share * PlotHeight;
        }

        public void Axes(string xLabel, string yLabel, IReadOnlyList<(double Value, string Label)> xTicks, IReadOnlyList<(double Value, string Label)> yTicks)
        {
            _svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{F(PlotBottom)}\" x2=\"{Left + PlotWidth}\" y2=\"{F(PlotBottom)}\" stroke=\"black\"/>\n");
            _svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{F(PlotBottom)}\" x2=\"{Left}\" y2=\"{Top}\" stroke=\"black\"/>\n");
            foreach (var (value, label) in xTicks)
            {
                var x = X(value);
                _svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" y1=\"{F(PlotBottom)}\" x2=\"{F(x)}\" y2=\"{F(PlotBottom + 4)}\" stroke=\"black\"/>\n");
                _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x)}\" y=\"{F(PlotBottom + 15)}\" text-anchor=\"middle\">{SecurityElement.Escape(label)}</text>\n");
            }
            foreach (var (value, label) in yTicks)
            {
                var y = Y(value);
                _svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left - 4}\" y1=\"{F(y)}\" x2=\"{Left}\" y2=\"{F(y)}\" stroke=\"black\"/>\n");
                _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{SecurityElement.Escape(label)}</text>\n");
            }
            _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left + PlotWidth / 2.0)}\" y=\"{F(PlotBottom + 36)}\" text-anchor=\"middle\">{SecurityElement.Escape(xLabel)}</text>\n");
            var middle = F((PlotBottom + Top) / 2);
            _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{middle}\" transform=\"rotate(-90 14 {middle})\" text-anchor=\"middle\">{SecurityElement.Escape(yLabel)}</text>\n");
        }

        public void Diagonal() =>
            _svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(_xMin))}\" y1=\"{F(Y(_yMin))}\" x2=\"{F(X(_xMax))}\" y2=\"{F(Y(_yMax))}\" stroke=\"#bbb\" stroke-dasharray=\"4 4\"/>\n");

        public void Series(IReadOnlyList<(double X, double Y)> points, string color, bool markers)
        {
            if (points.Count == 0) return;
            var step = Math.Max(1, points.Count / 800);
            var path = string.Join(" ", points.Where((_, i) => i % step == 0 || i == points.Count - 1).Select(p => $"{F(X(p.X))},{F(Y(p.Y))}"));
            _svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"/>\n");
            if (!markers) return;
            foreach (var p in points)
                _svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(p.X))}\" cy=\"{F(Y(p.Y))}\" r=\"2.5\" fill=\"{color}\"/>\n");
        }

        public void Legend(int index, string label, string color)
        {
            var y = Top + 10 + index * LegendRow;
            var x = Left + PlotWidth + 10;
            _svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y - 8}\" width=\"10\" height=\"10\" fill=\"{color}\"/>\n");
            _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 14}\" y=\"{y + 1}\">{SecurityElement.Escape(label)}</text>\n");
        }

        public string End() => _svg.Append("</svg>\n").ToString();
    }
}
