using System.Text;
using System.Text.Json.Nodes;
using SignalEngine.Api.Input;
using SignalEngine.Features;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api;

/// <summary>Repeated feature rows (item form, labelled bars): each bar's row comes again in its neighbours' histories, and is read once.</summary>
public sealed class FeatureBatchReaderTests
{
    private static readonly FeatureSchema Schema = new(["ret_1", "rsi_14", "macd", "rvol_20"]);

    private static FeatureBatchParse Read(JsonNode body) =>
        FeatureBatchReader.Read(Encoding.UTF8.GetBytes(body.ToJsonString()), Schema, maxItems: 10);

    [Fact]
    public void ARowSentAgainInAnotherItemsHistoryIsTheRowReadBefore()
    {
        // FakeItem's history rows are the same three rows in every item; each item's own row is another.
        var parse = Read(FakeBatch(FakeItem(0, historyRows: 3, ret: 0.7), FakeItem(1, historyRows: 3, ret: 0.9)));

        parse.IsValid.Should().BeTrue();
        var (first, second) = (parse.Items[0], parse.Items[1]);
        for (var k = 0; k < 3; k++)
        {
            second.History[k].Should().BeSameAs(first.History[k], "the same bytes were read before");
            first.History[k].Should().Equal(0.1 * k, 50, 0.1, 0.01);
        }
        first.Features.Should().Equal(0.7, 50, 0.1, 0.01);
        second.Features.Should().Equal(0.9, 50, 0.1, 0.01);
    }

    [Fact]
    public void TheSameValuesWrittenAnotherWayAreReadToTheSameValues()
    {
        var items = new[] { FakeItem(0, historyRows: 1), FakeItem(1, historyRows: 0) };
        items[1]["features"] = new JsonObject { ["rsi_14"] = 50, ["ret_1"] = 0.0, ["macd"] = 0.1, ["rvol_20"] = 0.01 }; // history[0] of item 0, keys reordered

        var parse = Read(FakeBatch(items));

        parse.IsValid.Should().BeTrue();
        parse.Items[1].Features.Should().Equal(parse.Items[0].History[0]);
    }

    [Fact]
    public void LabelledBarsOfPostOutcomesReadTheirRepeatedRowsOnceToo()
    {
        var bars = new JsonArray(FakeItem(0, historyRows: 2), FakeItem(1, historyRows: 2));
        foreach (var bar in bars) bar!["label"] = "buy";

        var parse = OutcomeBatchReader.Read(Encoding.UTF8.GetBytes(new JsonObject { ["bars"] = bars }.ToJsonString()), Schema, maxItems: 10);

        parse.Errors.Should().BeNull();
        parse.Bars[1].Input.History[1].Should().BeSameAs(parse.Bars[0].Input.History[1]);
    }

    [Fact]
    public void ABadRowSentTwiceIsNamedWhereverItIs()
    {
        var items = Enumerable.Range(0, 3).Select(i => FakeItem(i, historyRows: 2)).ToArray();
        items[1]["history"]![1]!.AsObject().Remove("macd");
        items[2]["history"]![1]!.AsObject().Remove("macd");

        var parse = Read(FakeBatch(items));

        parse.Errors!.Keys.Should().BeEquivalentTo("items[1].history[1].macd", "items[2].history[1].macd");
    }
}
