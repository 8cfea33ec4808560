using System.Net;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api;

/// <summary>An audit trail that cannot be written: no signal is answered or kept, and the service is not ready.</summary>
public sealed class AuditFailureTests : IDisposable
{
    private readonly string _blocked;
    private readonly SignalEngineApplication _app;

    public AuditFailureTests()
    {
        // A file where the audit folder should be: unwritable even for root, unlike a read-only mode bit.
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "signalengine-tests", "blocked-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        _blocked = Path.Combine(folder, "audit");
        File.WriteAllText(_blocked, "not a folder");
        _app = SignalEngineApplication.WithFakeBundle(new Dictionary<string, string?> { ["Audit:Path"] = Path.Combine(_blocked, "audit-.json") });
    }

    public void Dispose()
    {
        _app.Dispose();
        Directory.Delete(Path.GetDirectoryName(_blocked)!, recursive: true);
    }

    [Fact]
    public async Task UnwritableAuditAnswers503AndStoresNothing()
    {
        var client = _app.CreateClient();

        var response = await client.PostAsync("/signals", Json(FakeBatch(FakeItem(0), FakeItem(1))));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadAsStringAsync()).Should().NotContain("\"signals\"");
        _app.StoredCount().Should().Be(0);
    }

    [Fact]
    public async Task UnwritableAuditMakesTheServiceNotReadyButAlive()
    {
        var client = _app.CreateClient();

        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
