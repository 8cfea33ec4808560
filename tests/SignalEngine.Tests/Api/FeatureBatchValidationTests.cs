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
    };

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
