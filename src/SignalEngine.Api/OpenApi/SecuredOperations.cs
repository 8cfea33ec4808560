using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SignalEngine.Api.OpenApi;

/// <summary>
/// What the security policies add to every operation, read from the endpoint's own metadata so that a new endpoint is
/// described as soon as it declares its policy: the API-key requirement and 401 (no or wrong key) and 403 (a key without
/// the role; x-required-roles names them, admin having every role) for every endpoint that is not anonymous (the fallback policy secures those that declare nothing), 429 for
/// those with a rate limit, and 504 for all (the request time limit applies to every endpoint).
/// </summary>
public sealed class SecuredOperations : IOperationFilter
{
    public const string BearerScheme = "bearer";
    public const string HeaderScheme = "apiKey";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];
        if (!metadata.OfType<IAllowAnonymous>().Any())
        {
            var roles = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToArray();
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderScheme, context.Document)] = [] },
            ];
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-required-roles"] = new JsonNodeExtension(new System.Text.Json.Nodes.JsonArray(roles.Select(r => (System.Text.Json.Nodes.JsonNode?)r).ToArray()));
            var needs = roles.Length == 0 ? "any valid API key" : $"an API key with the role {string.Join(" or ", roles)} (admin has every role)";
            operation.Description = Join(operation.Description, $"Needs {needs}.");
            ProblemResponses.Add(operation, context, StatusCodes.Status401Unauthorized, "No API key, or one the service does not know");
            ProblemResponses.Add(operation, context, StatusCodes.Status403Forbidden, "The API key lacks the role this endpoint needs");
        }
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            var tooMany = ProblemResponses.Add(operation, context, StatusCodes.Status429TooManyRequests, "The API key has used its request budget; retry after Retry-After seconds");
            tooMany.Headers ??= new Dictionary<string, IOpenApiHeader>();
            tooMany.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds until the key's budget allows another request",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            };
        }
        ProblemResponses.Add(operation, context, StatusCodes.Status504GatewayTimeout, "Not answered within Api:RequestTimeoutSeconds");
    }

    private static string Join(string? first, string second) => string.IsNullOrEmpty(first) ? second : first + "\n\n" + second;
}
