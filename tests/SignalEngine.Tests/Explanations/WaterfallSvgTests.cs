using System.Globalization;
using System.Xml.Linq;
using SignalEngine.Explanations;
using SignalEngine.Labels;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Tests.Explanations;

public sealed class WaterfallSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Ten features, so that two fall into "other" with the default top 8.</summary>
    private static TreeExplanation TenFeatures()
    {
        var contributions = new List<FeatureContribution>
        {
            new("momentum_5", 0.8, 1.25),
            new("a<b&c", -2, -0.6),
        };
        for (var j = 0; j < 8; j++) contributions.Add(new FeatureContribution($"f{j}", j, 0.01 * (j + 1) * (j % 2 == 0 ? 1 : -1)));
        var baseValue = -0.4321;
        return new TreeExplanation(baseValue, baseValue + contributions.Sum(c => c.Contribution), contributions, []);
    }

    private static string Render(TreeExplanation explanation) =>
        WaterfallSvg.Render(explanation, SignalAction.Buy, 0.7312, Guid.Parse("6f1c1a36-9a0e-4c44-9b59-2f7e3c1f0a11"));

    private static string[] Texts(string svg) => XDocument.Parse(svg).Descendants(Svg + "text").Select(t => t.Value).ToArray();

    [Fact]
    public void ChartIsAStandaloneSvgDocument()
    {
        var root = XDocument.Parse(Render(TenFeatures())).Root!;

        root.Name.Should().Be(Svg + "svg");
        root.Attribute("viewBox").Should().NotBeNull();
        root.Attribute("width").Should().NotBeNull();
        root.Attribute("height").Should().NotBeNull();
    }

    [Fact]
    public void ChartNamesTheTopFeatureTheBaseValueAndTheFinalScore()
    {
        var explanation = TenFeatures();
        var texts = Texts(Render(explanation));

        texts.Should().Contain(t => t.StartsWith("momentum_5 = 0.8", StringComparison.Ordinal));
        texts.Should().Contain("+1.250").And.Contain("-0.600");
        texts.Should().Contain($"base value {WaterfallSvg.Number(explanation.BaseValue)}").And.Contain("base value -0.432");
        texts.Should().Contain($"score {WaterfallSvg.Number(explanation.Score)}");
    }

    [Fact]
    public void TitleCarriesTheSignalIdTheActionAndTheProbability()
    {
        var texts = Texts(Render(TenFeatures()));

        texts.Should().Contain("Signal 6f1c1a36-9a0e-4c44-9b59-2f7e3c1f0a11: BUY, p(actionable) = 0.731");
    }

    [Fact]
    public void FeaturesBeyondTheTopAreGroupedAsOther()
    {
        var texts = Texts(Render(TenFeatures()));

        texts.Should().Contain("other (2 features)");
        texts.Should().NotContain(t => t.StartsWith("f0 =", StringComparison.Ordinal) || t.StartsWith("f1 =", StringComparison.Ordinal));
        texts.Should().Contain(t => t.StartsWith("f7 =", StringComparison.Ordinal));
    }

    [Fact]
    public void MarkupInAFeatureNameIsEscaped()
    {
        var svg = Render(TenFeatures());

        svg.Should().Contain("a&lt;b&amp;c = -2").And.NotContain("a<b&c");
        Texts(svg).Should().Contain("a<b&c = -2");
    }

    [Fact]
    public void PositiveAndNegativeContributionsHaveDifferentColours()
    {
        var bars = XDocument.Parse(Render(TenFeatures())).Descendants(Svg + "rect")
            .Select(r => (string?)r.Attribute("fill")).Where(f => f is not null && f != "white").Distinct().ToArray();

        bars.Should().Contain("#d62728").And.Contain("#1f77b4");
    }

    [Fact]
    public void AxisTicksAreEvenlySpacedAndSpanTheBaseValueAndTheScore()
    {
        var explanation = TenFeatures();
        var axis = XDocument.Parse(Render(explanation)).Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "axis");
        var ticks = axis.Elements(Svg + "text").Select(t => double.Parse(t.Value, CultureInfo.InvariantCulture)).ToArray();

        ticks.Should().HaveCountGreaterThanOrEqualTo(3).And.BeInAscendingOrder();
        var steps = ticks.Zip(ticks.Skip(1), (a, b) => b - a).ToArray();
        steps.Should().OnlyContain(step => Math.Abs(step - steps[0]) < 1e-9);
        ticks[0].Should().BeLessThanOrEqualTo(explanation.BaseValue + steps[0]);
        ticks[^1].Should().BeGreaterThanOrEqualTo(explanation.Score - steps[0]);
    }
}
