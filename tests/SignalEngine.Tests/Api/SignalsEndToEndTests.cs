using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalEngine.Api.Hosting;
using SignalEngine.Api.Storage;
using SignalEngine.Pipeline;
using SignalEngine.Tests.Api.Support;
using SignalEngine.Tests.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api;

/// <summary>The real host serving a small bundle trained in the fixture, fed with request items made from real bars.</summary>
[Collection(TrainedBundleCollection.Name)]
public sealed class SignalsEndToEndTests : IDisposable
{
    private readonly SmallBundleFixture _fixture;
    private readonly SignalEngineApplication _app;
    private readonly HttpClient _client;

    public SignalsEndToEndTests(SmallBundleFixture fixture)
    {
        _fixture = fixture;
        _app = new SignalEngineApplication(fixture.Directory);
        _client = _app.CreateClient();
    }

    public void Dispose() => _app.Dispose();

    private int HistoryRows => _fixture.Manifest.WindowLength - 1;

    /// <summary>The last bars with their history, every third one without it.</summary>
    private IReadOnlyList<SignalInput> Items(int count) =>
        RequestItems.LastBars(_fixture, count, HistoryRows).Select((item, i) => i % 3 == 2 ? item with { History = [] } : item).ToArray();

    private async Task<JsonElement[]> PostAsync(IReadOnlyList<SignalInput> items)
    {
        var response = await _client.PostAsync("/signals", Json(RequestBodies.From(items, _fixture.Bundle.Schema)));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals").EnumerateArray().ToArray();
    }

    [Fact]
    public async Task BatchOfRealBarsComesBackInItemOrderWithIdsAndTheBundleVersion()
    {
        var items = Items(30);

        var signals = await PostAsync(items);

        signals.Select(s => s.GetProperty("timestamp").GetDateTimeOffset()).Should().Equal(items.Select(i => i.Timestamp));
        signals.Select(s => s.GetProperty("instrument").GetString()).Should().Equal(items.Select(i => i.Instrument));
        signals.Select(s => s.GetProperty("id").GetString()).Should().OnlyHaveUniqueItems();
        signals.Should().OnlyContain(s => s.GetProperty("modelVersion").GetString() == _fixture.Manifest.Version);
        signals.Should().OnlyContain(s => new[] { "buy", "sell", "hold" }.Contains(s.GetProperty("action").GetString()));
        _app.StoredCount().Should().Be(items.Count);
    }

    /// <summary>
    /// The audit alone re-derives every signal: its "batch.inputs" event decoded, replayed through the bundle its
    /// signals name, gives each signal as answered (but its id) and an explanation with the audited hash, which is also
    /// the stored explanation, contribution for contribution.
    /// </summary>
    [Fact]
    public async Task EverySignalIsReDerivedFromTheAuditAloneWithTheSameActionProbabilitiesAndContributions()
    {
        var body = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(body))
        {
            SignalEngine.Cli.FeatureBodies.Write(writer, [RequestItems.Frame(_fixture)], last: 40, _fixture.Manifest.WindowLength, SignalEngine.Cli.FeatureBodies.Series);
        }
        var response = await _client.PostAsync("/signals", Json(System.Text.Encoding.UTF8.GetString(body.ToArray())));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var answered = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals").EnumerateArray().ToArray();

        var issued = _app.AuditLines().Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        issued.Should().HaveCount(40).And.OnlyContain(e => e.GetProperty("Event").GetString() == "signal.issued"
            && e.GetProperty("ModelVersion").GetString() == _fixture.Manifest.Version);
        var batch = issued.Select(e => e.TryGetProperty("BatchInputs", out var inputs) ? inputs : (JsonElement?)null).OfType<JsonElement>().Single();
        var inputs = BatchInputs.Decode(Convert.FromBase64String(batch.GetProperty("data").GetString()!));
        inputs.RowCount.Should().Be(40 + HistoryRows, "each bar is kept once, whichever signals it is history of");

        var replayed = new SignalPipeline(_fixture.Bundle.Stages).Run(inputs.Inputs());

