using System.Net;
using System.Text.Json;
using SignalEngine.Tests.Api.Support;

namespace SignalEngine.Tests.Api;

/// <summary>Behind the gateway at a sub-path: forwarded headers from a trusted proxy, or a configured path base.</summary>
public sealed class GatewayTests : IDisposable
{
    private readonly List<SignalEngineApplication> _apps = [];

    public void Dispose()
    {
        foreach (var app in _apps) app.Dispose();
    }

    private HttpClient Client(Dictionary<string, string?>? settings = null)
    {
        var app = SignalEngineApplication.WithFakeBundle(settings);
        _apps.Add(app);
        return app.CreateClient();
    }

    [Fact]
    public async Task SwaggerDocumentNamesTheForwardedPrefixAsItsServer()
    {
        var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/swagger/v1/swagger.json");
        request.Headers.Add("X-Forwarded-Prefix", "/signalengine");
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        document.GetProperty("servers")[0].GetProperty("url").GetString().Should().Be("/signalengine");
        document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Should().Contain("/signals");
    }

    [Fact]
    public async Task DocumentFetchedDirectlyHasNoServerPrefix()
    {
        var response = await Client().GetStringAsync("/swagger/v1/swagger.json");

        JsonDocument.Parse(response).RootElement.TryGetProperty("servers", out var servers).Should().Be(false, $"servers: {servers}");
    }

    [Fact]
    public async Task ConfiguredPathBaseServesTheApiUnderTheSubPath()
    {
        var client = Client(new() { ["Gateway:PathBase"] = "/signalengine" });

        (await client.GetAsync("/signalengine/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/signalengine/swagger/index.html")).StatusCode.Should().Be(HttpStatusCode.OK);
        var document = await client.GetStringAsync("/signalengine/swagger/v1/swagger.json");
        JsonDocument.Parse(document).RootElement.GetProperty("servers")[0].GetProperty("url").GetString().Should().Be("/signalengine");
    }

    [Fact]
    public void MalformedKnownNetworkFailsTheStart()
    {
        var start = () => Client(new() { ["Gateway:KnownNetworks:0"] = "not-a-network" });

        start.Should().Throw<Exception>().Which.ToString().Should().Contain("not-a-network");
    }

    [Fact]
    public async Task ReplicasOnOneAuditVolumeEachWriteAFileNamedAfterTheirHost()
    {
        var folder = Path.Combine(Path.GetTempPath(), "signalengine-tests", "audit-host-" + Guid.NewGuid().ToString("N")[..8]);
        var client = Client(new() { ["Audit:Path"] = Path.Combine(folder, "audit-{host}-.json") });

        var response = await client.PostAsync("/signals", RequestBodies.Json(RequestBodies.FakeBatch(RequestBodies.FakeItem(0))));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Directory.GetFiles(folder).Select(Path.GetFileName).Should().ContainSingle()
            .Which.Should().StartWith($"audit-{Environment.MachineName}-");
    }
}
