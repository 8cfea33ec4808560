using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SignalEngine.Api.Learning;
using SignalEngine.Api.Storage;
using SignalEngine.Online;
using SignalEngine.Tests.Api.Support;
using SignalEngine.Tests.Evaluation;
using SignalEngine.Tests.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Online;

/// <summary>
/// Outcomes in, candidates built, evaluated on held-out outcomes, promoted or rejected, activated and rolled back,
/// through the real host on the fixture's bundle. The background loop is left off; the tests run its cycle directly.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class OnlineLifecycleTests : IClassFixture<SmallBundleFixture>, IDisposable
{
    private readonly SmallBundleFixture _fixture;
    private readonly SignalEngineApplication _app;
    private readonly HttpClient _client;

    public OnlineLifecycleTests(SmallBundleFixture fixture)
    {
        _fixture = fixture;
        _app = new SignalEngineApplication(fixture.Directory, settings: new Dictionary<string, string?>
        {
            ["OnlineLearning:EveryOutcomes"] = "20",
            ["OnlineLearning:MinimumHeldOutOutcomes"] = "10",
            ["OnlineLearning:HoldoutShare"] = "0.5",
            ["OnlineLearning:LogLossMargin"] = "0",
            ["OnlineLearning:PrecisionMargin"] = "1",
            ["OnlineLearning:CandidatesPath"] = Path.Combine(Path.GetTempPath(), "signalengine-tests", "candidates-" + Guid.NewGuid().ToString("N")[..8]),
        });
        _client = _app.CreateClient();
    }

    public void Dispose() => _app.Dispose();

    private async Task<string[]> SignalsAsync(int count, int offset = 0)
    {
        var items = RequestItems.LastBars(_fixture, count + offset, _fixture.Manifest.WindowLength - 1).Take(count).ToArray();
        var response = await _client.PostAsync("/signals", Json(From(items, _fixture.Bundle.Schema)));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToArray();
    }

    private async Task<HttpResponseMessage> OutcomesAsync(params object[] outcomes) =>
        await _client.PostAsync("/outcomes", Json(JsonSerializer.Serialize(new { outcomes })));

    private async Task<JsonElement[]> ModelsAsync() =>
        (await _client.GetFromJsonAsync<JsonElement[]>("/models"))!;

    private OnlineLearner Learner => _app.Services.GetRequiredService<OnlineLearner>();

    [Fact]
    public async Task UnknownDuplicateAndMalformedOutcomesGetProblemDetailsAndChangeNothing()
    {
        var ids = await SignalsAsync(2);

        var unknown = await OutcomesAsync(new { signalId = ids[0], label = "buy" }, new { signalId = Guid.NewGuid(), label = "sell" });
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync()).Should().Contain("outcomes[1].signalId");

        var malformed = await OutcomesAsync(new { signalId = ids[0], label = "up" });
        malformed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await malformed.Content.ReadAsStringAsync()).Should().Contain("outcomes[0].label");
        (await _client.PostAsync("/outcomes", Json("{\"outcomes\": 3}"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _client.PostAsync("/outcomes", Json("{not json"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var first = await (await OutcomesAsync(new { signalId = ids[0], label = "buy" }, new { signalId = ids[0], label = "buy" })).Content.ReadFromJsonAsync<JsonElement>();
        first.GetProperty("recorded").GetArrayLength().Should().Be(1, "the rejected bodies recorded nothing, and a repeat within a body counts once");
        first.GetProperty("duplicates").GetArrayLength().Should().Be(1);
        var again = await (await OutcomesAsync(new { signalId = ids[0], label = "sell" })).Content.ReadFromJsonAsync<JsonElement>();
        again.GetProperty("recorded").GetArrayLength().Should().Be(0, "an outcome is learned once");
        again.GetProperty("learning").GetBoolean().Should().BeFalse("online learning is off by default");
        (await _app.Services.GetRequiredService<OutcomeStore>().UnusedAsync(default)).Should().ContainSingle();
    }

    [Fact]
    public async Task ACandidateThatFitsTheHeldOutOutcomesIsPromotedAndAWorseOneIsRejected()
    {
        // Everything HOLD: a candidate that learned so predicts the held-out HOLDs better than the serving model.
        var ids = await SignalsAsync(24);
        (await OutcomesAsync(ids.Select(id => (object)new { signalId = id, label = "hold" }).ToArray())).EnsureSuccessStatusCode();
        var original = _fixture.Manifest.Version;

        var promoted = await Learner.RunOnceAsync(default);

        promoted.Outcome.Should().Be("promoted", promoted.Comparison?.Reason);
        var current = await _client.GetFromJsonAsync<JsonElement>("/models/current");
        current.GetProperty("version").GetString().Should().Be(promoted.Candidate);
        current.GetProperty("parent").GetString().Should().Be(original);

        // Now the training outcomes say BUY and the held-out (most recent) ones HOLD again, as the serving model learned:
        // a candidate pushed towards BUY is worse. (Held-out SELLs no longer make it worse: stage 3's pool, re-weighed on
        // the BUY outcomes, moves towards stage 1 alone, which gives SELL more than the all-HOLD serving model does.)
        var more = await SignalsAsync(80, offset: 30);
        (await OutcomesAsync(more.Take(40).Select(id => (object)new { signalId = id, label = "buy" }).ToArray())).EnsureSuccessStatusCode();
        (await OutcomesAsync(more.Skip(40).Select(id => (object)new { signalId = id, label = "hold" }).ToArray())).EnsureSuccessStatusCode();

        var rejected = await Learner.RunOnceAsync(default);

        rejected.Outcome.Should().Be("rejected", rejected.Comparison?.Reason);
        var models = await ModelsAsync();
        models.Select(m => (m.GetProperty("version").GetString(), m.GetProperty("status").GetString())).Should().BeEquivalentTo(new[]
        {
            (original, ModelStatus.Retired), (promoted.Candidate, ModelStatus.Serving), (rejected.Candidate, ModelStatus.Rejected),
        });
        _app.AuditLines().Should().Contain(l => l.Contains("model.promoted") && l.Contains(promoted.Candidate!))
            .And.Contain(l => l.Contains("model.rejected") && l.Contains(rejected.Candidate!));

        // Activate the rejected one by hand, then roll back to the original.
        (await _client.PostAsync($"/models/{rejected.Candidate}/activate", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _client.GetFromJsonAsync<JsonElement>("/models/current")).GetProperty("version").GetString().Should().Be(rejected.Candidate);
        (await _client.PostAsync($"/models/{original}/activate", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _client.GetFromJsonAsync<JsonElement>("/models/current")).GetProperty("version").GetString().Should().Be(original);
        (await _client.PostAsync("/models/no-such-version/activate", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task LabelledBarsAreLearnedOnceAndValidatedLikeSignalItems()
    {
        var items = RequestItems.LastBars(_fixture, 24, _fixture.Manifest.WindowLength - 1);
        var bars = JsonNode.Parse(From(items, _fixture.Bundle.Schema))!["items"]!.AsArray();
        foreach (var bar in bars) bar!["label"] = "hold";
        var body = new JsonObject { ["bars"] = JsonNode.Parse(bars.ToJsonString()) };

        var first = await (await _client.PostAsync("/outcomes", Json(body))).Content.ReadFromJsonAsync<JsonElement>();
        var again = await (await _client.PostAsync("/outcomes", Json(body))).Content.ReadFromJsonAsync<JsonElement>();

        first.GetProperty("recorded").GetArrayLength().Should().Be(24);
        again.GetProperty("recorded").GetArrayLength().Should().Be(0, "the same bar is not learned twice");
        again.GetProperty("duplicates").GetArrayLength().Should().Be(24);

        var broken = JsonNode.Parse(bars.ToJsonString())!.AsArray();
        broken[1]!["features"]!.AsObject().Remove("rsi_14");
        broken[2]!["label"] = "up";
        var refused = await _client.PostAsync("/outcomes", Json(new JsonObject { ["bars"] = broken }));
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await refused.Content.ReadAsStringAsync();
        problem.Should().Contain("bars[1].features.rsi_14").And.Contain("bars[2].label");

        var cycle = await Learner.RunOnceAsync(default);
        cycle.Candidate.Should().NotBeNull("24 labelled bars are enough for a candidate at EveryOutcomes 20");
    }

    [Fact]
    public async Task StageOneIsRetrainedOnTheRollingWindowAtItsCadence()
    {
        using var app = new SignalEngineApplication(_fixture.Directory, settings: new Dictionary<string, string?>
        {
            ["OnlineLearning:EveryOutcomes"] = "20",
            ["OnlineLearning:StageOneEvery"] = "1",
            ["OnlineLearning:StageOneMinimumSamples"] = "50",
            ["OnlineLearning:StageOneWindow"] = "100",
            ["OnlineLearning:CandidatesPath"] = Path.Combine(Path.GetTempPath(), "signalengine-tests", "candidates-" + Guid.NewGuid().ToString("N")[..8]),
        });
        var client = app.CreateClient();
        var items = RequestItems.LastBars(_fixture, 150, _fixture.Manifest.WindowLength - 1);
        var bars = JsonNode.Parse(From(items, _fixture.Bundle.Schema))!["items"]!.AsArray();
        string[] labels = ["hold", "buy", "hold", "sell"];
        for (var i = 0; i < bars.Count; i++) bars[i]!["label"] = labels[i % labels.Length];
        (await client.PostAsync("/outcomes", Json(bars.ToJsonString().Insert(0, "{\"bars\":") + "}"))).EnsureSuccessStatusCode();

        var cycle = await app.Services.GetRequiredService<OnlineLearner>().RunOnceAsync(default);

        var candidate = Path.Combine(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OnlineOptions>>().Value.CandidatesPath, cycle.Candidate!);
        var manifest = SignalEngine.Bundle.BundleLoader.ReadManifest(candidate);
        manifest.Online!.StagesUpdated.Should().Equal("stage1", "stage2", "stage3");
        manifest.Parent.Should().Be(_fixture.Manifest.Version);
        SignalEngine.Bundle.ModelBundle.Load(candidate).Dispose(); // every rewritten artifact matches its new hash
    }

    [Fact]
    public async Task HotSwapUnderLoadFailsNoRequestAndMixesNoVersions()
    {
        var ids = await SignalsAsync(24);
        (await OutcomesAsync(ids.Select(id => (object)new { signalId = id, label = "hold" }).ToArray())).EnsureSuccessStatusCode();
        var cycle = await Learner.RunOnceAsync(default);
        var versions = new[] { _fixture.Manifest.Version, cycle.Candidate! };
        var body = From(RequestItems.LastBars(_fixture, 5, _fixture.Manifest.WindowLength - 1), _fixture.Bundle.Schema);

        var load = Enumerable.Range(0, 4).Select(async _ =>
        {
            var seen = new List<(HttpStatusCode, string[])>();
            for (var i = 0; i < 15; i++)
            {
                var response = await _client.PostAsync("/signals", Json(body));
                var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                seen.Add((response.StatusCode, answer.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("modelVersion").GetString()!).ToArray()));
            }
            return seen;
        }).ToArray();
        for (var swap = 0; swap < 6; swap++)
        {
            (await _client.PostAsync($"/models/{versions[swap % 2]}/activate", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        var results = (await Task.WhenAll(load)).SelectMany(r => r).ToArray();

        results.Should().OnlyContain(r => r.Item1 == HttpStatusCode.OK);
        results.Should().OnlyContain(r => r.Item2.Distinct().Count() == 1 && versions.Contains(r.Item2[0]), "one request, one model");
    }
}