        foreach (var (audited, i) in issued.Select((e, i) => (e, i)))
        {
            var id = Guid.Parse(audited.GetProperty("SignalId").GetString()!);
            var item = audited.GetProperty("Input").GetProperty("item").GetInt32();
            audited.GetProperty("Input").GetProperty("batchId").GetString().Should().Be(batch.GetProperty("batchId").GetString());
            var signal = replayed[item].Signal with { Id = id };
            // Compared at the stored precision: stage 2's per-step attributions are kept rounded (StoredPrecision).
            var explanation = StoredPrecision.Of(replayed[item].Explanation with { SignalId = id });

            var auditedSignal = audited.GetProperty("Signal");
            auditedSignal.GetProperty("action").GetString().Should().Be(signal.Action.ToString().ToLowerInvariant());
            foreach (var (name, value) in new[] { ("buy", signal.Probabilities.Buy), ("sell", signal.Probabilities.Sell), ("hold", signal.Probabilities.Hold) })
            {
                auditedSignal.GetProperty("probabilities").GetProperty(name).GetDouble().Should().Be(value);
            }
            JsonSerializer.Serialize(signal, ApiDefaults.Json).Should().Be(answered[i].GetRawText(), "the replayed signal is the answered one");
            var explanationJson = JsonSerializer.SerializeToUtf8Bytes(explanation, ApiDefaults.Json);
            RecordedSignal.Sha256(explanationJson).Should().Be(audited.GetProperty("ExplanationSha256").GetString());
            (await _client.GetStringAsync($"/signals/{id}/explanation")).Should().Be(System.Text.Encoding.UTF8.GetString(explanationJson),
                "the stored explanation's contributions are the replayed ones");
        }
    }

    [Fact]
    public async Task StageTwoAbstainsVisiblyForItemsWithoutHistory()
    {
        var items = Items(12);

        var signals = await PostAsync(items);

        for (var i = 2; i < items.Count; i += 3)
        {
            signals[i].GetProperty("stages").GetProperty("sequence").EnumerateArray().Should().NotBeEmpty()
                .And.OnlyContain(s => s.GetProperty("probabilityUp").ValueKind == JsonValueKind.Null
                    && s.GetProperty("abstainReason").GetString()!.Length > 0);
        }
    }

    [Fact]
    public async Task FilteredItemsAreHoldWithTheStageOneReason()
    {
        var signals = await PostAsync(RequestItems.LastBars(_fixture, 200, HistoryRows));

        var filtered = signals.Where(s => !s.GetProperty("stages").GetProperty("treeFilter").GetProperty("passed").GetBoolean()).ToArray();
        filtered.Should().NotBeEmpty("some of 200 bars should fall under the stage-1 threshold");
        filtered.Should().OnlyContain(s => s.GetProperty("action").GetString() == "hold"
            && s.GetProperty("stages").GetProperty("treeFilter").GetProperty("reason").GetString()!.Length > 0);
    }

    [Fact]
    public async Task AFilteredItemsExplanationSaysStageTwoDidNotRefineIt()
    {
        var signals = await PostAsync(RequestItems.LastBars(_fixture, 60, HistoryRows));

        var filtered = signals.First(s => !s.GetProperty("stages").GetProperty("treeFilter").GetProperty("passed").GetBoolean());
        var explanation = await _client.GetFromJsonAsync<JsonElement>($"/signals/{filtered.GetProperty("id").GetString()}/explanation");

        filtered.GetProperty("reason").GetString().Should().StartWith("filtered at stage 1");
        explanation.GetProperty("treeFilter").GetProperty("contributions").GetArrayLength().Should().BePositive("stage 1 still explains what it filtered");
        explanation.GetProperty("sequence").EnumerateArray().Should().NotBeEmpty().And.OnlyContain(s =>
            s.GetProperty("attribution").ValueKind == JsonValueKind.Null
            && s.GetProperty("abstainReason").GetString() == "not refined: filtered at stage 1");
        filtered.GetProperty("stages").GetProperty("sequence").EnumerateArray().Should().OnlyContain(s =>
            s.GetProperty("probabilityUp").ValueKind == JsonValueKind.Null
            && s.GetProperty("abstainReason").GetString() == "not refined: filtered at stage 1");
    }

    [Fact]
    public async Task EachExplanationIsRetrievableAndStageOneContributionsSumToTheRawScore()
    {
        var signals = await PostAsync(Items(9));

        foreach (var signal in signals)
        {
            var id = signal.GetProperty("id").GetString();
            var stored = await _client.GetFromJsonAsync<JsonElement>($"/signals/{id}");
            stored.GetRawText().Should().Be(signal.GetRawText());

            var explanation = await _client.GetFromJsonAsync<JsonElement>($"/signals/{id}/explanation");
            explanation.GetProperty("signalId").GetString().Should().Be(id);
            var tree = explanation.GetProperty("treeFilter");
            var score = tree.GetProperty("score").GetDouble();
            var sum = tree.GetProperty("baseValue").GetDouble() + tree.GetProperty("contributions").EnumerateArray().Sum(c => c.GetProperty("contribution").GetDouble());
            sum.Should().BeApproximately(score, 1e-6 * Math.Max(1, Math.Abs(score)));
            score.Should().BeApproximately(signal.GetProperty("stages").GetProperty("treeFilter").GetProperty("score").GetDouble(), 1e-9);
            explanation.GetProperty("sequence").EnumerateArray().Should().OnlyContain(s =>
                s.GetProperty("attribution").ValueKind == JsonValueKind.Object || s.GetProperty("abstainReason").ValueKind == JsonValueKind.String);
            explanation.GetProperty("meta").GetProperty("contributions").GetArrayLength().Should().BePositive();
            explanation.GetProperty("meta").GetProperty("posteriorStdDev").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        }
    }

    [Fact]
    public async Task EveryAnsweredIdAppearsExactlyOnceInTheAuditFile()
    {
        var signals = await PostAsync(Items(15));

        var audited = _app.AuditLines().Select(l => JsonDocument.Parse(l).RootElement.GetProperty("SignalId").GetString()).ToArray();
        foreach (var id in signals.Select(s => s.GetProperty("id").GetString()))
        {
            audited.Count(a => a == id).Should().Be(1);
        }
    }

    [Fact]
    public async Task CurrentModelSchemaIsTheBundles()
    {
        var model = await _client.GetFromJsonAsync<JsonElement>("/models/current");

        model.GetProperty("version").GetString().Should().Be(_fixture.Manifest.Version);
        model.GetProperty("featureSchema").EnumerateArray().Select(n => n.GetString()).Should().Equal(_fixture.Bundle.Schema.Names);
        model.GetProperty("historyLength").GetInt32().Should().Be(HistoryRows);
    }

    [Fact]
    public async Task SwaggerExampleSucceedsAgainstTheServedModel()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var examples = document.GetProperty("paths").GetProperty("/signals").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("examples");

        foreach (var form in new[] { "items", "series" })
        {
            var response = await _client.PostAsync("/signals", Json(examples.GetProperty(form).GetProperty("value").GetRawText()));

            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }
}
