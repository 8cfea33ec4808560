using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api;

/// <summary>GET /outcomes/summary on the real host (fake bundle): hit rates, reliability bins and days from reported outcomes.</summary>
public sealed class OutcomeSummaryTests : IDisposable
{
    private readonly SignalEngineApplication _app = SignalEngineApplication.WithFakeBundle();
    private readonly HttpClient _client;

    public OutcomeSummaryTests() => _client = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task WithoutOutcomesNothingIsScoredAndRatesAreNull()
    {
        await _client.PostAsync("/signals", Json(FakeBatch(FakeItem(0))));

        var summary = await _client.GetFromJsonAsync<JsonElement>("/outcomes/summary");

        summary.GetProperty("scored").GetInt32().Should().Be(0);
        summary.GetProperty("hitRate").ValueKind.Should().Be(JsonValueKind.Null);
        summary.GetProperty("reliability").GetArrayLength().Should().Be(10);
        summary.GetProperty("reliability").EnumerateArray().Should().OnlyContain(b => b.GetProperty("count").GetInt32() == 0);
        summary.GetProperty("byDay").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task HitRatesReliabilityAndDaysComeFromTheReportedOutcomes()
    {
        // Three buys (two on 2 January, one on 3 January) and one hold filtered at stage 1 (3 January).
        var answer = await (await _client.PostAsync("/signals", Json(FakeBatch(FakeItem(0), FakeItem(1), FakeItem(30), FakeItem(31, ret: -2)))))
            .Content.ReadFromJsonAsync<JsonElement>();
        var signals = answer.GetProperty("signals").EnumerateArray().ToArray();
        signals.Select(s => s.GetProperty("action").GetString()).Should().Equal("buy", "buy", "buy", "hold");
        string[] labels = ["buy", "sell", "buy", "hold"];
        var outcomes = signals.Select((s, i) => new { signalId = s.GetProperty("id").GetString(), label = labels[i] }).ToArray();
        (await _client.PostAsync("/outcomes", Json(JsonSerializer.Serialize(new { outcomes })))).StatusCode.Should().Be(HttpStatusCode.OK);

        var summary = await _app.CreateClient(SignalEngineApplication.Keys["signals"]).GetFromJsonAsync<JsonElement>("/outcomes/summary");

        summary.GetProperty("scored").GetInt32().Should().Be(4);
        summary.GetProperty("acted").GetInt32().Should().Be(3);
        summary.GetProperty("hitRate").GetDouble().Should().Be(0.75);
        summary.GetProperty("actedHitRate").GetDouble().Should().BeApproximately(2 / 3.0, 1e-12);
        var bins = summary.GetProperty("reliability").EnumerateArray().ToArray();
        bins.Sum(b => b.GetProperty("count").GetInt32()).Should().Be(4);
        var buyConfidence = signals[0].GetProperty("confidence").GetDouble();
        var buyBin = bins[(int)Math.Floor(buyConfidence * 10)];
        buyBin.GetProperty("count").GetInt32().Should().BeGreaterThanOrEqualTo(3);
        buyBin.GetProperty("lower").GetDouble().Should().BeLessThanOrEqualTo(buyConfidence);
        var days = summary.GetProperty("byDay").EnumerateArray().ToArray();
        days.Select(d => d.GetProperty("day").GetString()).Should().Equal("2026-01-02", "2026-01-03");
        days.Select(d => d.GetProperty("hits").GetInt32()).Should().Equal(1, 2);
        days[0].GetProperty("hitRate").GetDouble().Should().Be(0.5);
    }

    [Theory]
    [InlineData("window=0", "window")]
    [InlineData("window=lots", "window")]
    [InlineData("model=", "model")]
    public async Task BadParameterIsAProblemNamingIt(string query, string field)
    {
        var response = await _client.GetAsync("/outcomes/summary?" + query);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Equal(field);
    }

    [Fact]
    public async Task SummaryNeedsAKeyThatMayReadSignals()
    {
        (await _app.CreateClient(key: null).GetAsync("/outcomes/summary")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await _app.CreateClient(SignalEngineApplication.Keys["outcomes"]).GetAsync("/outcomes/summary")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var document = await _client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var operation = document.GetProperty("paths").GetProperty("/outcomes/summary").GetProperty("get");
        operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Should().Contain(["200", "400", "401", "403"], "the conventions add 429 and 504 to every rate-limited, secured operation");
        operation.GetProperty("parameters").EnumerateArray().Should().OnlyContain(p => p.GetProperty("description").GetString()!.Length > 0);
    }
}
