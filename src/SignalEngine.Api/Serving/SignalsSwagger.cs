using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using SignalEngine.Api.OpenApi;

namespace SignalEngine.Api.Serving;

public static class SignalsSwagger
{
    /// <summary>
    /// The OpenAPI document and Swagger UI (at /swagger), with a POST /signals example the served model accepts. The
    /// conventions in the OpenApi folder complete every operation from its endpoint metadata
    /// (security, error answers as ProblemDetails, parameter examples); the document is committed as
    /// docs/openapi/signalengine.json and regenerated with <c>bash scripts/openapi.sh</c>.
    /// </summary>
    public static IServiceCollection AddSignalsSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        // OpenAPI 3.1: JSON Schema 2020-12, so a property that may be null says so even when it names another schema.
        services.Configure<Swashbuckle.AspNetCore.Swagger.SwaggerOptions>(options => options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1);
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "SignalEngine",
                Version = "v1",
                Description = "Buy / sell / hold signals with calibrated confidence and a stored explanation for each. " +
                    "Errors are ProblemDetails (RFC 9457); a 400 names the field and item index of each problem.",
            });
            options.SupportNonNullableReferenceTypes();
            options.SchemaFilter<RequiredProperties>();
            options.OperationFilter<FeatureBatchExample>();
            options.OperationFilter<OutcomeBatchExample>();
            options.OperationFilter<IdempotencyHeaders>();
            options.OperationFilter<ExplanationViewsAnswer>();
            options.OperationFilter<ParameterExamples>();
            options.OperationFilter<QueryParameterDocs>();
            options.OperationFilter<SecuredOperations>();
            options.OperationFilter<ProblemResponses>();
            options.DocumentFilter<DocumentInfo>();
            // The Authorize button: the key goes in as a bearer token or in the X-Api-Key header; operations name both.
            options.AddSecurityDefinition(SecuredOperations.BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (Auth:Keys, or the generated admin key whose file the service logs at start) as 'Authorization: Bearer KEY'.",
            });
            options.AddSecurityDefinition(SecuredOperations.HeaderScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "The same API key in the X-Api-Key header.",
            });
            // Swagger UI's Authorize button sends the bearer key with every request; operations name both ways.
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(SecuredOperations.BearerScheme, document)] = [],
            });
        });
        return services;
    }

    /// <summary>
    /// Swagger UI at /swagger. Behind the gateway the document names the sub-path it was fetched under as its server,
    /// so "Try it out" calls /signalengine/signals, not /signals on the gateway's root; fetched directly it names none
    /// (the service it came from). The committed document, read from a file, names "/" (DocumentInfo).
    /// </summary>
    public static WebApplication UseSignalsSwagger(this WebApplication app)
    {
        app.UseSwagger(options => options.PreSerializeFilters.Add((document, request) =>
        {
            document.Servers = request.PathBase.HasValue ? [new OpenApiServer { Url = request.PathBase.Value }] : null;
        }));
        app.UseSwaggerUI();
        return app;
    }

    /// <summary>
    /// Two example bodies built from the served bundle's schema, one per form: one item with every feature and the
    /// history rows stage 2 needs, and one series of as many rows whose last two are signalled (zeros: valid, if not a
    /// market anyone has seen), so "Try it out" succeeds with either as it stands. Also what each status of the endpoint's
    /// own means (SecuredOperations describes 401, 403, 429 and 504; IdempotencyHeaders the Idempotency-Key header).
    /// </summary>
    private sealed class FeatureBatchExample(ActiveBundle active) : IOperationFilter
    {
        private static readonly Dictionary<string, string> Statuses = new()
        {
            ["200"] = "One signal per item (or signalled row), in order, each stored and audited. A retry with the same Idempotency-Key and body gets the first answer again, with the header Idempotent-Replayed: true",
            ["400"] = "The body or the Idempotency-Key is invalid: errors keyed by field, e.g. items[3].features.rsi_14 or series[0].rows[40].timestamp; nothing was scored or stored",
            ["409"] = "A request with this Idempotency-Key is still being answered; retry with the same key later",
            ["413"] = "The body is larger than Api:MaxRequestBodyBytes; split the batch (or send series, which send history once)",
            ["415"] = "The body is not application/json",
            ["422"] = "This Idempotency-Key was used before with a different body",
            ["503"] = "The signal store or the audit log refused the batch; nothing was kept, retry later",
        };

        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.HttpMethod != "POST" || context.ApiDescription.RelativePath?.TrimEnd('/') != "signals") return;
            foreach (var (status, description) in Statuses)
            {
                if (operation.Responses?.TryGetValue(status, out var response) == true && response is OpenApiResponse documented) documented.Description = description;
            }
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
                ["model"] = new("Only signals made by this model version (GET /models lists them).", "20261203-065617-73f796ba"),
                ["before"] = new("The `next` cursor of the previous page: only signals stored before the last one it listed.",
                    "MjAyNi0xMi0wMVQyMzo0NToyOC4xMjM0NTY3KzAwOjAwfDAxOWFkYjE5LTNiMmUtNzAwMC04MDAwLTAwMDAwMDAwMDAwMQ"),
                ["limit"] = new("Signals per page.", SignalsApi.DefaultPageSize, 1, SignalsApi.MaxPageSize, SignalsApi.DefaultPageSize),
            },
            ["GetOutcomeSummary"] = new()
            {
                ["model"] = new("Only signals made by this model version; all versions when absent.", "20261203-065617-73f796ba"),
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

    /// <summary>POST /signals reads the Idempotency-Key header itself; a replayed answer says so in Idempotent-Replayed.</summary>
    private sealed class IdempotencyHeaders : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName != "CreateSignals") return;
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = SignalsApi.IdempotencyKeyHeader,
                In = ParameterLocation.Header,
                Required = false,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200, Pattern = "^[!-~]+$" },
            });
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse answered)
            {
                answered.Headers ??= new Dictionary<string, IOpenApiHeader>();
                answered.Headers["Idempotent-Replayed"] = new OpenApiHeader
                {
                    Description = "true when this is the first answer to an earlier request with the same Idempotency-Key and body",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] },
                };
            }
        }
    }

    /// <summary>GET /signals/{id}/explanation answers the stored explanation (method=shap) or a LimeView (method=lime).</summary>
    private sealed class ExplanationViewsAnswer : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName != "GetSignalExplanation") return;
            if (operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse answered) return;
            answered.Description = "The stored explanation (method=shap), or a LIME surrogate of stage 1 (method=lime). " +
                "The two share signalId and modelVersion and carry no discriminator: read the view asked for with its own schema.";
            if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == "method") is { Schema: OpenApiSchema method })
            {
                method.Enum = [JsonValue.Create(ExplanationViews.Shap), JsonValue.Create(ExplanationViews.Lime)];
            }
            answered.Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        AnyOf =
                        [
                            context.SchemaGenerator.GenerateSchema(typeof(SignalEngine.Pipeline.SignalExplanation), context.SchemaRepository),
                            context.SchemaGenerator.GenerateSchema(typeof(LimeView), context.SchemaRepository),
                        ],
                    },
                },
            };
        }
    }

    /// <summary>An outcome for the README's example signal (a tester replaces the id with a signal it has made).</summary>
    private sealed class OutcomeBatchExample : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName != "RecordOutcomes") return;
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) != true || media is null) return;
            media.Example = new JsonObject
            {
                ["outcomes"] = new JsonArray(new JsonObject { ["signalId"] = ParameterExamples.SignalIdExample, ["label"] = "buy" }),
            };
        }
    }
}
