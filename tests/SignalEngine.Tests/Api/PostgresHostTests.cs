using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalEngine.Api.Storage;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api;

/// <summary>The host with Storage:Provider=postgres: the configuration picks the store, and the recorder works over it.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresHostTests : IDisposable
{
    private readonly TestPostgres.Schema _schema = TestPostgres.CreateSchema();
    private readonly SignalEngineApplication _app;

    public PostgresHostTests() => _app = SignalEngineApplication.WithFakeBundle(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "postgres",
        ["Storage:PostgresConnectionString"] = _schema.ConnectionString,
    });

    public void Dispose()
    {
        _app.Dispose();
        _schema.Dispose();
    }

    [Fact]
    public async Task SignalsAreStoredInPostgresAuditedAndReadBack()
    {
        var client = _app.CreateClient();

        var response = await client.PostAsync("/signals", Json(FakeBatch(FakeItem(0), FakeItem(1))));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _app.Services.GetService(typeof(ISignalStore)).Should().BeOfType<PostgresSignalStore>();
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals").EnumerateArray()
            .Select(s => s.GetProperty("id").GetString()!).ToArray();
        _schema.Count("signals").Should().Be(2);
        _app.AuditLines().Select(l => JsonDocument.Parse(l).RootElement.GetProperty("SignalId").GetString()).Should().BeEquivalentTo(ids);
        foreach (var id in ids) (await client.GetAsync($"/signals/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
