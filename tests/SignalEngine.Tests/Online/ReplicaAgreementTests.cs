using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SignalEngine.Api.Learning;
using SignalEngine.Tests.Api.Support;
using SignalEngine.Tests.Evaluation;
using SignalEngine.Tests.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Online;

/// <summary>
/// Two replicas (two real hosts) on one PostgreSQL: the registry there is the one truth about the serving version, and
/// one lease decides which replica runs the online learner. scripts/container-test.sh does the same with containers.
/// </summary>
[Collection(SerialCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class ReplicaAgreementTests : IClassFixture<SmallBundleFixture>, IDisposable
{
    // The follower reads the registry every 0.2 s here; converging must take that plus a bundle load, far under this.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly SmallBundleFixture _fixture;
    private readonly TestPostgres.Schema _schema = TestPostgres.CreateSchema();
    private readonly string _candidates = Path.Combine(Path.GetTempPath(), "signalengine-tests", "candidates-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<SignalEngineApplication> _replicas = [];

    public ReplicaAgreementTests(SmallBundleFixture fixture) => _fixture = fixture;

    public void Dispose()
    {
        foreach (var replica in _replicas) replica.Dispose();
        _schema.Dispose();
        try { Directory.Delete(_candidates, recursive: true); } catch (IOException) { }
    }

    private SignalEngineApplication Replica()
    {
        var app = new SignalEngineApplication(_fixture.Directory, settings: new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:PostgresConnectionString"] = _schema.ConnectionString,
            ["OnlineLearning:EveryOutcomes"] = "20",
            ["OnlineLearning:HoldoutShare"] = "0.5",
            ["OnlineLearning:CandidatesPath"] = _candidates,
            ["Replicas:FollowSeconds"] = "0.2",
            ["Replicas:LeaseSeconds"] = "0.2",
        });
        _replicas.Add(app);
        return app;
    }

    private static async Task<JsonElement> StateAsync(HttpClient client) =>
        await client.GetFromJsonAsync<JsonElement>("/models/replica");

    private static async Task<string> ServingAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/models/current")).GetProperty("version").GetString()!;

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(100);
        }
        return await condition();
    }

    [Fact]
    public async Task AVersionActivatedOnOneReplicaIsServedByBothWithinTheBound()
    {
        var a = Replica();
        var b = Replica();
        var (clientA, clientB) = (a.CreateClient(), b.CreateClient());
        var original = _fixture.Manifest.Version;

        // A candidate built on replica A (promoted there or rejected): a second registered version, in a folder both see.
        var items = RequestItems.LastBars(_fixture, 24, _fixture.Manifest.WindowLength - 1);
        var signals = await (await clientA.PostAsync("/signals", Json(From(items, _fixture.Bundle.Schema)))).Content.ReadFromJsonAsync<JsonElement>();
        var outcomes = signals.GetProperty("signals").EnumerateArray().Select(s => (object)new { signalId = s.GetProperty("id").GetString(), label = "hold" }).ToArray();
        (await clientB.PostAsync("/outcomes", Json(JsonSerializer.Serialize(new { outcomes })))).EnsureSuccessStatusCode();
        var cycle = await a.Services.GetRequiredService<OnlineLearner>().RunOnceAsync(default);
        cycle.Candidate.Should().NotBeNull(cycle.Outcome);

        var activated = await clientB.PostAsync($"/models/{cycle.Candidate}/activate", null);
        activated.StatusCode.Should().Be(HttpStatusCode.OK);
        (await EventuallyAsync(async () => await ServingAsync(clientA) == cycle.Candidate && await ServingAsync(clientB) == cycle.Candidate))
            .Should().BeTrue($"both replicas serve {cycle.Candidate} within {Bound} of its activation on one");

        (await clientA.PostAsync($"/models/{original}/activate", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        // B swaps before it records the registry read that made it swap: wait for both, not the swap alone.
        (await EventuallyAsync(async () => await ServingAsync(clientB) == original && (await StateAsync(clientB)).GetProperty("registered").GetString() == original))
            .Should().BeTrue("a roll-back on A reaches B too");
        var stateB = await StateAsync(clientB);
        stateB.GetProperty("serving").GetString().Should().Be(original);
        stateB.GetProperty("registered").GetString().Should().Be(original);
        var models = (await clientB.GetFromJsonAsync<JsonElement[]>("/models"))!;
        models.Where(m => m.GetProperty("status").GetString() == ModelStatus.Serving).Select(m => m.GetProperty("version").GetString())
            .Should().Equal([original], "the registry names one serving version");
    }

    [Fact]
    public async Task ExactlyOneReplicaRunsTheLearnerAndAnotherTakesOverWhenItStops()
    {
        var a = Replica();
        var b = Replica();
        var (clientA, clientB) = (a.CreateClient(), b.CreateClient());

        async Task<(bool A, bool B)> LearnersAsync() =>
            ((await StateAsync(clientA)).GetProperty("learner").GetBoolean(), (await StateAsync(clientB)).GetProperty("learner").GetBoolean());

        (await EventuallyAsync(async () => await LearnersAsync() is (true, false) or (false, true))).Should().BeTrue("one of the two takes the lease");
        await Task.Delay(TimeSpan.FromSeconds(1)); // five more tries by the other: it still must not get it
        var learners = await LearnersAsync();
        (learners.A ^ learners.B).Should().BeTrue($"exactly one replica holds the lease (A {learners.A}, B {learners.B})");

        var (holder, other) = learners.A ? (a, clientB) : (b, clientA);
        holder.Dispose();
        _replicas.Remove(holder);

        (await EventuallyAsync(async () => (await StateAsync(other)).GetProperty("learner").GetBoolean()))
            .Should().BeTrue("the surviving replica takes the learner over");
    }
}
