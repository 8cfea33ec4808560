using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalEngine.Tests.Api.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api;

/// <summary>GET /signals on the real host (fake bundle, temporary SQLite): newest first, filters, cursor paging, bad filters, keys.</summary>
public sealed class SignalListingTests : IDisposable
{
    private readonly SignalEngineApplication _app = SignalEngineApplication.WithFakeBundle();
    private readonly HttpClient _client;

    public SignalListingTests() => _client = _app.CreateClient();

    public void Dispose() => _app.Dispose();

    private async Task<string[]> PostAsync(params System.Text.Json.Nodes.JsonObject[] items)
    {
        var response = await _client.PostAsync("/signals", Json(FakeBatch(items)));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signals").EnumerateArray()
            .Select(s => s.GetProperty("id").GetString()!).ToArray();
    }

    private static System.Text.Json.Nodes.JsonObject Item(int index, string instrument, double ret = 0.5)
    {
        var item = FakeItem(index, ret: ret);
        item["instrument"] = instrument;
        return item;
    }

    [Fact]
    public async Task SignalsAreListedNewestFirstExactlyAsAnswered()
    {
        var first = await PostAsync(Item(0, "AAA"));
        var second = await PostAsync(Item(1, "BBB"));

        var page = await _client.GetFromJsonAsync<JsonElement>("/signals");

        var listed = page.GetProperty("signals").EnumerateArray().ToArray();
        listed.Select(s => s.GetProperty("id").GetString()).Should().Equal(second[0], first[0]);
        page.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);
        var one = await _client.GetStringAsync($"/signals/{first[0]}");
        listed[1].GetRawText().Should().Be(one, "a listed signal is the stored answer");
    }

    [Fact]
    public async Task FiltersNarrowTheListing()
    {
        await PostAsync(Item(0, "AAA"), Item(1, "AAA", ret: -2), Item(2, "BBB"));

        async Task<string[]> Listed(string query) =>
            (await _client.GetFromJsonAsync<JsonElement>("/signals?" + query)).GetProperty("signals").EnumerateArray()
                .Select(s => $"{s.GetProperty("instrument").GetString()}:{s.GetProperty("action").GetString()}").ToArray();

        (await Listed("instrument=AAA")).Should().BeEquivalentTo(["AAA:buy", "AAA:hold"]);
        (await Listed("action=hold")).Should().BeEquivalentTo(["AAA:hold"]);
        (await Listed("action=BUY&instrument=BBB")).Should().BeEquivalentTo(["BBB:buy"]);
        (await Listed($"model={FakeBundle.Version}")).Should().HaveCount(3);
        (await Listed("model=another-version")).Should().BeEmpty();
    }

    [Fact]
    public async Task TheCursorPagesThroughEverySignalOnce()
    {
        var posted = new List<string>();
        for (var b = 0; b < 3; b++) posted.AddRange(await PostAsync([.. Enumerable.Range(0, 4).Select(i => Item(b * 4 + i, "AAA"))]));

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await _client.GetFromJsonAsync<JsonElement>("/signals?limit=5" + (next is null ? "" : "&before=" + next));
            seen.AddRange(page.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("id").GetString()!));
            next = page.GetProperty("next").GetString();
            pages++;
        }
        while (next is not null && pages < 10);

        pages.Should().Be(3);
        seen.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(posted);
        seen.Take(4).Should().BeEquivalentTo(posted.Skip(8), "the last batch comes first");
    }

    [Theory]
    [InlineData("action=short", "action")]
    [InlineData("action=1", "action")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("before=not-a-cursor", "before")]
    [InlineData("instrument=", "instrument")]
    [InlineData("model=", "model")]
    public async Task BadFilterIsAProblemNamingTheParameter(string query, string field)
    {
        var response = await _client.GetAsync("/signals?" + query);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Equal(field);
    }

    [Fact]
    public async Task ListingNeedsAKeyWithTheSignalsRole()
    {
        (await _app.CreateClient(key: null).GetAsync("/signals")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await _app.CreateClient(SignalEngineApplication.Keys["outcomes"]).GetAsync("/signals")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _app.CreateClient(SignalEngineApplication.Keys["signals"]).GetAsync("/signals")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SwaggerDocumentsEveryParameterWithAnExampleAndEveryStatus()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        var operation = document.GetProperty("paths").GetProperty("/signals").GetProperty("get");
        operation.GetProperty("operationId").GetString().Should().Be("ListSignals");
        var parameters = operation.GetProperty("parameters").EnumerateArray().ToArray();
        parameters.Select(p => p.GetProperty("name").GetString()).Should().BeEquivalentTo(["instrument", "action", "model", "before", "limit"]);
        parameters.Where(p => p.GetProperty("in").GetString() == "query"
            && p.GetProperty("description").GetString()!.Length > 10
            && p.TryGetProperty("example", out var given) && given.ValueKind != JsonValueKind.Null).Should().HaveCount(5);
        parameters.Single(p => p.GetProperty("name").GetString() == "limit").GetProperty("schema").GetProperty("type").GetString().Should().Be("integer");
        operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Should().Contain(["200", "400", "401", "403"], "the conventions add 429 and 504 to every rate-limited, secured operation");
        document.GetProperty("tags").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "Signals")
            .GetProperty("description").GetString().Should().NotBeNullOrEmpty();
        var example = parameters.Single(p => p.GetProperty("name").GetString() == "before").GetProperty("example").GetString()!;
        SignalEngine.Api.Storage.SignalCursor.TryParse(example).Should().NotBeNull("the documented cursor is one the service accepts");
    }
}
