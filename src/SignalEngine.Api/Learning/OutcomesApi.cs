using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SignalEngine.Api.Audit;
using SignalEngine.Api.Hosting;
using SignalEngine.Api.Input;
using SignalEngine.Api.Security;
using SignalEngine.Api.Serving;
using SignalEngine.Online;

namespace SignalEngine.Api.Learning;

public static class OutcomesApi
{
    public static IEndpointRouteBuilder MapOutcomes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/outcomes").WithTags("Online learning")
            .RequireAuthorization(Policies.Outcomes)
            .RequireRateLimiting(Limits.Outcomes);

        group.MapPost("/", RecordOutcomes)
            .WithName("RecordOutcomes")
            .WithSummary("Realised outcomes of earlier signals, or labelled bars; each is learned once, and only while online learning is on")
            .Accepts<OutcomeBatch>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    private static async Task<Results<Ok<OutcomeReceipt>, ValidationProblem, ProblemHttpResult>> RecordOutcomes(
        HttpRequest request,
        ActiveBundle active,
        OutcomeRecorder recorder,
        IOptions<ApiOptions> api,
        IOptions<OnlineOptions> online,
        CancellationToken cancellationToken)
    {
        var limits = api.Value;
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: $"send the outcomes as application/json, not '{request.ContentType ?? "(none)"}'");
        }
        if (await RequestBody.ReadAsync(request, limits.MaxRequestBodyBytes, cancellationToken) is not { } body)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
                detail: $"the body is larger than {limits.MaxRequestBodyBytes} bytes; split the outcomes");
        }

        var bundle = active.Current.Bundle;
        var batch = OutcomeBatchReader.Read(body, bundle.Schema, limits.MaxBatchItems);
        if (batch.Errors is { } errors) return Invalid(errors);

        OutcomeRecording recording;
        try
        {
            recording = await recorder.RecordAsync(batch, bundle, online.Value.Enabled, AuditContext.Of(request.HttpContext), cancellationToken);
        }
        catch (Exception e) when (e is AuditWriteException or System.Data.Common.DbException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Outcomes could not be recorded",
                detail: "the outcome store or the audit log refused them; nothing was kept, retry later");
        }
        return recording.Errors is { } unknown ? Invalid(unknown) : TypedResults.Ok(recording.Receipt!);
    }

    private static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The outcomes are invalid", detail: "nothing was recorded");
}
