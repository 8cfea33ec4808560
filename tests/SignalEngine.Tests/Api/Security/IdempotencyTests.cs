using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api.Security;

/// <summary>A retried POST /signals with an Idempotency-Key gets the first answer back (same ids), on SQLite and across PostgreSQL replicas.</summary>
public sealed class IdempotencyTests : IDisposable
{
    private readonly SignalEngineApplication _app = SignalEngineApplication.WithFakeBundle();

    public void Dispose() => _app.Dispose();

    internal static async Task<(HttpStatusCode Status, string[] Ids, bool Replayed)> PostAsync(HttpClient client, string? key, int first = 0)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/signals") { Content = Json(FakeBatch(FakeItem(first), FakeItem(first + 1))) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, [], false);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToArray(),
            response.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task TheSameKeyTwiceGivesTheSameIdsAndOneSetOfSignals()
    {
        var client = _app.CreateClient();

        var first = await PostAsync(client, "order-batch-1");
        var retry = await PostAsync(client, "order-batch-1");

        first.Status.Should().Be(HttpStatusCode.OK);
        retry.Status.Should().Be(HttpStatusCode.OK);
        retry.Ids.Should().Equal(first.Ids);
        retry.Replayed.Should().BeTrue();
        _app.StoredCount().Should().Be(2);
        _app.AuditLines().Should().HaveCount(2, "the retry issued nothing");
        (await PostAsync(client, key: null)).Ids.Should().NotIntersectWith(first.Ids, "without a key every request is new");
    }

    [Fact]
    public async Task ConcurrentRetriesGiveOneSet()
    {
        var client = _app.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(client, "concurrent-1")));

        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.OK);
        answers.Select(a => string.Join(",", a.Ids)).Distinct().Should().ContainSingle();
        _app.StoredCount().Should().Be(2);
        _app.AuditLines().Should().HaveCount(2);
    }

    [Fact]
    public async Task TheKeyWithAnotherBodyIs422AndKeysOfOtherCallersAreTheirOwn()
    {
        var admin = _app.CreateClient();
        var signals = _app.CreateClient(SignalEngineApplication.Keys["signals"]);

        var first = await PostAsync(admin, "shared-name");
        (await PostAsync(admin, "shared-name", first: 5)).Status.Should().Be(HttpStatusCode.UnprocessableEntity);
        var other = await PostAsync(signals, "shared-name");

        other.Status.Should().Be(HttpStatusCode.OK);
        other.Ids.Should().NotIntersectWith(first.Ids, "another API key's Idempotency-Key is another key");
    }

    [Fact]
    public async Task ARefusedFirstRequestReleasesTheKey()
    {
        var client = _app.CreateClient();
        using var bad = new HttpRequestMessage(HttpMethod.Post, "/signals") { Content = Json("{\"items\":[]}") };
        bad.Headers.Add("Idempotency-Key", "retry-after-fix");
        (await client.SendAsync(bad)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var fixedRetry = await PostAsync(client, "retry-after-fix");

        fixedRetry.Status.Should().Be(HttpStatusCode.OK, "the refused body kept nothing under the key, so the corrected batch runs");
        (await PostAsync(client, "retry-after-fix")).Ids.Should().Equal(fixedRetry.Ids);
    }
}

/// <summary>Two replicas on one PostgreSQL: a retry that the gateway sends to the other replica gets the same answer.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresIdempotencyTests : IDisposable
{
    private readonly TestPostgres.Schema _schema = TestPostgres.CreateSchema();
    private readonly SignalEngineApplication _first;
    private readonly SignalEngineApplication _second;

    public PostgresIdempotencyTests()
    {
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = "postgres", ["Storage:PostgresConnectionString"] = _schema.ConnectionString };
        _first = SignalEngineApplication.WithFakeBundle(settings);
        _second = SignalEngineApplication.WithFakeBundle(settings);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
        _schema.Dispose();
    }

    [Fact]
    public async Task ARetryOnAnotherReplicaGetsTheFirstAnswer()
    {
        var one = _first.CreateClient();
        var two = _second.CreateClient();

        var answers = await Task.WhenAll(
            IdempotencyTests.PostAsync(one, "replicated-1"), IdempotencyTests.PostAsync(two, "replicated-1"),
            IdempotencyTests.PostAsync(one, "replicated-1"), IdempotencyTests.PostAsync(two, "replicated-1"));

        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.OK);
        answers.Select(a => string.Join(",", a.Ids)).Distinct().Should().ContainSingle("one set of signals for all retries, on either replica");
    }
}
