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
    /// Two example bodies built from the served bundle's schema, one per form: one item with every feature and the
    /// history rows stage 2 needs, and one series of as many rows whose last two are signalled (zeros: valid, if not a
    /// market anyone has seen), so "Try it out" succeeds with either as it stands. Also what each status means, and the
    /// Idempotency-Key header.
    /// </summary>
    private sealed class FeatureBatchExample(ActiveBundle active) : IOperationFilter
    {
        private static readonly Dictionary<string, string> Statuses = new()
        {
            ["200"] = "One signal per item (or signalled row), in order, each stored and audited. A retry with the same Idempotency-Key and body gets the first answer again, with the header Idempotent-Replayed: true",
            ["400"] = "The body or the Idempotency-Key is invalid: errors keyed by field, e.g. items[3].features.rsi_14 or series[0].rows[40].timestamp; nothing was scored or stored",
            ["401"] = "No API key, or an unknown one",
            ["403"] = "The key's role may not create signals",
            ["409"] = "A request with this Idempotency-Key is still being answered; retry with the same key later",
            ["413"] = "The body is larger than Api:MaxRequestBodyBytes; split the batch (or send series, which send history once)",
            ["415"] = "The body is not application/json",
            ["422"] = "This Idempotency-Key was used before with a different body",
            ["429"] = "The key has used its request budget; retry after the Retry-After header's seconds",
            ["503"] = "The signal store or the audit log refused the batch; nothing was kept, retry later",
        };

        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.HttpMethod != "POST" || context.ApiDescription.RelativePath?.TrimEnd('/') != "signals") return;
            foreach (var (status, description) in Statuses)
            {
                if (operation.Responses?.TryGetValue(status, out var response) == true && response is OpenApiResponse documented) documented.Description = description;
            }
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = SignalsApi.IdempotencyKeyHeader,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes a retry safe: the first request with the key (per API key) runs; a retry with the same body gets its answer, same ids (at most 200 printable ASCII characters)",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) != true || media is null) return;

            var bundle = active.Current.Bundle;
            JsonObject Row() => new(bundle.Schema.Names.Select(n => KeyValuePair.Create(n, (JsonNode?)JsonValue.Create(0.0))));
            JsonObject Context() => new() { ["regime"] = "normal", ["liquidity"] = 0.0 };
            var start = new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero);
            var history = new JsonArray();
            for (var k = 0; k < bundle.Manifest.WindowLength - 1; k++) history.Add(Row());
            var rows = new JsonArray();
            const int signalled = 2;
            var count = bundle.Manifest.WindowLength - 1 + signalled;
            for (var k = 0; k < count; k++)
            {
                var row = new JsonObject { ["timestamp"] = start.AddDays(k - count + 1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), ["features"] = Row() };
                if (k >= count - signalled) row["context"] = Context();
                rows.Add(row);
            }
            media.Examples = new Dictionary<string, IOpenApiExample>
            {
                ["items"] = new OpenApiExample
                {
                    Summary = "Item form: each item with its own history",
                    Value = new JsonObject
                    {
                        ["items"] = new JsonArray(new JsonObject
                        {
                            ["instrument"] = "EXAMPLE",
                            ["timestamp"] = "2024-01-02T00:00:00Z",
                            ["features"] = Row(),
                            ["history"] = history,
                            ["context"] = Context(),
                        }),
                    },
                },
                ["series"] = new OpenApiExample
                {
                    Summary = $"Series form: one instrument's rows sent once, oldest first; the last {signalled} are signalled",
                    Value = new JsonObject
                    {
                        ["series"] = new JsonArray(new JsonObject
                        {
                            ["instrument"] = "EXAMPLE",
                            ["last"] = signalled,
                            ["rows"] = rows,
                        }),
                    },
                },
            };
        }
    }
}
