using SignalEngine.Pipeline;
using SignalEngine.Labels;

namespace SignalEngine.Api.Serving;

public static class SignalsApi
{
    public static IEndpointRouteBuilder MapSignals(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/signals").WithTags("Signals")
            .RequireAccess(Access.Signals);

        group.MapPost("/", CreateSignals)
            .WithName("CreateSignals")
            .WithSummary("Signals for a batch of feature rows, in item order; each stored and audited before the answer")
            .WithDescription("Two forms of body: items, each with its own history; or series, per instrument rows oldest first sent once, " +
                "with how many of the last rows to signal (last). Every problem is named by item or by series and row, and field.")
            .Accepts<FeatureBatch>("application/json")
            .Produces<SignalBatch>(StatusCodes.Status200OK, "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", ListSignals)
            .WithName("ListSignals")
            .WithSummary("Stored signals, newest first, a page at a time; filter by instrument, action and model version, and page on with the cursor in `next`")
            .WithDescription("Pages are keyset pages: `before` is the `next` of the previous page, so a page costs the same however deep it is and signals stored meanwhile never shift it. `next` is null on the last page.")
            .Produces<SignalPage>(StatusCodes.Status200OK, "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/{id}", GetSignal)
            .WithName("GetSignal")
            .WithSummary("A stored signal")
            .Produces<Signal>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/explanation", GetExplanation)
            .WithName("GetSignalExplanation")
            .WithSummary("Why a stored signal is what it is, stage by stage (method=shap, the default); method=lime answers a LimeView: a local surrogate of stage 1 with its fidelity")
            .Produces<SignalExplanation>(StatusCodes.Status200OK, "application/json") // or a LimeView: SignalsSwagger documents both
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}/explanation.svg", GetExplanationSvg)
            .WithName("GetSignalExplanationSvg")
            .WithSummary("Waterfall chart of the stage-1 TreeSHAP contributions, for a browser")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    public const string IdempotencyKeyHeader = "Idempotency-Key";

    // Ok<SignalBatch> is the 200's shape, documented from this signature; the answer itself is the stored signals' JSON
    // (a ContentHttpResult, see ScoreAndRecordAsync).
    private static async Task<Results<Ok<SignalBatch>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateSignals(
        HttpRequest request,
        ActiveBundle active,
        SignalRecorder recorder,
        IdempotencyStore idempotency,
        IOptions<ApiOptions> options,
        Metrics.SignalMetrics metrics,
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

        Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> Run() => ScoreAndRecordAsync(body, request, active, recorder, limits, metrics, cancellationToken);
        if (request.Headers[IdempotencyKeyHeader] is not { Count: > 0 } key) return Widen(await Run());
        return await Idempotent(key.ToString(), body, request.HttpContext, idempotency, TimeSpan.FromSeconds(limits.IdempotencyWindowSeconds), Run, cancellationToken);
    }

