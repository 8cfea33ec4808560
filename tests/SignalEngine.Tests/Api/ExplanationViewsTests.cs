using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using SignalEngine.Tests.Api.Support;
using SignalEngine.Tests.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Api;

/// <summary>LIME on request, the waterfall picture and global importance, on the real host with the fixture's bundle.</summary>
[Collection(TrainedBundleCollection.Name)]
public sealed class ExplanationViewsTests : IDisposable
{
    private readonly SmallBundleFixture _fixture;
    private readonly SignalEngineApplication _app;
    private readonly HttpClient _client;

    public ExplanationViewsTests(SmallBundleFixture fixture)
    {
        _fixture = fixture;
        _app = new SignalEngineApplication(fixture.Directory);
        _client = _app.CreateClient();
    }

    public void Dispose() => _app.Dispose();

    private async Task<string[]> PostAsync(int count)
    {
        var items = RequestItems.LastBars(_fixture, count, _fixture.Manifest.WindowLength - 1);
        var response = await _client.PostAsync("/signals", Json(RequestBodies.From(items, _fixture.Bundle.Schema)));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToArray();
    }

    [Fact]
    public async Task LimeSurrogateOfAStoredSignalReportsItsWeightsAndFidelity()
    {
        var id = (await PostAsync(3))[0];

        var lime = await _client.GetFromJsonAsync<JsonElement>($"/signals/{id}/explanation?method=lime");

        lime.GetProperty("method").GetString().Should().Be("lime");
        var surrogate = lime.GetProperty("lime");
        surrogate.GetProperty("weights").GetArrayLength().Should().Be(_fixture.Bundle.Schema.Count);
        surrogate.GetProperty("fidelity").GetDouble().Should().BeInRange(0, 1);
        var again = await _client.GetFromJsonAsync<JsonElement>($"/signals/{id}/explanation?method=lime");
        again.GetRawText().Should().Be(lime.GetRawText(), "the surrogate is seeded");
    }

    [Fact]
    public async Task UnknownExplanationMethodIsABadRequest()
    {
        var id = (await PostAsync(1))[0];

        var response = await _client.GetAsync($"/signals/{id}/explanation?method=guess");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task WaterfallSvgParsesAndNamesTheTopFeature()
    {
        var id = (await PostAsync(2))[1];
        var explanation = await _client.GetFromJsonAsync<JsonElement>($"/signals/{id}/explanation");
        var top = explanation.GetProperty("treeFilter").GetProperty("contributions").EnumerateArray()
            .OrderByDescending(c => Math.Abs(c.GetProperty("contribution").GetDouble())).First().GetProperty("feature").GetString();

        var response = await _client.GetAsync($"/signals/{id}/explanation.svg");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("image/svg+xml");
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
        svg.Root!.Name.LocalName.Should().Be("svg");
        svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).Should().Contain(t => t.Contains(top!));
    }

    [Fact]
    public async Task GlobalImportanceOfTheServedVersionHasThreeMeasuresPerFeature()
    {
        var importance = await _client.GetFromJsonAsync<JsonElement>($"/models/{_fixture.Manifest.Version}/importance");

        var features = importance.GetProperty("features").EnumerateArray().ToArray();
        features.Select(f => f.GetProperty("feature").GetString()).Should().BeEquivalentTo(_fixture.Manifest.FeatureSchema);
        features.Sum(f => f.GetProperty("splitGain").GetDouble()).Should().BeApproximately(1, 1e-9);
        features.Select(f => f.GetProperty("meanAbsoluteShap").GetDouble()).Should().BeInDescendingOrder();
        importance.GetProperty("data").GetString().Should().Contain("last walk-forward fold");

        (await _client.GetAsync("/models/no-such-version/importance")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
