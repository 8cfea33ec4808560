using System.Net;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;
using SignalEngine.Api.Hosting;
using SignalEngine.Tests.Api.Support;

namespace SignalEngine.Tests.Api;

/// <summary>The dashboard's files as the host serves them: embedded, under a path base, with no key, and no key in the logs.</summary>
public sealed class DashboardHostTests : IDisposable
{
    private readonly List<SignalEngineApplication> _apps = [];

    public void Dispose()
    {
        foreach (var app in _apps) app.Dispose();
    }

    private SignalEngineApplication App(Dictionary<string, string?>? settings = null)
    {
        var app = SignalEngineApplication.WithFakeBundle(settings);
        _apps.Add(app);
        return app;
    }

    [Fact]
    public async Task PageAndAssetsAreServedWithoutAKeyWithHeadersThatKeepALinkKeyPrivate()
    {
        var client = App().CreateClient(key: null);

        var page = await client.GetAsync("/dashboard");

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        page.Headers.CacheControl!.NoStore.Should().BeTrue();
        page.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
        page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("script-src 'self'").And.Contain("connect-src 'self'");
        var html = await page.Content.ReadAsStringAsync();
        html.Should().Contain("href=\"/dashboard/dashboard.css?v=").And.Contain("src=\"/dashboard/dashboard.js?v=").And.NotContain("{{");
        html.Should().NotContain("http", "every asset is the service's own, no CDN").And.Subject.Should().NotContain("//cdn");

        var script = await client.GetAsync("/dashboard/dashboard.js");
        script.StatusCode.Should().Be(HttpStatusCode.OK);
        script.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        (await script.Content.ReadAsStringAsync()).Should().Contain("history.replaceState");
        var style = await client.GetAsync("/dashboard/dashboard.css");
        style.Content.Headers.ContentType!.MediaType.Should().Be("text/css");
        (await client.GetAsync("/dashboard/missing.js")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync("/dashboard/")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/signals")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the data still needs a key");
    }

    [Fact]
    public async Task UnchangedAssetIsNotSentAgain()
    {
        var client = App().CreateClient(key: null);
        var first = await client.GetAsync("/dashboard/dashboard.js");

        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/dashboard.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.Tag);
        (await client.SendAsync(again)).StatusCode.Should().Be(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task UnderAConfiguredPathBaseOrAForwardedPrefixThePageLinksItsAssetsThere()
    {
        var configured = App(new() { ["Gateway:PathBase"] = "/signalengine/ohlcv" }).CreateClient(key: null);

        var html = await configured.GetStringAsync("/signalengine/ohlcv/dashboard");

        html.Should().Contain("data-base=\"/signalengine/ohlcv\"").And.Contain("src=\"/signalengine/ohlcv/dashboard/dashboard.js?v=");
        (await configured.GetAsync("/signalengine/ohlcv/dashboard/dashboard.css")).StatusCode.Should().Be(HttpStatusCode.OK);

        var forwarded = App().CreateClient(key: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        request.Headers.Add("X-Forwarded-Prefix", "/signalengine/close");
        var behindGateway = await (await forwarded.SendAsync(request)).Content.ReadAsStringAsync();
        behindGateway.Should().Contain("href=\"/signalengine/close/dashboard/dashboard.css?v=");
    }

    [Fact]
    public async Task AKeyInAQueryStringNeverReachesTheApplicationLog()
    {
        const string secret = "never-log-me-0123456789abcdef";
        var log = new CapturedLog();
        // ASP.NET Core's own "Request starting" line names the query string at Information: log it, to see it redacted.
        await using var host = log.On(App(new() { ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Information" }));
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = null;

        (await client.GetAsync($"/dashboard?key={secret}&x=1")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync($"/signals?key={secret}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        log.Events.Should().Contain(e => e.Contains("/dashboard"), "the requests were logged");
        log.Events.Should().Contain(e => e.Contains("key=" + QueryKeyRedaction.Redacted), "the query string was logged, redacted");
        log.Text.Should().NotContain(secret);
    }

    [Fact]
    public async Task AKeyInAQueryStringNeverReachesATraceSpan()
    {
        const string secret = "never-trace-me-0123456789abcdef";
        var spans = new ObservedSpans();
        await using var traced = App().WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))));
        var client = traced.CreateClient();

        (await client.GetAsync($"/dashboard?key={secret}")).StatusCode.Should().Be(HttpStatusCode.OK);

        await spans.FirstAsync(s => s.GetTagItem("url.path") is "/dashboard", TimeSpan.FromSeconds(5));
        var span = spans.Snapshot().Should().Contain(s => s.GetTagItem("url.path") as string == "/dashboard").Which;
        span.Tags.Should().NotContain(t => t.Value != null && t.Value.Contains(secret), "the span's url.query is redacted");
    }

    [Theory]
    [InlineData("?key=abc&x=1", "?key=[redacted]&x=1")]
    [InlineData("/dashboard?x=1&KEY=abc#top", "/dashboard?x=1&KEY=[redacted]#top")]
    [InlineData("GET /dashboard?api_key=abc HTTP/1.1", "GET /dashboard?api_key=[redacted] HTTP/1.1")]
    [InlineData("?monkey=banana", "?monkey=banana")]
    public void RedactionRemovesOnlyKeyValues(string text, string redacted)
    {
        QueryKeyRedaction.Redact(text).Should().Be(redacted);
    }
}
