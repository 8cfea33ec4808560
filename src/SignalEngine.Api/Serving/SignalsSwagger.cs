using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using SignalEngine.Api.Input;

namespace SignalEngine.Api.Serving;

public static class SignalsSwagger
{
    private const string BearerScheme = "bearer";

    /// <summary>The OpenAPI document and Swagger UI (at /swagger), with a POST /signals example the served model accepts.</summary>
    public static IServiceCollection AddSignalsSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "SignalEngine",
                Version = "v1",
                Description = "Buy / sell / hold signals with calibrated confidence and a stored explanation for each.",
            });
            options.OperationFilter<FeatureBatchExample>();
            options.OperationFilter<QueryParameterDocs>();
            options.DocumentFilter<SignalsTagDescription>();
            // The Authorize button: the key goes in as a bearer token (X-Api-Key works too, outside the UI).
            options.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (Auth:Keys, or the generated admin key whose file the service logs at start).",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [],
            });
        });
        return services;
    }

    /// <summary>
    /// Swagger UI at /swagger. Behind the gateway the document names the sub-path it was fetched under as its server,
    /// so "Try it out" calls /signalengine/signals, not /signals on the gateway's root.
    /// </summary>
    public static WebApplication UseSignalsSwagger(this WebApplication app)
    {
        app.UseSwagger(options => options.PreSerializeFilters.Add((document, request) =>
        {
            if (request.PathBase.HasValue) document.Servers = [new OpenApiServer { Url = request.PathBase.Value }];
        }));
        app.UseSwaggerUI();
        return app;
    }

    /// <summary>
    /// An example body built from the served bundle's schema: one item with every feature and the history rows stage 2
    /// needs (zeros: valid, if not a market anyone has seen), so "Try it out" succeeds as it stands.
    /// </summary>
    private sealed class FeatureBatchExample(ActiveBundle active) : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.HttpMethod != "POST" || context.ApiDescription.RelativePath?.TrimEnd('/') != "signals") return;
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) != true || media is null) return;

            var bundle = active.Current.Bundle;
            JsonObject Row() => new(bundle.Schema.Names.Select(n => KeyValuePair.Create(n, (JsonNode?)JsonValue.Create(0.0))));
            var history = new JsonArray();
            for (var k = 0; k < bundle.Manifest.WindowLength - 1; k++) history.Add(Row());
            media.Example = new JsonObject
            {
                ["items"] = new JsonArray(new JsonObject
                {
                    ["instrument"] = "EXAMPLE",
                    ["timestamp"] = "2024-01-02T00:00:00Z",
                    ["features"] = Row(),
                    ["history"] = history,
                    ["context"] = new JsonObject { ["regime"] = "normal", ["liquidity"] = 0.0 },
                }),
            };
        }
    }

    /// <summary>GET /signals and GET /outcomes/summary: what each query parameter means, its type and an example a reader can paste.</summary>
    private sealed class QueryParameterDocs : IOperationFilter
    {
        private sealed record Doc(string Description, JsonNode Example, int? Minimum = null, int? Maximum = null, int? Default = null, string[]? OneOf = null);

        private static readonly Dictionary<string, Dictionary<string, Doc>> Operations = new()
        {
            ["ListSignals"] = new()
            {
                ["instrument"] = new("Only signals of this instrument (as sent in the batch, case-sensitive).", "ttrc"),
                ["action"] = new("Only signals with this action.", "buy", OneOf: ["buy", "sell", "hold"]),
                ["model"] = new("Only signals made by this model version (GET /models lists them).", "20261201-220649-73f796ba"),
                ["before"] = new("The `next` cursor of the previous page: only signals stored before the last one it listed.",
                    "MjAyNi0xMi0wMVQyMzo0NToyOC4xMjM0NTY3KzAwOjAwfDAxOWFkYjE5LTNiMmUtNzAwMC04MDAwLTAwMDAwMDAwMDAwMQ"),
                ["limit"] = new("Signals per page.", SignalsApi.DefaultPageSize, 1, SignalsApi.MaxPageSize, SignalsApi.DefaultPageSize),
            },
            ["GetOutcomeSummary"] = new()
            {
                ["model"] = new("Only signals made by this model version; all versions when absent.", "20261201-220649-73f796ba"),
                ["window"] = new("How many of the most recent outcomes to score.", 1000, 1, Learning.OutcomesApi.MaxSummaryWindow, Learning.OutcomesApi.DefaultSummaryWindow),
            },
        };

        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var name = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
            if (name is null || !Operations.TryGetValue(name, out var docs)) return;
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameter.Name is null || !docs.TryGetValue(parameter.Name, out var doc)) continue;
                parameter.Description = doc.Description;
                parameter.Example = doc.Example.DeepClone();
                parameter.Schema = doc.Maximum is { } maximum
                    ? new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer, Format = "int32",
                        Minimum = doc.Minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Maximum = maximum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Default = doc.Default,
                    }
                    : new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        MinLength = 1,
                        MaxLength = doc.OneOf is null ? 200 : null,
                        Enum = doc.OneOf?.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
                    };
            }
        }
    }

    /// <summary>The Signals tag says what its operations are about, for readers of the document and of Swagger UI.</summary>
    private sealed class SignalsTagDescription : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            const string description = "Score a batch of feature rows into buy / sell / hold signals, and read stored signals, their explanations and a waterfall picture back.";
            document.Tags ??= new HashSet<OpenApiTag>();
            if (document.Tags.FirstOrDefault(t => t.Name == "Signals") is { } tag) tag.Description ??= description;
            else document.Tags.Add(new OpenApiTag { Name = "Signals", Description = description });
        }
    }
}
