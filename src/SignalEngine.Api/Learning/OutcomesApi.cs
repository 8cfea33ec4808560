using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SignalEngine.Api.Hosting;
using SignalEngine.Api.Security;
using SignalEngine.Api.Serving;
using SignalEngine.Api.Input;
using SignalEngine.Api.Storage;
using SignalEngine.Labels;
using SignalEngine.Online;

namespace SignalEngine.Api.Learning;

/// <summary>
/// The body of POST /outcomes: for earlier signals, the realised label or forward return; and/or new labelled bars
/// of an instrument (the POST /signals item shape plus its realised label), learned as if they had been signals.
/// </summary>
public sealed record OutcomeBatch(IReadOnlyList<OutcomeItem>? Outcomes, IReadOnlyList<LabelledBar>? Bars);

/// <summary>A bar with its features (and history) as in POST /signals, and the label it turned out to have.</summary>
public sealed record LabelledBar(
    string Instrument, DateTimeOffset Timestamp, IReadOnlyDictionary<string, double> Features,
    IReadOnlyList<IReadOnlyDictionary<string, double>>? History, SignalEngine.Pipeline.MarketContext? Context, string Label);

/// <param name="Label">buy, sell or hold: the triple-barrier label that was realised.</param>
/// <param name="ForwardReturn">Or the log return over the label horizon, turned into a label (see the endpoint).</param>
public sealed record OutcomeItem(Guid SignalId, string? Label, double? ForwardReturn);

/// <summary>What POST /outcomes did: outcomes newly recorded, and repeats that were not (an outcome is learned once).</summary>
public sealed record OutcomeReceipt(IReadOnlyList<Guid> Recorded, IReadOnlyList<Guid> Duplicates, bool Learning);

public static class OutcomesApi
{
    public static IEndpointRouteBuilder MapOutcomes(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/outcomes").WithTags("Online learning")
            .RequireAuthorization(Policies.Outcomes)
            .RequireRateLimiting(Limits.Outcomes)
            .MapPost("/", RecordOutcomes)
            .WithName("RecordOutcomes")
            .WithSummary("Realised outcomes of earlier signals; each is learned once, and only while online learning is on")
            .Accepts<OutcomeBatch>("application/json");
        return routes;
    }

