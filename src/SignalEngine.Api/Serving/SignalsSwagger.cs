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
            options.OperationFilter<SignalListingParameters>();
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

    /// <summary>GET /signals: what each query parameter means, its type and an example a reader can paste.</summary>
    private sealed class SignalListingParameters : IOperationFilter
    {
        private static readonly Dictionary<string, (string Description, JsonSchemaType Type, JsonNode Example)> Parameters = new()
        {
            ["instrument"] = ("Only signals of this instrument (as sent in the batch, case-sensitive).", JsonSchemaType.String, "ttrc"),
            ["action"] = ("Only signals with this action: buy, sell or hold.", JsonSchemaType.String, "buy"),
            ["model"] = ("Only signals made by this model version (GET /models lists them).", JsonSchemaType.String, "20261201-220649-73f796ba"),
            ["before"] = ("The `next` cursor of the previous page: only signals stored before the last one it listed.", JsonSchemaType.String, "MjAyNi0xMi0wMVQyMzo0NToyOC4xMjM0NTY3KzAwOjAwfDAxOWFkYjE5LTNiMmUtNzAwMC04MDAwLTAwMDAwMDAwMDAwMQ"),
            ["limit"] = ($"Signals per page, 1 to {SignalsApi.MaxPageSize} ({SignalsApi.DefaultPageSize} when absent).", JsonSchemaType.Integer, SignalsApi.DefaultPageSize),
        };

        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName != "ListSignals") return;
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameter.Name is null || !Parameters.TryGetValue(parameter.Name, out var doc)) continue;
                parameter.Description = doc.Description;
                parameter.Example = doc.Example.DeepClone();
                parameter.Schema = doc.Type == JsonSchemaType.Integer
                    ? new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = SignalsApi.MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), Default = SignalsApi.DefaultPageSize }
                    : parameter.Name == "action"
                        ? new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("buy"), JsonValue.Create("sell"), JsonValue.Create("hold")] }
                        : new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 };
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
