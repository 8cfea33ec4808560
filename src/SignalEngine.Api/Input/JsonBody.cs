namespace SignalEngine.Api.Input;

/// <summary>
/// A JSON request body parsed and checked before any reader looks at it: well-formed, valid text in every string and
/// key (no invalid UTF-8, no lone surrogate), and no key twice in one object. Each problem names its field, so no
/// reader ever meets text it cannot decode (which would throw) or a key whose meaning depends on its order.
/// </summary>
public static class JsonBody
{
    public const string InvalidText = "not valid text: invalid UTF-8 or a lone surrogate";
    public const string Duplicate = "duplicate";
    public const int MaxDepth = 16;

    /// <summary>The document, or null with the problems in <paramref name="errors"/>.</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> body, InputErrors errors)
    {
        if (ParseSyntax(body, errors) is not { } document) return null;
        Check(document.RootElement, "", errors);
        if (!errors.Any) return document;
        document.Dispose();
        return null;
    }

    /// <summary>
    /// The document, parsed as <see cref="Parse"/> does, whose root must also be an object: otherwise null, with
    /// <paramref name="expected"/> (what the object should hold) as the body's problem.
    /// </summary>
    public static JsonDocument? ParseObject(ReadOnlyMemory<byte> body, InputErrors errors, string expected)
    {
        if (Parse(body, errors) is not { } document) return null;
        if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
        errors.Add("body", expected);
        document.Dispose();
        return null;
    }

    private static JsonDocument? ParseSyntax(ReadOnlyMemory<byte> body, InputErrors errors)
    {
        var options = new JsonDocumentOptions { MaxDepth = MaxDepth };
        try
        {
            return JsonDocument.Parse(body, options);
        }
        catch (JsonException e)
        {
            // Clients that write NaN or Infinity bare (Python's json module does) get the item and field named
            // rather than a parse position: the literals are quoted, and then rejected as non-finite by the reader.
            if (NonFiniteLiterals.TryQuote(body.Span, out var quoted))
            {
                try { return JsonDocument.Parse(quoted, options); }
                catch (JsonException) { }
            }
            errors.Add("body", $"malformed JSON: {e.Message.ReplaceLineEndings(" ")}");
            return null;
        }
    }

    private static void Check(JsonElement element, string at, InputErrors errors)
    {
        if (errors.Full) return;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (!IsText(element)) errors.Add(Field(at), InvalidText);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    // A number, true, false or null has nothing to check: no path is made for it (a large batch has
                    // hundreds of thousands).
                    if (IsContainerOrString(item)) Check(item, $"{at}[{index}]", errors);
                    index++;
                }
                break;
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                var position = 0;
                foreach (var property in element.EnumerateObject())
                {
                    position++;
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        errors.Add(Field(at), $"key {position}: {InvalidText}");
                        continue;
                    }
                    if (!names.Add(name)) errors.Add(at.Length == 0 ? name : $"{at}.{name}", Duplicate);
                    else if (IsContainerOrString(property.Value)) Check(property.Value, at.Length == 0 ? name : $"{at}.{name}", errors);
                }
                break;
        }
    }

    private static bool IsContainerOrString(JsonElement element) =>
        element.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.String;

    private static bool IsText(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Field(string at) => at.Length == 0 ? "body" : at;
}