    /// <remarks>
    /// A forward return r becomes BUY when r ≥ k·σ·√H, SELL when r ≤ −k·σ·√H, else HOLD, with the bundle's barrier
    /// width k and horizon H and σ the signal's own realised-volatility feature: the barrier test on the return at the
    /// horizon, since the path in between is not sent. A label sent directly is used as it is.
    /// </remarks>
    private static async Task<Results<Ok<OutcomeReceipt>, ValidationProblem, ProblemHttpResult>> RecordOutcomes(
        HttpRequest request, ISignalStore signals, OutcomeStore outcomes, ActiveBundle active, OnlineLearner learner,
        IOptions<OnlineOptions> options, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: $"send the outcomes as application/json, not '{request.ContentType ?? "(none)"}'");
        }
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            return Invalid(new() { ["body"] = [$"not valid JSON: {e.Message}"] });
        }

        using (document)
        {
            var errors = new Dictionary<string, string[]>();
            var root = document.RootElement;
            var items = default(JsonElement);
            var hasOutcomes = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("outcomes", out items);
            var hasBars = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("bars", out _);
            if (!hasOutcomes && !hasBars)
            {
                return Invalid(new() { ["outcomes"] = ["send a non-empty array of outcomes (earlier signal ids) or of labelled bars"] });
            }

            var accepted = new List<(Guid, SignalAction, double?, string?)>();
            var seen = new HashSet<Guid>();
            var duplicates = new List<Guid>();
            var bundle = active.Current.Bundle;
            if (hasOutcomes)
            {
                if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
                {
                    return Invalid(new() { ["outcomes"] = ["a non-empty array of outcomes is required"] });
                }
                var index = 0;
                foreach (var item in items.EnumerateArray())
                {
                    var at = $"outcomes[{index++}]";
                    if (item.ValueKind != JsonValueKind.Object) { errors[at] = ["must be an object"]; continue; }
                    if (!item.TryGetProperty("signalId", out var idElement) || idElement.ValueKind != JsonValueKind.String || !Guid.TryParse(idElement.GetString(), out var id))
                    {
                        errors[$"{at}.signalId"] = ["a signal id (GUID) is required"];
                        continue;
                    }
                    if (await signals.GetAsync(id, cancellationToken) is not { } signal)
                    {
                        errors[$"{at}.signalId"] = [$"no signal has the id {id}"];
                        continue;
                    }
                    var label = LabelOf(item, at, signal, bundle, errors, out var forwardReturn);
                    if (label is null) continue;
                    if (!seen.Add(id) || await outcomes.HasAsync(id, cancellationToken))
                    {
                        duplicates.Add(id);
                        continue;
                    }
                    accepted.Add((id, label.Value, forwardReturn, null));
                }
            }
            if (hasBars)
            {
                foreach (var (id, label, input) in LabelledBars(root.GetProperty("bars"), bundle, errors))
                {
                    if (!seen.Add(id) || await outcomes.HasAsync(id, cancellationToken)) duplicates.Add(id);
                    else accepted.Add((id, label, null, input));
                }
            }
            if (errors.Count > 0) return Invalid(errors);

            var recorded = await outcomes.RecordAsync(accepted, cancellationToken);
            duplicates.AddRange(accepted.Select(a => a.Item1).Except(recorded));
            if (recorded.Count > 0) learner.Wake();
            return TypedResults.Ok(new OutcomeReceipt(recorded, duplicates, options.Value.Enabled));
        }
    }

    /// <summary>
    /// Labelled bars, validated like POST /signals items (errors under bars[i]); each gets an id derived from its
    /// instrument and timestamp, so sending the same bar again is a duplicate, not a second lesson.
    /// </summary>
    private static IEnumerable<(Guid Id, SignalAction Label, string InputJson)> LabelledBars(
        JsonElement bars, Bundle.ModelBundle bundle, Dictionary<string, string[]> errors)
    {
        if (bars.ValueKind != JsonValueKind.Array || bars.GetArrayLength() == 0)
        {
            errors["bars"] = ["must be a non-empty array of labelled bars"];
            return [];
        }
        var labels = new List<SignalAction?>();
        var items = new System.Text.Json.Nodes.JsonArray();
        var index = 0;
        foreach (var bar in bars.EnumerateArray())
        {
            var at = $"bars[{index++}]";
            var node = System.Text.Json.Nodes.JsonNode.Parse(bar.GetRawText());
            if (node is not System.Text.Json.Nodes.JsonObject obj)
            {
                errors[at] = ["must be an object"];
                labels.Add(null);
                items.Add(new System.Text.Json.Nodes.JsonObject());
                continue;
            }
            var label = obj["label"]?.GetValueKind() == JsonValueKind.String ? obj["label"]!.GetValue<string>() : null;
            labels.Add(label is "buy" or "sell" or "hold" ? Enum.Parse<SignalAction>(label, ignoreCase: true) : null);
            if (labels[^1] is null) errors[$"{at}.label"] = ["must be buy, sell or hold"];
            obj.Remove("label");
            items.Add(obj);
        }
        var body = System.Text.Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["items"] = items }.ToJsonString());
        var parsed = FeatureBatchReader.Read(body, bundle.Schema, int.MaxValue);
        if (parsed.Errors is { } itemErrors)
        {
            foreach (var (key, value) in itemErrors) errors[key.Replace("items[", "bars[", StringComparison.Ordinal)] = value;
            return [];
        }
        return parsed.Items.Select((input, i) => labels[i] is { } l
            ? (BarId(input.Instrument, input.Timestamp), l, JsonSerializer.Serialize(FeatureBatchItem.From(input, bundle.Schema), ApiDefaults.Json))
            : default).Where(b => b.Item3 is not null).ToArray();
    }

    private static Guid BarId(string instrument, DateTimeOffset timestamp)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{instrument}\n{timestamp.UtcTicks}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    private static SignalAction? LabelOf(JsonElement item, string at, SignalRecord signal, Bundle.ModelBundle bundle, Dictionary<string, string[]> errors, out double? forwardReturn)
    {
        forwardReturn = null;
        var hasLabel = item.TryGetProperty("label", out var labelElement) && labelElement.ValueKind != JsonValueKind.Null;
        var hasReturn = item.TryGetProperty("forwardReturn", out var returnElement) && returnElement.ValueKind != JsonValueKind.Null;
        if (hasLabel == hasReturn)
        {
            errors[at] = ["send exactly one of label (buy, sell, hold) and forwardReturn"];
            return null;
        }
        if (hasLabel)
        {
            if (labelElement.ValueKind == JsonValueKind.String && labelElement.GetString() is "buy" or "sell" or "hold")
            {
                return Enum.Parse<SignalAction>(labelElement.GetString()!, ignoreCase: true);
            }
            errors[$"{at}.label"] = ["must be buy, sell or hold"];
            return null;
        }
        if (returnElement.ValueKind != JsonValueKind.Number || !double.IsFinite(returnElement.GetDouble()))
        {
            errors[$"{at}.forwardReturn"] = ["must be a finite number"];
            return null;
        }
        forwardReturn = returnElement.GetDouble();
        var input = JsonSerializer.Deserialize<FeatureBatchItem>(signal.InputJson, ApiDefaults.Json)!;
        var labels = bundle.Manifest.Labels;
        var volatility = input.Features.FirstOrDefault(f => f.Key.StartsWith("rvol_", StringComparison.Ordinal));
        if (volatility.Key is null || !(volatility.Value > 0))
        {
            errors[$"{at}.forwardReturn"] = ["the signal has no realised-volatility feature to set the barriers: send its label instead"];
            return null;
        }
        var barrier = labels.BarrierWidth * volatility.Value * Math.Sqrt(labels.Horizon);
        return forwardReturn >= barrier ? SignalAction.Buy : forwardReturn <= -barrier ? SignalAction.Sell : SignalAction.Hold;
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The outcomes are invalid", detail: "nothing was recorded");
}
