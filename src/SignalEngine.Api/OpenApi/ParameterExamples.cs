using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using SignalEngine.Api.Serving;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SignalEngine.Api.OpenApi;

/// <summary>
/// An example and a description for every path, query and header parameter, by its name, so that testers and "Try it
/// out" can send the documented request as it stands. A new endpoint's parameter gets its example here; a test fails
/// for any parameter of the document without one (<c>OpenApiDocumentTests</c>).
/// </summary>
public sealed class ParameterExamples(ActiveBundle active) : IOperationFilter
{
    /// <summary>The id of a signal in the README's walk-through; a tester replaces it with one it has made.</summary>
    public const string SignalIdExample = "01a233ab-6c68-78c2-9001-75e7c6c63dce";

    private static readonly IReadOnlyDictionary<string, (string Description, Func<ActiveBundle, JsonNode> Example)> Known =
        new Dictionary<string, (string, Func<ActiveBundle, JsonNode>)>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = ("The signal's id, as POST /signals answered it", _ => SignalIdExample),
            ["version"] = ("A model version (GET /models lists them); 'current' names the one served where the endpoint says so",
                a => a.Current.Bundle.Version),
            ["method"] = ("shap (the default): the stored explanation; lime: a local surrogate of stage 1 computed now", _ => ExplanationViews.Shap),
            [SignalsApi.IdempotencyKeyHeader] = ("Makes a retry safe: the same key and body (per API key, within Api:IdempotencyWindowSeconds) get the first answer again, with the same ids",
                _ => "batch-2024-01-02-0001"),
            ["instrument"] = ("An instrument, as the items named it", _ => "ttrc"),
            ["action"] = ("buy, sell or hold", _ => "buy"),
            ["before"] = ("Only what is older than this timestamp (ISO 8601)", _ => "2024-01-02T00:00:00Z"),
            ["limit"] = ("At most this many", _ => 50),
        };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.Name is null || !Known.TryGetValue(parameter.Name, out var known)) continue;
            parameter.Description ??= known.Description;
            parameter.Example ??= known.Example(active);
        }
    }
}
