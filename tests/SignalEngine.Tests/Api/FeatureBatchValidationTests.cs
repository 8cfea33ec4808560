using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api;

/// <summary>Every refusal of POST /signals: its status, the ProblemDetails key naming item and field, and nothing kept.</summary>
public sealed class FeatureBatchValidationTests : IClassFixture<FeatureBatchValidationTests.Host>
{
    public sealed class Host : IDisposable
    {
        public SignalEngineApplication App { get; } = SignalEngineApplication.WithFakeBundle(new Dictionary<string, string?>
        {
            ["Api:MaxBatchItems"] = "5",
            ["Api:MaxRequestBodyBytes"] = "8192",
        });

        public void Dispose() => App.Dispose();
    }

    private readonly SignalEngineApplication _app;
    private readonly HttpClient _client;

    public FeatureBatchValidationTests(Host host)
    {
        _app = host.App;
        _client = host.App.CreateClient();
    }

    /// <summary>Three valid items with one thing spoiled in the second (or the whole body spoiled).</summary>
    private static readonly Dictionary<string, (Func<string> Body, string Key, string Message)> Cases = new()
    {
        ["empty batch"] = (() => """{"items":[]}""", "items", "empty batch"),
        ["no items"] = (() => """{"batch":[]}""", "items", "missing"),
        ["too many items"] = (() => FakeBatch([.. Enumerable.Range(0, 6).Select(i => FakeItem(i, historyRows: 0))]).ToJsonString(), "items", "too many items: 6, at most 5"),
        ["malformed JSON"] = (() => """{"items":[{"instrument":"X",""", "body", "malformed JSON"),
        ["missing feature"] = (() => Spoil(item => item["features"]!.AsObject().Remove("rsi_14")), "items[1].features.rsi_14", "missing"),
        ["unknown feature"] = (() => Spoil(item => item["features"]!["volume_z_20"] = 1.0), "items[1].features.volume_z_20", "unknown feature"),
        ["NaN as a string"] = (() => Spoil(item => item["features"]!["macd"] = "NaN"), "items[1].features.macd", "must be a finite number"),
        ["bare NaN"] = (() => Spoil(item => item["features"]!["macd"] = "@NaN@").Replace("\"@NaN@\"", "NaN"), "items[1].features.macd", "must be a finite number"),
        ["bare -Infinity"] = (() => Spoil(item => item["features"]!["macd"] = "@x@").Replace("\"@x@\"", "-Infinity"), "items[1].features.macd", "must be a finite number"),
        ["overflow to infinity"] = (() => Spoil(item => item["features"]!["macd"] = "@x@").Replace("\"@x@\"", "1e400"), "items[1].features.macd", "must be a finite number"),
        ["not a number"] = (() => Spoil(item => item["features"]!["macd"] = "high"), "items[1].features.macd", "must be a number"),
        ["history row missing a feature"] = (() => Spoil(item => item["history"]![1]!.AsObject().Remove("macd")), "items[1].history[1].macd", "missing"),
        ["history row with an unknown feature"] = (() => Spoil(item => item["history"]![0]!["close"] = 101.5), "items[1].history[0].close", "unknown feature"),
        ["history row not an object"] = (() => Spoil(item => item["history"]![0] = 3), "items[1].history[0]", "must be an object"),
        ["malformed timestamp"] = (() => Spoil(item => item["timestamp"] = "02/01/2026 10:00"), "items[1].timestamp", "ISO-8601"),
        ["missing timestamp"] = (() => Spoil(item => item.Remove("timestamp")), "items[1].timestamp", "missing"),
        ["missing instrument"] = (() => Spoil(item => item.Remove("instrument")), "items[1].instrument", "missing"),
        ["unknown regime"] = (() => Spoil(item => item["context"] = new JsonObject { ["regime"] = "crisis" }), "items[1].context.regime", "unknown regime"),
        ["non-finite liquidity"] = (() => Spoil(item => item["context"] = new JsonObject { ["liquidity"] = "Infinity" }), "items[1].context.liquidity", "must be a finite number"),
        ["unknown item field"] = (() => Spoil(item => item["price"] = 3.0), "items[1].price", "unknown field"),
        ["series row missing a feature"] = (() => SpoilSeries(s => s["rows"]![2]!["features"]!.AsObject().Remove("rsi_14")), "series[1].rows[2].features.rsi_14", "missing"),
        ["series row with an unknown feature"] = (() => SpoilSeries(s => s["rows"]![0]!["features"]!["close"] = 101.5), "series[1].rows[0].features.close", "unknown feature"),
        ["series row with NaN"] = (() => SpoilSeries(s => s["rows"]![3]!["features"]!["macd"] = "NaN"), "series[1].rows[3].features.macd", "must be a finite number"),
        ["series rows out of order"] = (() => SpoilSeries(s => s["rows"]![2]!["timestamp"] = s["rows"]![1]!["timestamp"]!.GetValue<string>()), "series[1].rows[2].timestamp", "later than the row before"),
        ["series row malformed timestamp"] = (() => SpoilSeries(s => s["rows"]![1]!["timestamp"] = "yesterday"), "series[1].rows[1].timestamp", "ISO-8601"),
        ["series row missing timestamp"] = (() => SpoilSeries(s => s["rows"]![1]!.AsObject().Remove("timestamp")), "series[1].rows[1].timestamp", "missing"),
        ["series row not an object"] = (() => SpoilSeries(s => s["rows"]![1] = 7), "series[1].rows[1]", "must be an object"),
        ["series row unknown field"] = (() => SpoilSeries(s => s["rows"]![0]!["price"] = 3.0), "series[1].rows[0].price", "unknown field"),
        ["series row unknown regime"] = (() => SpoilSeries(s => s["rows"]![3]!["context"] = new JsonObject { ["regime"] = "crisis" }), "series[1].rows[3].context.regime", "unknown regime"),
        ["series last beyond its rows"] = (() => SpoilSeries(s => s["last"] = 9), "series[1].last", "the series has 4 rows"),
        ["series last zero"] = (() => SpoilSeries(s => s["last"] = 0), "series[1].last", "at least 1"),
        ["series without last"] = (() => SpoilSeries(s => s.Remove("last")), "series[1].last", "missing"),
        ["series without instrument"] = (() => SpoilSeries(s => s.Remove("instrument")), "series[1].instrument", "missing"),
        ["series without rows"] = (() => SpoilSeries(s => s["rows"] = new JsonArray()), "series[1].rows", "non-empty array"),
        ["unknown series field"] = (() => SpoilSeries(s => s["window"] = 3), "series[1].window", "unknown field"),
        ["too many signals in series"] = (() => FakeSeriesBatch(FakeSeries(last: 2), FakeSeries(last: 2), FakeSeries(last: 2)).ToJsonString(), "series", "too many signals: 6"),
        ["empty series"] = (() => """{"series":[]}""", "series", "empty batch"),
        ["items and series"] = (() => """{"items":[],"series":[]}""", "series", "not both"),
    };

