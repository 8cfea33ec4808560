using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SignalEngine.Api.OpenApi;

/// <summary>
/// Every error status of every operation answers ProblemDetails as application/problem+json (the validation form, with
/// errors by field, where the endpoint declares a ValidationProblem), whatever declared the status: an endpoint's own <c>.ProducesProblem(...)</c>, the results its handler
/// returns, or <see cref="SecuredOperations"/>. A response with no description gets the status's reason phrase.
/// </summary>
public sealed class ProblemResponses : IOperationFilter
{
    public const string MediaType = "application/problem+json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.Responses is null) return;
        foreach (var (code, response) in operation.Responses.ToArray())
        {
            if (!int.TryParse(code, out var status) || status < 400 || response is not OpenApiResponse concrete) continue;
            Describe(concrete, context, status, concrete.Description);
        }
        // In status order, whichever filter or metadata added them.
        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToArray();
        operation.Responses.Clear();
        foreach (var (code, response) in ordered) operation.Responses[code] = response;
    }

    /// <summary>Adds (or completes) the ProblemDetails response <paramref name="status"/> of an operation.</summary>
    public static OpenApiResponse Add(OpenApiOperation operation, OperationFilterContext context, int status, string description)
    {
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.TryGetValue(key, out var existing) && existing is OpenApiResponse known)
        {
            Describe(known, context, status, known.Description is { Length: > 0 } d && d != ReasonPhrase(status) ? d : description);
            return known;
        }
        var response = new OpenApiResponse();
        Describe(response, context, status, description);
        operation.Responses[key] = response;
        return response;
    }

    private static void Describe(OpenApiResponse response, OperationFilterContext context, int status, string? description)
    {
        var declared = response.Content?.Values.Select(m => m.Schema).FirstOrDefault(s => s is not null);
        response.Description = string.IsNullOrEmpty(description) ? ReasonPhrase(status) : description;
        response.Content = new Dictionary<string, OpenApiMediaType>
        {
            [MediaType] = new() { Schema = declared ?? context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository) },
        };
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
