using SignalEngine.Api.Audit;
using SignalEngine.Api.Serving;
using SignalEngine.Online;

namespace SignalEngine.Api.Learning;

public static class OutcomesApi
{
    public static IEndpointRouteBuilder MapOutcomes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/outcomes").WithTags("Online learning")
            .RequireAccess(Access.Outcomes);

        group.MapPost("/", RecordOutcomes)
            .WithName("RecordOutcomes")
            .WithSummary("Realised outcomes of earlier signals, or labelled bars; each is learned once, and only while online learning is on")
            .Accepts<OutcomeBatch>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // Reading how signals did is for whoever may read signals, not only for the key that reports outcomes.
        var readers = routes.MapGroup("/outcomes").WithTags("Online learning")
            .RequireAccess(Access.Signals);
        readers.MapGet("/summary", GetSummary)
            .WithName("GetOutcomeSummary")
            .WithSummary("How the service's own signals did, from the reported outcomes: hit rate, a reliability diagram of confidence against hit rate, and the hit rate per day")
            .WithDescription("Scores the most recent `window` outcomes of the service's signals (labelled bars sent without a signal are not scored). A hit is a signal whose realised label is its action.")
            .Produces<OutcomeSummary>(StatusCodes.Status200OK, "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    public const int DefaultSummaryWindow = 5000;
    public const int MaxSummaryWindow = 50000;

    private static async Task<Results<Ok<OutcomeSummary>, ValidationProblem>> GetSummary(
        string? model, string? window, Storage.OutcomeStore outcomes, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (model is { Length: 0 or > 200 }) errors["model"] = ["between 1 and 200 characters"];
        var size = DefaultSummaryWindow;
        if (window is not null && (!int.TryParse(window, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxSummaryWindow))
        {
            errors["window"] = [$"a whole number from 1 to {MaxSummaryWindow}"];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The summary request is invalid");
        var scored = await outcomes.ScoredSignalsAsync(size, model, cancellationToken);
        return TypedResults.Ok(OutcomeStatistics.Summarise(scored, model, size));
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
