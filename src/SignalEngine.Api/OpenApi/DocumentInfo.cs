using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SignalEngine.Api.OpenApi;

/// <summary>What the document says about itself: a description of every tag, where the service listens, its licence.</summary>
public sealed class DocumentInfo : IDocumentFilter
{
    /// <summary>A new tag needs a line here (Redocly's tag-description rule fails the test command without one).</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>
    {
        ["Signals"] = "Buy / sell / hold signals for batches of feature rows, and their stored explanations",
        ["Models"] = "The served model, the registry of versions, promotion and rollback",
        ["Online learning"] = "Realised outcomes of earlier signals, which the online learner trains candidates on",
    };

    /// <summary>
    /// The service the document was fetched from, which is what a document without servers means too: the served one
    /// names none, or the gateway's sub-path it was fetched under (SignalsSwagger); the committed one, read from a file by
    /// tools that want a server, names this.
    /// </summary>
    public const string DefaultServer = "/";

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        // The repository grants no licence; the document says so rather than name one (tools/openapi/redocly.yaml).
        document.Info.License = new OpenApiLicense { Name = "All rights reserved: no licence is granted" };
        document.Servers = [new OpenApiServer { Url = DefaultServer, Description = "The service this document was fetched from (scripts/serve.sh: http://localhost:5080)" }];
        document.Tags = new HashSet<OpenApiTag>(
            (document.Tags ?? new HashSet<OpenApiTag>()).Select(t => t.Name).OfType<string>()
                .Concat(Tags.Keys).Distinct().Order(StringComparer.Ordinal)
                .Select(name => new OpenApiTag { Name = name, Description = Tags.GetValueOrDefault(name) }));
    }
}
