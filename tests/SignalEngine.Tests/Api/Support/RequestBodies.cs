using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SignalEngine.Api.Hosting;
using SignalEngine.Api.Serving;
using SignalEngine.Api.Input;
using SignalEngine.Features;
using SignalEngine.Pipeline;

namespace SignalEngine.Tests.Api.Support;

/// <summary>POST /signals bodies: from pipeline inputs, or hand-made rows of the fake schema.</summary>
public static class RequestBodies
{
    public static string From(IEnumerable<SignalInput> items, FeatureSchema schema) =>
        JsonSerializer.Serialize(new FeatureBatch(items.Select(i => FeatureBatchItem.From(i, schema)).ToArray()), ApiDefaults.Json);

    public static JsonObject FakeRow(double ret = 0.5, double rsi = 50, double macd = 0.1, double rvol = 0.01) =>
        new() { ["ret_1"] = ret, ["rsi_14"] = rsi, ["macd"] = macd, ["rvol_20"] = rvol };

    public static JsonObject FakeItem(int index, int historyRows = FakeBundle.WindowLength - 1, double ret = 0.5)
    {
        var history = new JsonArray();
        for (var k = 0; k < historyRows; k++) history.Add(FakeRow(ret: 0.1 * k));
        return new JsonObject
        {
            ["instrument"] = "TEST",
            ["timestamp"] = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero).AddHours(index).ToString("O"),
            ["features"] = FakeRow(ret),
            ["history"] = history,
        };
    }

    public static JsonObject FakeBatch(params JsonObject[] items) => new() { ["items"] = new JsonArray(items) };

    /// <summary>One series of <paramref name="rows"/> hourly rows of the fake schema, oldest first, its last <paramref name="last"/> signalled.</summary>
    public static JsonObject FakeSeries(int rows = 4, int last = 2, string instrument = "TEST")
    {
        var array = new JsonArray();
        for (var k = 0; k < rows; k++)
        {
            array.Add(new JsonObject
            {
                ["timestamp"] = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero).AddHours(k).ToString("O"),
                ["features"] = FakeRow(ret: 0.1 * k, rsi: 45 + k),
            });
        }
        return new JsonObject { ["instrument"] = instrument, ["last"] = last, ["rows"] = array };
    }

    public static JsonObject FakeSeriesBatch(params JsonObject[] series) => new() { ["series"] = new JsonArray(series) };

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static StringContent Json(JsonNode body) => Json(body.ToJsonString());

    public static StringContent Typed(string body, string mediaType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}
