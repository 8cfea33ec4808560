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
}
