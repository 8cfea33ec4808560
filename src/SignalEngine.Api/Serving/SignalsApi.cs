using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SignalEngine.Api.Hosting;
using SignalEngine.Api.Security;
using SignalEngine.Api.Storage;
using SignalEngine.Pipeline;
using SignalEngine.Api.Input;

namespace SignalEngine.Api.Serving;

public static class SignalsApi
{
    public static IEndpointRouteBuilder MapSignals(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/signals").WithTags("Signals")
            .RequireAuthorization(Policies.Signals)
            .RequireRateLimiting(Limits.Signals);

        group.MapPost("/", CreateSignals)
            .WithName("CreateSignals")
            .WithSummary("Signals for a batch of feature rows, in item order; each stored and audited before the answer")
            .Accepts<FeatureBatch>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{id}", GetSignal)
            .WithName("GetSignal")
            .WithSummary("A stored signal")
            .Produces<Signal>(StatusCodes.Status200OK, "application/json");
        group.MapGet("/{id}/explanation", GetExplanation)
            .WithName("GetSignalExplanation")
            .WithSummary("Why a stored signal is what it is, stage by stage (method=shap, the default); method=lime answers a LimeView: a local surrogate of stage 1 with its fidelity")
            .Produces<SignalExplanation>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}/explanation.svg", GetExplanationSvg)
            .WithName("GetSignalExplanationSvg")
            .WithSummary("Waterfall chart of the stage-1 TreeSHAP contributions, for a browser")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml");
        return routes;
    }

    private static async Task<Results<Ok<SignalBatch>, ValidationProblem, ProblemHttpResult>> CreateSignals(
        HttpRequest request,
        ActiveBundle active,
        SignalRecorder recorder,
        IOptions<ApiOptions> options,
        CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type",
                detail: $"send the batch as application/json, not '{request.ContentType ?? "(none)"}'");
        }
        if (await RequestBody.ReadAsync(request, limits.MaxRequestBodyBytes, cancellationToken) is not { } body)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Request body too large",
                detail: $"the body is larger than {limits.MaxRequestBodyBytes} bytes; split the batch");
        }

        // One model for the whole request, even if another is activated meanwhile.
        var model = active.Current;
        var batch = FeatureBatchReader.Read(body, model.Bundle.Schema, limits.MaxBatchItems);
        if (batch.Errors is { } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The feature batch is invalid", detail: "nothing was scored or stored");
        }

        var results = model.Pipeline.Run(batch.Items);
        var records = SignalRecorder.Prepare(results, model.Bundle.Schema, out var unserviceable);
        if (unserviceable is not null)
        {
            return TypedResults.ValidationProblem(unserviceable, title: "The feature batch cannot be scored", detail: "nothing was stored");
        }
        if (!await recorder.TryRecordAsync(records, request.HttpContext, cancellationToken))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Signals could not be recorded",
                detail: "the signal store or the audit log refused the batch; nothing was kept, retry later");
        }
        return TypedResults.Ok(new SignalBatch(results.Select(r => r.Signal).ToArray()));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetSignal(string id, ISignalStore store, CancellationToken cancellationToken) =>
        await FindAsync(id, store, cancellationToken) is { } record
            ? TypedResults.Text(record.SignalJson, "application/json")
            : NotFound(id);

    private static async Task<Results<ContentHttpResult, Ok<LimeView>, ProblemHttpResult>> GetExplanation(
        string id, string? method, ISignalStore store, ActiveBundle active, CancellationToken cancellationToken)
    {
        method ??= ExplanationViews.Shap;
        if (method is not (ExplanationViews.Shap or ExplanationViews.Lime))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Unknown explanation method",
                detail: $"method '{method}' is not one of {ExplanationViews.Shap}, {ExplanationViews.Lime}");
        }
        if (await FindAsync(id, store, cancellationToken) is not { } record) return NotFound(id);
        if (method == ExplanationViews.Shap) return TypedResults.Text(record.ExplanationJson, "application/json");
        return ExplanationViews.LimeOf(record, active);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetExplanationSvg(string id, ISignalStore store, CancellationToken cancellationToken) =>
        await FindAsync(id, store, cancellationToken) is { } record
            ? ExplanationViews.WaterfallOf(record)
            : NotFound(id);

    private static async Task<SignalRecord?> FindAsync(string id, ISignalStore store, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var guid) ? await store.GetAsync(guid, cancellationToken) : null;

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Signal not found",
        detail: $"no signal has the id '{id}'");
}
