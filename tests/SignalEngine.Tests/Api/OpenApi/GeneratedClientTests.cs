using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using SignalEngine.Client;
using SignalEngine.Client.Models;
using SignalEngine.Client.Signals.Item.Explanation;

namespace SignalEngine.Tests.Api.OpenApi;

/// <summary>
/// The C# client Kiota generates from the committed document at build (clients/dotnet/SignalEngine.Client), against the
/// real host on the bundled model: every type here is generated, none written by hand.
/// </summary>
public sealed class GeneratedClientTests : IClassFixture<OpenApiDocumentTests.DefaultBundleHost>
{
    private readonly HttpClientRequestAdapter _adapter;
    private readonly SignalEngineClient _client;

    public GeneratedClientTests(OpenApiDocumentTests.DefaultBundleHost host)
    {
        _adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: host.Client)
        {
            BaseUrl = host.Client.BaseAddress!.ToString().TrimEnd('/'),
        };
        _client = new SignalEngineClient(_adapter);
    }

    [Fact]
    public async Task ItemBatchSignalsExplanationsLimeOutcomesAndModelsRoundTrip()
    {
        var model = (await _client.Models.Current.GetAsync())!;
        var batch = new FeatureBatch { Items = [Item(model, 0), Item(model, 1)] };

        var answer = (await _client.Signals.PostAsync(batch))!;

        answer.Signals.Should().HaveCount(2);
        var first = answer.Signals![0];
        first.Action.Should().BeOneOf(SignalAction.Buy, SignalAction.Sell, SignalAction.Hold);
        first.ModelVersion.Should().Be(model.Version);
        first.Probabilities!.Buy!.Value.Should().BeInRange(0, 1);

        var read = (await _client.Signals[first.Id!.Value.ToString()].GetAsync())!;
        read.Id.Should().Be(first.Id);
        read.Confidence.Should().Be(first.Confidence);

        // The two views of GET /signals/{id}/explanation are anyOf in the document (no discriminator: the stored explanation
        // carries none), and Kiota's wrapper fills the fields they share (signalId, modelVersion) in one member only; so
        // each view is read with its own generated type through the generated request builder.
        var explanationRequest = _client.Signals[first.Id.Value.ToString()].Explanation;
        var explanation = (await _adapter.SendAsync(explanationRequest.ToGetRequestInformation(), SignalExplanation.CreateFromDiscriminatorValue))!;
        explanation.SignalId.Should().Be(first.Id);
        explanation.ModelVersion.Should().Be(model.Version);
        var tree = explanation.TreeFilter!;
        (tree.BaseValue!.Value + tree.Contributions!.Sum(c => c.Contribution!.Value)).Should().BeApproximately(tree.Score!.Value, 1e-6);
        explanation.Meta!.Contributions.Should().NotBeEmpty();

        var limeRequest = explanationRequest.ToGetRequestInformation(r => r.QueryParameters.Method = GetMethodQueryParameterType.Lime);
        var lime = (await _adapter.SendAsync(limeRequest, LimeView.CreateFromDiscriminatorValue))!;
        lime.SignalId.Should().Be(first.Id);
        lime.Method.Should().Be("lime");
        lime.Lime!.Weights.Should().NotBeEmpty();
        lime.Lime.Fidelity.Should().NotBeNull();
        (await explanationRequest.GetAsync(r => r.QueryParameters.Method = GetMethodQueryParameterType.Lime))!.LimeView!.Lime!.Weights
            .Should().HaveSameCount(lime.Lime.Weights, "the generated wrapper reads the LIME view too");

        var receipt = (await _client.Outcomes.PostAsync(new OutcomeBatch
        {
            Outcomes = [new OutcomeItem { SignalId = first.Id, Label = "buy" }],
        }))!;
        receipt.Recorded.Should().Equal(first.Id);

        var models = (await _client.Models.GetAsync())!;
        models.Should().Contain(m => m.Version == model.Version && m.Status == "serving");
    }

    [Fact]
    public async Task ErrorsAreTheDocumentedProblemDetails()
    {
        var missing = () => _client.Signals[Guid.NewGuid().ToString()].GetAsync();

        var problem = (await missing.Should().ThrowAsync<ProblemDetails>()).Which;
        problem.Status.Should().Be(404);
        problem.Title.Should().Be("Signal not found");

        var invalid = () => _client.Signals.PostAsync(new FeatureBatch { Items = [] });
        var validation = (await invalid.Should().ThrowAsync<HttpValidationProblemDetails>()).Which;
        validation.Status.Should().Be(400);
        validation.Errors!.AdditionalData.Should().ContainKey("items");
    }

    [Fact]
    public async Task SeriesBatchSignalsLikeTheItemForm()
    {
        var model = (await _client.Models.Current.GetAsync())!;
        var items = Enumerable.Range(0, 3).Select(i => Item(model, i)).ToList();
        // The same bars as one series: the history of the first item, then the three items' own rows, oldest first.
        var rows = Enumerable.Range(0, model.HistoryLength!.Value + 3).Select(t => new FeatureSeriesRow
        {
            Timestamp = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(t),
            Features = new FeatureSeriesRow_features { AdditionalData = Row(model, t) },
        }).ToList();

        var fromItems = (await _client.Signals.PostAsync(new FeatureBatch { Items = items }))!.Signals!;
        var fromSeries = (await _client.Signals.PostAsync(new FeatureBatch { Series = [new FeatureSeries { Instrument = "KIOTA", Last = 3, Rows = rows }] }))!.Signals!;

        fromSeries.Should().HaveCount(3);
        for (var i = 0; i < 3; i++)
        {
            fromSeries[i].Timestamp.Should().Be(fromItems[i].Timestamp);
            fromSeries[i].Action.Should().Be(fromItems[i].Action);
            fromSeries[i].Confidence.Should().Be(fromItems[i].Confidence);
            fromSeries[i].Probabilities!.Buy.Should().Be(fromItems[i].Probabilities!.Buy);
            fromSeries[i].Probabilities!.Sell.Should().Be(fromItems[i].Probabilities!.Sell);
            fromSeries[i].Id!.Value.Should().NotBe(fromItems[i].Id!.Value);
        }
    }

    /// <summary>Bar <paramref name="t"/>'s features: any finite values are valid.</summary>
    private static Dictionary<string, object> Row(ModelDescription model, int t) =>
        model.FeatureSchema!.Select((name, k) => (name, value: (object)(name.StartsWith("rsi", StringComparison.Ordinal) ? 50 + 20 * Math.Sin(0.3 * t + k) : 0.01 * Math.Sin(0.3 * t + k))))
            .ToDictionary(x => x.name, x => x.value);

    /// <summary>An item with every feature of the served schema and the history stage 2 needs (any finite values are valid).</summary>
    private static FeatureBatchItem Item(ModelDescription model, int index)
    {
        var schema = model.FeatureSchema!;
        FeatureBatchItem_features Row(int t) => new() { AdditionalData = schema.Select((name, k) => (name, value: (object)(name.StartsWith("rsi", StringComparison.Ordinal) ? 50 + 20 * Math.Sin(0.3 * t + k) : 0.01 * Math.Sin(0.3 * t + k)))).ToDictionary(x => x.name, x => x.value) };
        FeatureBatchItem_history History(int t) => new() { AdditionalData = Row(t).AdditionalData };
        var now = index + model.HistoryLength!.Value;
        return new FeatureBatchItem
        {
            Instrument = "KIOTA",
            Timestamp = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(now),
            Features = Row(now),
            History = Enumerable.Range(index, model.HistoryLength.Value).Select(History).ToList(),
        };
    }
}
