using System.Globalization;
using System.Xml.Linq;
using SignalEngine.Evaluation;
using SignalEngine.Scoring;

namespace SignalEngine.Tests.Evaluation;

public sealed class SvgChartsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    internal static StrategyReport Report(string name, double ece, double[] equity) => new(
        name,
        ReportWriterTests.Uniform(double.NaN) with { Ece = ece },
        [new ReliabilityBin(10, 0.3, 0.35), new ReliabilityBin(10, 0.5, 0.45), new ReliabilityBin(10, 0.75, 0.5)],
        new BacktestResult(equity[^1] - 1, 0, 0, 0, equity));

    internal static EquityCurve[] Curves()
    {
        var times = Enumerable.Range(0, 3000).Select(i => new DateTimeOffset(2010, 1, 4, 0, 0, 0, TimeSpan.Zero).AddDays(i)).ToArray();
        return
        [
            new EquityCurve("full pipeline (trades, after 5 bp round trip)", times, times.Select((_, i) => Math.Exp(0.0004 * i)).ToArray()),
            new EquityCurve("buy-and-hold", times, times.Select((_, i) => Math.Exp(0.0008 * i + 0.1 * Math.Sin(i / 90.0))).ToArray()),
        ];
    }

    private static double Number(XElement e, string attribute) => double.Parse(e.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    /// <summary>Every legend label, at the font's widest plausible advance (0.62 em), ends inside the canvas.</summary>
    private static void LegendsFit(string svg, IEnumerable<string> labels)
    {
        var root = XDocument.Parse(svg).Root!;
        var width = Number(root, "width");
        var texts = root.Elements(Svg + "text").ToArray();
        foreach (var label in labels)
        {
            var text = texts.Single(t => t.Value == label);
            (Number(text, "x") + 0.62 * 11 * label.Length).Should().BeLessThan(width, $"the legend '{label}' must not be clipped");
        }
    }

    [Fact]
    public void ReliabilityLegendsAreNeverClipped()
    {
        var svg = SvgCharts.Reliability([Report("stages 1+2 (no meta-learner)", 0.0654, [1, 1.1]), Report("full pipeline", 0.02, [1, 0.9])], 10);

        LegendsFit(svg, ["stages 1+2 (no meta-learner) (ECE 0.065)", "full pipeline (ECE 0.020)"]);
    }

    [Fact]
    public void EquityIsPlottedAgainstDatesOnALogScale()
    {
        var curves = Curves();
        var svg = SvgCharts.Equity(curves, "Equity after costs");
        var root = XDocument.Parse(svg).Root!;
        var labels = root.Elements(Svg + "text").Select(t => t.Value).ToArray();

        labels.Should().Contain(["2011", "2013", "2015", "2017"], "a long span is marked by years");
        LegendsFit(svg, curves.Select(c => c.Name));

        // Log scale: the ticks 1, 2, 5 and 10 sit at heights proportional to their logarithms.
        var ticks = root.Elements(Svg + "text").Where(t => t.Attribute("text-anchor")?.Value == "end")
            .ToDictionary(t => t.Value, t => Number(t, "y"));
        var (y1, y2, y5, y10) = (ticks["1"], ticks["2"], ticks["5"], ticks["10"]);
        ((y1 - y2) / (y1 - y10)).Should().BeApproximately(Math.Log10(2), 0.01);
        ((y1 - y5) / (y1 - y10)).Should().BeApproximately(Math.Log10(5), 0.01);
    }

    [Fact]
    public void ShortSpansAreMarkedByDayAndIntradayByTime()
    {
        var start = new DateTimeOffset(2024, 3, 4, 9, 30, 0, TimeSpan.Zero);
        SvgCharts.DateTicks(start, start.AddDays(40)).Select(t => t.Label).Should().StartWith("2024-03-04");
        SvgCharts.DateTicks(start, start.AddHours(6)).Select(t => t.Label).Should().Equal("03-04 09:30", "03-04 11:00", "03-04 12:30", "03-04 14:00", "03-04 15:30");
    }
}
