using SignalEngine.Features;
using SignalEngine.Labels;

namespace SignalEngine.Api.Input;

/// <summary>
/// Parses and validates a POST /outcomes body by hand, as <see cref="FeatureBatchReader"/> does a feature batch: every
/// problem names its field, labelled bars are validated exactly like signal items (under bars[i]), and nothing here
/// touches a store; whether the signals exist is the recorder's question.
/// </summary>
public static class OutcomeBatchReader
{
    public const string Labels = "must be buy, sell or hold";

    public static OutcomeBatchParse Read(ReadOnlyMemory<byte> body, FeatureSchema schema, int maxItems)
    {
        var errors = new InputErrors();
        using var document = JsonBody.ParseObject(body, errors, "must be a JSON object with an \"outcomes\" and/or a \"bars\" array");
        if (document is null) return Failed(errors);
        JsonElement? outcomes = null, bars = null;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("outcomes")) outcomes = property.Value;
            else if (property.NameEquals("bars")) bars = property.Value;
            else errors.Add(property.Name, FeatureBatchReader.UnknownField);
        }
        if (outcomes is null && bars is null)
        {
            errors.Add("outcomes", "send a non-empty array of outcomes (earlier signal ids) or of labelled bars");
        }
        if (outcomes is { } o && (o.ValueKind != JsonValueKind.Array || o.GetArrayLength() == 0)) errors.Add("outcomes", "a non-empty array of outcomes is required");
        if (bars is { } b && (b.ValueKind != JsonValueKind.Array || b.GetArrayLength() == 0)) errors.Add("bars", "must be a non-empty array of labelled bars");
        var count = (outcomes is { ValueKind: JsonValueKind.Array } oa ? oa.GetArrayLength() : 0) + (bars is { ValueKind: JsonValueKind.Array } ba ? ba.GetArrayLength() : 0);
        if (count > maxItems) errors.Add("body", $"too many outcomes and bars: {count}, at most {maxItems} per request");
        if (errors.Any) return Failed(errors);

        var claims = outcomes is { } items ? ReadOutcomes(items, errors) : [];
        var labelled = bars is { } rows ? ReadBars(rows, schema, errors, new ParsedRows(body)) : [];
        return errors.Any ? Failed(errors) : new OutcomeBatchParse(claims, labelled, null);
    }

    private static List<OutcomeClaim> ReadOutcomes(JsonElement items, InputErrors errors)
    {
        var claims = new List<OutcomeClaim>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var at = $"outcomes[{index++}]";
            if (ReadOutcome(item, at, errors) is { } claim) claims.Add(claim);
            if (errors.Full) break;
        }
        return claims;
    }

    private static OutcomeClaim? ReadOutcome(JsonElement item, string at, InputErrors errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(at, "must be an object");
            return null;
        }
        var before = errors.Count;
        Guid? id = null;
        JsonElement? label = null, forwardReturn = null;
        foreach (var property in item.EnumerateObject())
        {
            switch (property.Name)
            {
                case "signalId":
                    id = property.Value.ValueKind == JsonValueKind.String && Guid.TryParse(property.Value.GetString(), out var parsed) ? parsed : null;
                    break;
                case "label" when property.Value.ValueKind != JsonValueKind.Null:
                    label = property.Value;
                    break;
                case "forwardReturn" when property.Value.ValueKind != JsonValueKind.Null:
                    forwardReturn = property.Value;
                    break;
                case "label" or "forwardReturn":
                    break;
                default:
                    errors.Add($"{at}.{property.Name}", FeatureBatchReader.UnknownField);
                    break;
            }
        }
        if (id is null) errors.Add($"{at}.signalId", "a signal id (GUID) is required");
        if (label.HasValue == forwardReturn.HasValue)
        {
            errors.Add(at, "send exactly one of label (buy, sell, hold) and forwardReturn");
            return null;
        }
        SignalAction? action = null;
        double? realised = null;
        if (label is { } l)
        {
            action = LabelOf(l);
            if (action is null) errors.Add($"{at}.label", Labels);
        }
        if (forwardReturn is { } r)
        {
            realised = r.ValueKind == JsonValueKind.Number && r.TryGetDouble(out var value) && double.IsFinite(value) ? value : null;
            if (realised is null) errors.Add($"{at}.forwardReturn", "must be a finite number");
        }
        return errors.Count > before || id is null ? null : new OutcomeClaim(at, id.Value, action, realised);
    }

    private static List<LabelledInput> ReadBars(JsonElement bars, FeatureSchema schema, InputErrors errors, ParsedRows parsed)
    {
        var columns = FeatureBatchReader.ColumnsOf(schema);
        var labelled = new List<LabelledInput>();
        var index = 0;
        foreach (var bar in bars.EnumerateArray())
        {
            var at = $"bars[{index++}]";
            if (bar.ValueKind != JsonValueKind.Object)
            {
                errors.Add(at, "must be an object");
                continue;
            }
            var label = bar.TryGetProperty("label", out var element) ? LabelOf(element) : null;
            if (label is null) errors.Add($"{at}.label", Labels);
            var input = FeatureBatchReader.ReadItem(bar, at, columns, schema, errors, extraField: "label", rows: parsed);
            if (input is not null && label is not null) labelled.Add(new LabelledInput(input, label.Value));
            if (errors.Full) break;
        }
        return labelled;
    }

    private static SignalAction? LabelOf(JsonElement element) => element.ValueKind == JsonValueKind.String
        ? element.GetString() switch
        {
            "buy" => SignalAction.Buy,
            "sell" => SignalAction.Sell,
            "hold" => SignalAction.Hold,
            _ => null,
        }
        : null;

    private static OutcomeBatchParse Failed(InputErrors errors) => new([], [], errors.ToDictionary());
}
