using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api.Security;

/// <summary>Per-key rate limits, the body limit on every endpoint that reads a body, and the response headers.</summary>
public sealed class LimitsTests : IDisposable
{
    private readonly SignalEngineApplication _app = SignalEngineApplication.WithFakeBundle(new Dictionary<string, string?>
    {
        ["RateLimits:Signals:TokenLimit"] = "5",
        ["RateLimits:Signals:TokensPerSecond"] = "1",
        ["Api:MaxRequestBodyBytes"] = "4096",
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AKeyPastItsBudgetGets429WithRetryAfterWhileAnotherKeyIsServed()
    {
        var client = _app.CreateClient(SignalEngineApplication.Keys["signals"]);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await client.GetAsync("/models/current");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused ??= response;
        }

        statuses.Take(5).Should().OnlyContain(s => s == HttpStatusCode.OK);
        refused.Should().NotBeNull();
        refused!.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeGreaterThanOrEqualTo(1);
        refused.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32().Should().Be(429);
        (await _app.CreateClient(SignalEngineApplication.Keys["admin"]).GetAsync("/models/current")).StatusCode
            .Should().Be(HttpStatusCode.OK, "each key has its own bucket");
    }

    [Theory]
    [InlineData("/signals")]
    [InlineData("/outcomes")]
    public async Task ABodyOverTheLimitIs413OnEveryEndpointThatReadsOne(string path)
    {
        var body = "{\"outcomes\":[" + string.Join(",", Enumerable.Repeat($"{{\"signalId\":\"{Guid.NewGuid()}\",\"label\":\"buy\"}}", 200)) + "]}";

        var response = await _app.CreateClient().PostAsync(path, Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task AnswersSayNosniffAndNameNoServer()
    {
        var response = await _app.CreateClient().GetAsync("/models");

        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.Server.Should().BeEmpty();
        (await response.Content.ReadAsStringAsync()).Should().NotContain(_app.Folder).And.NotContain("\"/");
    }
}
