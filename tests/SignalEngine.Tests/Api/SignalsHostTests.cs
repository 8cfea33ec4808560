using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalEngine.Api.Storage;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api;

/// <summary>The host around the pipeline, on the fake bundle: answers, storage, audit, read-back, health, documents.</summary>
public sealed class SignalsHostTests : IDisposable
{
    private readonly SignalEngineApplication _app = SignalEngineApplication.WithFakeBundle();
    private readonly HttpClient _client;

    public SignalsHostTests() => _client = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task SignalsComeBackInItemOrderStoredAndAuditedOnceEach()
    {
        var response = await _client.PostAsync("/signals", Json(FakeBatch(FakeItem(0), FakeItem(1, historyRows: 0), FakeItem(2, ret: -2))));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var signals = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals").EnumerateArray().ToArray();
        signals.Select(s => s.GetProperty("timestamp").GetDateTimeOffset().Hour).Should().Equal(0, 1, 2);
        signals.Should().OnlyContain(s => s.GetProperty("modelVersion").GetString() == FakeBundle.Version);
        signals[0].GetProperty("action").GetString().Should().Be("buy");
        signals[0].GetProperty("probabilities").GetProperty("buy").GetDouble().Should().BeGreaterThan(0);
        signals[0].GetProperty("interval").GetProperty("lower").GetDouble().Should().BeLessThan(signals[0].GetProperty("interval").GetProperty("upper").GetDouble());
        var ids = signals.Select(s => s.GetProperty("id").GetString()!).ToArray();
        ids.Should().OnlyHaveUniqueItems();
        _app.StoredCount().Should().Be(3);

        var audited = _app.AuditLines().Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var batch = audited[0].GetProperty("BatchInputs");
        var inputs = BatchInputs.Decode(Convert.FromBase64String(batch.GetProperty("data").GetString()!));
        audited.Select(e => e.GetProperty("SignalId").GetString()).Should().BeEquivalentTo(ids);
        audited.Should().OnlyContain(e => e.GetProperty("ModelVersion").GetString() == FakeBundle.Version
            && e.GetProperty("RequestId").GetString()!.Length > 0
            && e.GetProperty("Input").GetProperty("batchId").GetString() == batch.GetProperty("batchId").GetString()
            && inputs.Input(e.GetProperty("Input").GetProperty("item").GetInt32()).Features[1] == 50
            && e.GetProperty("Signal").GetProperty("id").GetString() == e.GetProperty("SignalId").GetString()
            && e.GetProperty("ExplanationSha256").GetString()!.Length == 64);
    }

    [Fact]
    public async Task SeriesFormGivesTheSignalsAndExplanationsTheItemFormGivesForTheSameBars()
    {
        var series = FakeSeries(rows: 6, last: 4);
        var rows = series["rows"]!.AsArray();
        var items = Enumerable.Range(2, 4).Select(r => new System.Text.Json.Nodes.JsonObject
        {
            ["instrument"] = "TEST",
            ["timestamp"] = rows[r]!["timestamp"]!.DeepClone(),
            ["features"] = rows[r]!["features"]!.DeepClone(),
            // The fake bundle's window is 3 bars: each signalled row takes the 2 rows before it (the first the 1 there is).
            ["history"] = new System.Text.Json.Nodes.JsonArray([.. Enumerable.Range(Math.Max(0, r - 2), Math.Min(r, 2)).Select(h => rows[h]!["features"]!.DeepClone())]),
        }).ToArray();

        var fromSeries = await SignalsOf(await _client.PostAsync("/signals", Json(FakeSeriesBatch(series))));
        var fromItems = await SignalsOf(await _client.PostAsync("/signals", Json(FakeBatch(items))));

        fromSeries.Should().HaveCount(4);
        for (var i = 0; i < 4; i++)
        {
            WithoutIds(fromSeries[i]).Should().Be(WithoutIds(fromItems[i]));
            var explanations = await Task.WhenAll(new[] { fromSeries[i], fromItems[i] }.Select(s => _client.GetStringAsync($"/signals/{s.GetProperty("id").GetString()}/explanation")));
            WithoutIds(JsonDocument.Parse(explanations[0]).RootElement).Should().Be(WithoutIds(JsonDocument.Parse(explanations[1]).RootElement));
        }
    }

