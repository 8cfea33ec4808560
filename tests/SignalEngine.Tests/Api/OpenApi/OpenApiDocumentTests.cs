using System.Text.Json.Nodes;
using SignalEngine.Tests.Api.Support;
using SignalEngine.Tests.Support;

namespace SignalEngine.Tests.Api.OpenApi;

/// <summary>
/// The committed document (docs/openapi/signalengine.json) is the contract clients are generated from: it must be what the
/// service serves, and complete enough for testers to send every documented request. Redocly lint and the contract test
/// against the running service (scripts/clients-test.sh) check the rest with third-party tools.
/// </summary>
public sealed class OpenApiDocumentTests : IClassFixture<OpenApiDocumentTests.DefaultBundleHost>
{
    public const string Regenerate = "bash scripts/openapi.sh, then commit docs/openapi/signalengine.json";

    private readonly DefaultBundleHost _host;

    public OpenApiDocumentTests(DefaultBundleHost host) => _host = host;

    public static string CommittedPath => RepositoryPaths.File("docs", "openapi", "signalengine.json");

    public static JsonNode Committed() => JsonNode.Parse(File.ReadAllText(CommittedPath))!;

    [Fact]
    public async Task ServedDocumentIsTheCommittedOne()
    {
        var served = JsonNode.Parse(await _host.Client.GetStringAsync("/swagger/v1/swagger.json"))!.AsObject();
        var committed = Committed().AsObject();
        // Only the servers differ by design: fetched directly the document names none (the service it came from), the
        // committed one names "/" for the tools that read it from a file.
        served.Remove("servers").Should().BeFalse("a document fetched directly names no server");
        committed.Remove("servers").Should().BeTrue("the committed document names its server");

        var differences = Differences(committed, served, "#").Take(10).ToArray();
        differences.Should().BeEmpty($"the served document must be the committed one; where they differ, run {Regenerate}");
    }

    [Fact]
    public void EveryParameterHasAnExampleAndADescription()
    {
        var missing = Operations(Committed())
            .SelectMany(o => (o.Operation["parameters"]?.AsArray() ?? []).Select(p => (o.Name, Parameter: p!)))
            .Where(x => x.Parameter["example"] is null || x.Parameter["description"] is null)
            .Select(x => $"{x.Name} {x.Parameter["name"]}")
            .ToArray();

        missing.Should().BeEmpty("testers and 'Try it out' send the documented example (add one in OpenApi/ParameterExamples.cs)");
    }

    [Fact]
    public void EveryErrorAnswerIsProblemDetails()
    {
        var document = Committed();
        var wrong = Operations(document)
            .SelectMany(o => o.Operation["responses"]!.AsObject().Select(r => (o.Name, Status: r.Key, Response: r.Value!)))
            .Where(x => int.Parse(x.Status) >= 400)
            .Where(x => x.Response["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>() is not
                ("#/components/schemas/ProblemDetails" or "#/components/schemas/HttpValidationProblemDetails"))
            .Select(x => $"{x.Name} {x.Status}")
            .ToArray();

        wrong.Should().BeEmpty("every error is a ProblemDetails (OpenApi/ProblemResponses.cs)");
    }

    [Fact]
    public void EverySecuredOperationDeclaresTheKeyItsRolesAndItsRefusals()
    {
        var incomplete = Operations(Committed())
            .Where(o => o.Operation["security"] is not JsonArray { Count: 2 }
                || o.Operation["x-required-roles"] is not JsonArray { Count: > 0 }
                || o.Operation["responses"]!["401"] is null
                || o.Operation["responses"]!["403"] is null)
            .Select(o => o.Name)
            .ToArray();

        incomplete.Should().BeEmpty("every endpoint but /health needs an API key (OpenApi/SecuredOperations.cs)");
    }

    private static IEnumerable<(string Name, JsonObject Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(m => m.Key is "get" or "post" or "put" or "delete" or "patch")
            .Select(m => ($"{m.Key.ToUpperInvariant()} {path.Key}", m.Value!.AsObject())));

    private static IEnumerable<string> Differences(JsonNode? expected, JsonNode? actual, string at)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    var where = $"{at}/{key.Replace("~", "~0").Replace("/", "~1")}";
                    if (!e.ContainsKey(key)) yield return $"{where}: served only";
                    else if (!a.ContainsKey(key)) yield return $"{where}: committed only";
                    else foreach (var d in Differences(e[key], a[key], where)) yield return d;
                }
                break;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count) yield return $"{at}: {e.Count} items committed, {a.Count} served";
                else for (var i = 0; i < e.Count; i++) foreach (var d in Differences(e[i], a[i], $"{at}/{i}")) yield return d;
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual)) yield return $"{at}: committed {expected?.ToJsonString()}, served {actual?.ToJsonString()}";
                break;
        }
    }

    /// <summary>The host on the bundled default model, which the committed document is generated from.</summary>
    public sealed class DefaultBundleHost : IDisposable
    {
        private readonly SignalEngineApplication _application = new(RepositoryPaths.File("models", "default"));

        public DefaultBundleHost() => Client = _application.CreateClient();

        public HttpClient Client { get; }

        public void Dispose() => _application.Dispose();
    }
}