    /// <summary>Three valid series with one thing spoiled in the second.</summary>
    private static string SpoilSeries(Action<JsonObject> spoil)
    {
        var series = Enumerable.Range(0, 3).Select(i => FakeSeries(last: 1, instrument: $"S{i}")).ToArray();
        spoil(series[1]);
        return FakeSeriesBatch(series).ToJsonString();
    }

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    private static string Spoil(Action<JsonObject> spoil)
    {
        var items = Enumerable.Range(0, 3).Select(i => FakeItem(i)).ToArray();
        spoil(items[1]);
        return FakeBatch(items).ToJsonString();
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task InvalidBatchIsRejectedNamingTheItemAndFieldAndNothingIsKept(string name)
    {
        var (body, key, message) = Cases[name];
        var storedBefore = _app.StoredCount();
        var auditedBefore = _app.AuditLines().Count;

        var response = await _client.PostAsync("/signals", Json(body()));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty(key, out var messages).Should().BeTrue($"the errors {errors} should name {key}");
        messages.EnumerateArray().Select(m => m.GetString()).Should().Contain(m => m!.Contains(message));
        _app.StoredCount().Should().Be(storedBefore);
        _app.AuditLines().Should().HaveCount(auditedBefore);
    }

    [Fact]
    public async Task EveryProblemOfABatchIsListedNotJustTheFirst()
    {
        var items = Enumerable.Range(0, 3).Select(i => FakeItem(i)).ToArray();
        items[0]["features"]!.AsObject().Remove("ret_1");
        items[2]["timestamp"] = "soon";

        var response = await _client.PostAsync("/signals", Json(FakeBatch(items)));

        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("items[0].features.ret_1", "items[2].timestamp");
    }

    [Fact]
    public async Task BodyOverTheConfiguredSizeIs413()
    {
        var body = FakeBatch(FakeItem(0)).ToJsonString().Replace("\"TEST\"", "\"" + new string('A', 9000) + "\"");

        var response = await _client.PostAsync("/signals", Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task ChunkedBodyOverTheConfiguredSizeIs413WithoutALength()
    {
        var body = Encoding.UTF8.GetBytes(FakeBatch(FakeItem(0)).ToJsonString().Replace("\"TEST\"", "\"" + new string('A', 9000) + "\""));
        var content = new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await _client.PostAsync("/signals", content);

        content.Headers.ContentLength.Should().BeNull();
        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    /// <summary>A body whose length is not known up front, so it is sent chunked and only counting can refuse it.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task BodyThatIsNotJsonIs415()
    {
        var response = await _client.PostAsync("/signals", Typed(FakeBatch(FakeItem(0)).ToJsonString(), "text/plain"));

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task ValidBatchUnderTheLimitsIsAccepted()
    {
        var response = await _client.PostAsync("/signals", Json(FakeBatch([.. Enumerable.Range(0, 5).Select(i => FakeItem(i))])));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