    private static async Task<JsonElement[]> SignalsOf(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals").EnumerateArray().ToArray();
    }

    private static string WithoutIds(JsonElement element)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(element.GetRawText())!.AsObject();
        node.Remove("id");
        node.Remove("signalId");
        return node.ToJsonString();
    }

    [Fact]
    public async Task ConcurrentBatchesAreAllStoredAndAudited()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(b =>
            _client.PostAsync("/signals", Json(FakeBatch([.. Enumerable.Range(0, 5).Select(i => FakeItem(b * 5 + i))])))));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        _app.StoredCount().Should().Be(40);
        _app.AuditLines().Should().HaveCount(40);
    }

    [Fact]
    public async Task StageTwoAbstainsVisiblyForAnItemWithoutHistoryAndTheSignalIsStillMade()
    {
        var response = await _client.PostAsync("/signals", Json(FakeBatch(FakeItem(0, historyRows: 0), FakeItem(1))));

        var signals = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals");
        var withoutHistory = signals[0].GetProperty("stages").GetProperty("sequence")[0];
        withoutHistory.GetProperty("probabilityUp").ValueKind.Should().Be(JsonValueKind.Null);
        withoutHistory.GetProperty("abstainReason").GetString().Should().Contain("abstained");
        signals[1].GetProperty("stages").GetProperty("sequence")[0].GetProperty("probabilityUp").GetDouble().Should().Be(0.7);
        signals[0].GetProperty("action").GetString().Should().BeOneOf("buy", "sell", "hold");
    }

    [Fact]
    public async Task FilteredItemIsHoldWithTheStageOneReason()
    {
        var response = await _client.PostAsync("/signals", Json(FakeBatch(FakeItem(0, ret: -3))));

        var signal = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals")[0];
        signal.GetProperty("action").GetString().Should().Be("hold");
        signal.GetProperty("stages").GetProperty("treeFilter").GetProperty("passed").GetBoolean().Should().BeFalse();
        signal.GetProperty("stages").GetProperty("treeFilter").GetProperty("reason").GetString().Should().Contain("filtered at stage 1");
    }

    [Fact]
    public async Task StoredSignalAndExplanationReadBackAsAnswered()
    {
        var response = await _client.PostAsync("/signals", Json(FakeBatch(FakeItem(0))));
        var answered = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals")[0];
        var id = answered.GetProperty("id").GetString();

        var stored = await _client.GetFromJsonAsync<JsonElement>($"/signals/{id}");
        var explanation = await _client.GetFromJsonAsync<JsonElement>($"/signals/{id}/explanation");

        stored.GetRawText().Should().Be(answered.GetRawText());
        explanation.GetProperty("signalId").GetString().Should().Be(id);
        var tree = explanation.GetProperty("treeFilter");
        (tree.GetProperty("baseValue").GetDouble() + tree.GetProperty("contributions").EnumerateArray().Sum(c => c.GetProperty("contribution").GetDouble()))
            .Should().BeApproximately(tree.GetProperty("score").GetDouble(), 1e-12);
        explanation.GetProperty("sequence")[0].GetProperty("attribution").GetProperty("model").GetString().Should().Be("fake-lstm");
        explanation.GetProperty("meta").GetProperty("posteriorStdDev").GetDouble().Should().BeApproximately(0.05, 1e-12);
        explanation.GetProperty("meta").GetProperty("mostInfluentialStage").GetString().Should().Be("tree");
    }

    [Fact]
    public async Task ItemWhoseModelOutputOverflowsIsRefusedByIndexNotA500()
    {
        var extreme = FakeItem(1);
        extreme["features"] = FakeRow(ret: 1e308, macd: 1e308);

        var response = await _client.PostAsync("/signals", Json(FakeBatch(FakeItem(0), extreme)));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).Should().Equal("items[1]");
        _app.StoredCount().Should().Be(0);
        _app.AuditLines().Should().BeEmpty();
    }

    [Theory]
    [InlineData("/signals/0190a5c8-7b1e-7cc3-9a4e-6f8f4f0c2d11")]
    [InlineData("/signals/0190a5c8-7b1e-7cc3-9a4e-6f8f4f0c2d11/explanation")]
    [InlineData("/signals/not-a-guid")]
    [InlineData("/signals/not-a-guid/explanation")]
    public async Task UnknownOrMalformedIdIsNotFoundProblem(string path)
    {
        var response = await _client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task CurrentModelTellsAClientWhatToSend()
    {
        var model = await _client.GetFromJsonAsync<JsonElement>("/models/current");

        model.GetProperty("version").GetString().Should().Be(FakeBundle.Version);
        model.GetProperty("featureSchema").EnumerateArray().Select(n => n.GetString()).Should().Equal(FakeBundle.Schema);
        model.GetProperty("windowLength").GetInt32().Should().Be(FakeBundle.WindowLength);
        model.GetProperty("historyLength").GetInt32().Should().Be(FakeBundle.WindowLength - 1);
        model.GetProperty("labels").GetProperty("horizon").GetInt32().Should().BePositive();
        model.GetProperty("metrics").GetProperty("pipeline").GetProperty("logLoss").GetDouble().Should().Be(0.9);
        model.GetProperty("metrics").GetProperty("pipeline").GetProperty("precisionBuy").ValueKind.Should().Be(JsonValueKind.Null, "JSON has no NaN");
        model.GetProperty("stages").GetProperty("sequence")[0].GetProperty("name").GetString().Should().Be("fake-lstm");
        model.TryGetProperty("hyperparameters", out _).Should().BeTrue();
    }

    [Fact]
    public async Task LiveAndReadyWhenBundleStoreAndAuditAreUsable()
    {
        (await _client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);

        var ready = await _client.GetAsync("/health/ready");

        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        checks.EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo("bundle", "store", "audit");
    }

    [Fact]
    public async Task SwaggerDocumentsTheEndpointsWithSchemasAndAnExampleOfTheServedSchema()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        var paths = document.GetProperty("paths");
        paths.TryGetProperty("/signals", out var signals).Should().BeTrue();
        paths.TryGetProperty("/signals/{id}/explanation", out var explanation).Should().BeTrue();
        paths.TryGetProperty("/models/current", out _).Should().BeTrue();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        schemas.TryGetProperty("FeatureBatch", out _).Should().BeTrue();
        schemas.TryGetProperty("Signal", out _).Should().BeTrue();
        schemas.TryGetProperty("SignalExplanation", out _).Should().BeTrue();
        schemas.GetProperty("SignalAction").GetProperty("enum").EnumerateArray().Select(v => v.GetString()).Should().BeEquivalentTo("hold", "buy", "sell");
        explanation.GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema").GetRawText().Should().Contain("SignalExplanation");
        var examples = signals.GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("examples");
        var example = examples.GetProperty("items").GetProperty("value");
        example.GetProperty("items")[0].GetProperty("features").EnumerateObject().Select(p => p.Name).Should().Equal(FakeBundle.Schema);
        var series = examples.GetProperty("series").GetProperty("value");
        series.GetProperty("series")[0].GetProperty("rows")[0].GetProperty("features").EnumerateObject().Select(p => p.Name).Should().Equal(FakeBundle.Schema);
        signals.GetProperty("post").GetProperty("responses").EnumerateObject().Select(r => r.Name).Should()
            .BeEquivalentTo("200", "400", "401", "403", "409", "413", "415", "422", "429", "503", "504");

        var tried = await _client.PostAsync("/signals", Json(example.GetRawText()));
        tried.StatusCode.Should().Be(HttpStatusCode.OK);
        var triedSeries = await _client.PostAsync("/signals", Json(series.GetRawText()));
        triedSeries.StatusCode.Should().Be(HttpStatusCode.OK, await triedSeries.Content.ReadAsStringAsync());
        (await triedSeries.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals").GetArrayLength().Should().Be(2);
        (await _client.GetAsync("/swagger/index.html")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