    /// <summary>
    /// A POST /signals with an Idempotency-Key: the first request with the key (per API key) runs and its answer is kept;
    /// a retry with the same body gets that answer again (same ids), one still running is waited for, and one with
    /// another body is refused. A refused or failed first request releases the key, so its retry runs afresh.
    /// </summary>
    private static async Task<Results<Ok<SignalBatch>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> Idempotent(
        string key, ReadOnlyMemory<byte> body, HttpContext http, IdempotencyStore idempotency, TimeSpan window,
        Func<Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>>> run, CancellationToken cancellationToken)
    {
        if (key.Length > 200 || key.Any(c => c is < '!' or > '~'))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [IdempotencyKeyHeader] = ["at most 200 printable ASCII characters, no spaces"] });
        }
        var caller = http.User.Identity?.Name ?? "";
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body.Span));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var claim = await idempotency.ClaimAsync(caller, key, hash, window, cancellationToken);
            switch (claim.State)
            {
                case IdempotencyState.Answered:
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                    return TypedResults.Text(claim.Answer!, "application/json");
                case IdempotencyState.Mismatch:
                    return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                        detail: "this Idempotency-Key was sent before with a different body; use a new key for a new batch");
                case IdempotencyState.InFlight when DateTimeOffset.UtcNow < deadline:
                    await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                    continue;
                case IdempotencyState.InFlight:
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Still being answered",
                        detail: "a request with this Idempotency-Key is still being answered; retry with the same key later");
            }
            Results<ContentHttpResult, ValidationProblem, ProblemHttpResult> result;
            try
            {
                result = await run();
            }
            catch
            {
                await idempotency.ReleaseAsync(caller, key, CancellationToken.None);
                throw;
            }
            // Past this point the signals exist: the answer is kept even if the client has gone.
            if (result.Result is ContentHttpResult { ResponseContent: { } answer }) await idempotency.AnswerAsync(caller, key, answer, CancellationToken.None);
            else await idempotency.ReleaseAsync(caller, key, CancellationToken.None);
            return Widen(result);
        }
    }

    private static Results<Ok<SignalBatch>, ContentHttpResult, ValidationProblem, ProblemHttpResult> Widen(Results<ContentHttpResult, ValidationProblem, ProblemHttpResult> result) =>
        result.Result switch
        {
            ContentHttpResult answer => answer,
            ValidationProblem invalid => invalid,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException($"unexpected result {result.Result.GetType().Name}"),
        };

    private static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> ScoreAndRecordAsync(
        ReadOnlyMemory<byte> body, HttpRequest request, ActiveBundle active, SignalRecorder recorder, ApiOptions limits, Metrics.SignalMetrics metrics,
        CancellationToken cancellationToken)
    {
        // One model for the whole request, even if another is activated meanwhile.
        var model = active.Current;
        var batch = FeatureBatchReader.Read(body, model.Bundle.Schema, limits.MaxBatchItems, historyRows: model.Bundle.Manifest.WindowLength - 1);
        if (batch.Errors is { } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The feature batch is invalid", detail: "nothing was scored or stored");
        }

        var results = Score(model.Pipeline, batch.Items, batch.Paths, out var unscorable);
        if (unscorable is not null)
        {
            return TypedResults.ValidationProblem(unscorable, title: "The feature batch cannot be scored", detail: "nothing was stored");
        }
        var recorded = SignalRecorder.Prepare(results, batch.Paths, model.Bundle.Schema, out var unserviceable);
        if (unserviceable is not null)
        {
            return TypedResults.ValidationProblem(unserviceable, title: "The feature batch cannot be scored", detail: "nothing was stored");
        }
        if (!await recorder.TryRecordAsync(recorded, request.HttpContext, cancellationToken))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Signals could not be recorded",
                detail: "the signal store or the audit log refused the batch; nothing was kept, retry later");
        }
        metrics.Answered(results.Select(r => r.Signal));
        // The SignalBatch as the signals' JSON that was just stored and audited, not serialised a second time.
        return TypedResults.Text(SignalBatchJson(recorded.Signals.Select(s => s.SignalJson), recorded.Signals.Sum(s => s.SignalJson.Length)), "application/json");
    }

    /// <summary>A <see cref="SignalBatch"/> of signals already serialised: <c>{"signals":[...]}</c>.</summary>
    private static string SignalBatchJson(IEnumerable<string> signals, int length)
    {
        var json = new System.Text.StringBuilder(length + 1024).Append("{\"signals\":[");
        json.AppendJoin(',', signals);
        return json.Append("]}").ToString();
    }

    /// <summary>
    /// The batch's results; or, when a stage refuses an input it was given (extreme but finite values can drive a
    /// model's arithmetic out of range), the items it refuses, each scored alone to find them, as that item's problem.
    /// </summary>
    private static IReadOnlyList<PipelineResult> Score(SignalPipeline pipeline, IReadOnlyList<SignalInput> items, IReadOnlyList<string> paths, out IDictionary<string, string[]>? errors)
    {
        errors = null;
        try
        {
            return pipeline.Run(items);
        }
        catch (Exception e) when (IsRefusal(e))
        {
            errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                try
                {
                    pipeline.Run([items[i]]);
                }
                catch (Exception item) when (IsRefusal(item))
                {
                    errors[paths[i]] = [$"the model cannot score this item ({item.Message.ReplaceLineEndings(" ")}); check it for extreme feature values"];
                }
            }
            if (errors.Count == 0) errors["items"] = [$"the model cannot score this batch: {e.Message.ReplaceLineEndings(" ")}"];
            return [];
        }
    }

    private static bool IsRefusal(Exception e) =>
        e is ArgumentException or ArithmeticException or InvalidOperationException or System.Runtime.InteropServices.ExternalException;

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    /// <summary>
    /// A page of stored signals as they were answered (the stored JSON, byte for byte, as GET /signals/{id} returns it).
    /// Every parameter is read as text and checked here, so a bad one is a ProblemDetails naming it.
    /// </summary>
    private static async Task<Results<ContentHttpResult, ValidationProblem>> ListSignals(
        string? instrument, string? action, string? model, string? before, string? limit, ISignalStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (instrument is { Length: 0 or > 200 }) errors["instrument"] = ["between 1 and 200 characters"];
        SignalAction? wanted = action?.ToLowerInvariant() switch
        {
            null => null,
            "buy" => SignalAction.Buy,
            "sell" => SignalAction.Sell,
            "hold" => SignalAction.Hold,
            _ => null,
        };
        if (action is not null && wanted is null) errors["action"] = [$"'{action}' is not one of buy, sell, hold"];
        if (model is { Length: 0 or > 200 }) errors["model"] = ["between 1 and 200 characters"];
        SignalCursor? cursor = null;
        if (before is not null && (cursor = SignalCursor.TryParse(before)) is null) errors["before"] = ["not a cursor: pass the 'next' of the previous page"];
        var size = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            errors["limit"] = [$"a whole number from 1 to {MaxPageSize}"];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The signal filter is invalid");

        var listed = await store.ListAsync(new SignalQuery(instrument, wanted, model, cursor, size), cancellationToken);
        var page = listed.Take(size).ToArray();
        var next = listed.Count > size ? page[^1].Cursor.Encode() : null;
        var json = new System.Text.StringBuilder("{\"signals\":[");
        json.AppendJoin(',', page.Select(p => p.SignalJson));
        json.Append("],\"next\":").Append(next is null ? "null" : JsonSerializer.Serialize(next)).Append('}');
        return TypedResults.Text(json.ToString(), "application/json");
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

/// <summary>A page of GET /signals: stored signals, newest first, and the cursor of the next page (null on the last).</summary>
/// <param name="Next">Pass as <c>before</c> to get the next (older) page.</param>
public sealed record SignalPage(IReadOnlyList<Signal> Signals, string? Next);
