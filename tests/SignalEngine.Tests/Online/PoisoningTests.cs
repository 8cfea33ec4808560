using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SignalEngine.Api.Learning;
using SignalEngine.Tests.Api.Support;
using SignalEngine.Tests.Evaluation;
using SignalEngine.Tests.Support;
using static SignalEngine.Tests.Api.Support.RequestBodies;

namespace SignalEngine.Tests.Online;

/// <summary>
/// The probe's attack: fabricated bars of an instrument the service never signalled, every label "sell", posted as
/// outcomes. Before, the candidate trained on them was judged on them too and promoted within seconds.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class PoisoningTests : IClassFixture<SmallBundleFixture>, IDisposable
{
    private readonly SmallBundleFixture _fixture;
    private readonly SignalEngineApplication _app;

    public PoisoningTests(SmallBundleFixture fixture)
    {
        _fixture = fixture;
        _app = new SignalEngineApplication(fixture.Directory, settings: new Dictionary<string, string?>
        {
            ["OnlineLearning:EveryOutcomes"] = "20",
            ["OnlineLearning:LogLossMargin"] = "1",
            ["OnlineLearning:PrecisionMargin"] = "1",
            ["OnlineLearning:CandidatesPath"] = Path.Combine(Path.GetTempPath(), "signalengine-tests", "candidates-" + Guid.NewGuid().ToString("N")[..8]),
        });
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task FabricatedBarsNeverGradeTheirOwnCandidateAndPromoteNothing()
    {
        var bars = JsonNode.Parse(From(RequestItems.LastBars(_fixture, 60, _fixture.Manifest.WindowLength - 1), _fixture.Bundle.Schema))!["items"]!.AsArray();
        foreach (var bar in bars)
        {
            bar!["instrument"] = "poison";
            bar["label"] = "sell";
        }
        var attacker = _app.CreateClient(SignalEngineApplication.Keys["outcomes"]);
        (await _app.CreateClient(key: null).PostAsync("/outcomes", Json(new JsonObject { ["bars"] = bars.DeepClone() })))
            .StatusCode.Should().Be(HttpStatusCode.Unauthorized, "anonymous outcomes are refused");
        (await attacker.PostAsync("/outcomes", Json(new JsonObject { ["bars"] = bars.DeepClone() }))).StatusCode.Should().Be(HttpStatusCode.OK);

        var cycle = await _app.Services.GetRequiredService<OnlineLearner>().RunOnceAsync(default);

        cycle.Outcome.Should().Be("rejected");
        cycle.Comparison!.Reason.Should().Contain("0 held-out outcomes of the service's own signals");
        (await _app.CreateClient().GetFromJsonAsync<JsonElement>("/models/current")).GetProperty("version").GetString().Should().Be(_fixture.Manifest.Version);
        _app.AuditLines().Should().Contain(l => l.Contains("model.rejected") && l.Contains("test-outcomes: 60"), "the decision names who supplied the outcomes")
            .And.Contain(l => l.Contains("outcome.recorded") && l.Contains("\"ApiKey\":\"test-outcomes\""));
    }
}
