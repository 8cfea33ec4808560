using System.Net;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api;

/// <summary>/metrics in Prometheus' text format: the service's own instruments and ASP.NET Core's request durations.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly string _version = "fake-metrics-" + Guid.NewGuid().ToString("N")[..8];
    private readonly SignalEngineApplication _app;
    private readonly HttpClient _client;

    public MetricsTests()
    {
        _app = new SignalEngineApplication("/fake/bundle", FakeBundle.Create(_version));
        _client = _app.CreateClient();
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AnsweredSignalsStageTimesAndTheServingVersionAreExposedForPrometheus()
    {
        (await _client.PostAsync("/signals", Json(FakeBatch(FakeItem(0), FakeItem(1, historyRows: 0), FakeItem(2, ret: -2))))).StatusCode
            .Should().Be(HttpStatusCode.OK);

        var response = await _client.GetAsync("/metrics");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        var samples = text.Split('\n').Where(l => l.StartsWith("signalengine_", StringComparison.Ordinal) || l.StartsWith("http_server", StringComparison.Ordinal)).ToArray();
        samples.Where(l => l.StartsWith("signalengine_signals_total{", StringComparison.Ordinal) && l.Contains($"model_version=\"{_version}\""))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(3, "three signals were answered");
        foreach (var stage in new[] { "tree_filter", "sequence", "meta", "explain", "store", "audit" })
        {
            samples.Should().Contain(l => l.StartsWith("signalengine_stage_duration_seconds_count{", StringComparison.Ordinal) && l.Contains($"stage=\"{stage}\""), stage);
        }
        samples.Should().Contain(l => l.StartsWith("signalengine_model_serving{", StringComparison.Ordinal) && l.Contains($"model_version=\"{_version}\"") && l.EndsWith(" 1", StringComparison.Ordinal));
        samples.Should().Contain(l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && l.Contains("http_route=\"/signals/\""));
        samples.Should().NotContain(l => l.Contains("instrument=") || l.Contains("signal_id="), "tags stay low-cardinality");
    }

    [Fact]
    public async Task EachRequestIsTracedWithItsRouteButProbesAreNot()
    {
        var spans = new ObservedSpans();
        using var app = SignalEngineApplication.WithFakeBundle();
        using var traced = app.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))));
        var client = traced.CreateClient();
        client.DefaultRequestHeaders.Authorization = _client.DefaultRequestHeaders.Authorization;

        (await client.PostAsync("/signals", Json(FakeBatch(FakeItem(0))))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        await spans.FirstAsync(s => s.GetTagItem("http.route") is not null, TimeSpan.FromSeconds(5));
        var routes = spans.Snapshot().Select(s => s.GetTagItem("http.route") as string).ToArray();
        routes.Should().Contain("/signals/");
        routes.Should().NotContain(r => r != null && r.StartsWith("/health", StringComparison.Ordinal), "probes are not traced");
    }
}
