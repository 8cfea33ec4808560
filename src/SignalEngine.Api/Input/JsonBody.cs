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
        Check(document.RootElement, Location.Root, errors);
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

    private static void Check(JsonElement element, Location at, InputErrors errors)
    {
        if (errors.Full) return;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (!IsText(element)) errors.Add(Field(at.ToString()), InvalidText);
                break;
            case JsonValueKind.Array:
                var parent = at.ToString();
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    // A number, true, false or null has nothing to check: no path is made for it (a large batch has
                    // hundreds of thousands).
                    if (IsContainerOrString(item)) Check(item, new Location(parent, null, index), errors);
                    index++;
                }
                break;
            case JsonValueKind.Object:
                if (!HasPlainDistinctKeys(element))
                {
                    CheckKeys(element, at.ToString(), errors);
                    break;
                }
                // The common case (feature rows: a dozen ASCII keys, number values): nothing is made for the keys, and
                // the object's path only for a value that is itself checked.
                string? path = null;
                foreach (var property in element.EnumerateObject())
                {
                    if (IsContainerOrString(property.Value)) Check(property.Value, new Location(path ??= at.ToString(), property.Name, -1), errors);
                }
                break;
        }
    }

    /// <summary>
    /// True when the object's keys are valid UTF-8 without escapes and no two are alike, told from their raw bytes
    /// (without making a string of each); false sends it to <see cref="CheckKeys"/>, which names every problem. An
    /// escape could spell a key two ways, so an object with one is always checked by name; so is one of many keys, or
    /// two keys whose hashes meet.
    /// </summary>
    private static bool HasPlainDistinctKeys(JsonElement element)
    {
        const int most = 32;
        Span<int> hashes = stackalloc int[most];
        var count = 0;
        foreach (var property in element.EnumerateObject())
        {
            var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property);
            if (count == most || raw.Contains((byte)'\\') || !System.Text.Unicode.Utf8.IsValid(raw)) return false;
            var hash = new HashCode();
            hash.AddBytes(raw);
            var value = hash.ToHashCode();
            if (hashes[..count].Contains(value)) return false;
            hashes[count++] = value;
        }
        return true;
    }

    private static void CheckKeys(JsonElement element, string at, InputErrors errors)
    {
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
            else if (IsContainerOrString(property.Value)) Check(property.Value, new Location(at, name, -1), errors);
        }
    }

    /// <summary>Where a value is: a key or an index below its parent's path, made into text only when needed.</summary>
    private readonly record struct Location(string Parent, string? Name, int Index)
    {
        public static Location Root { get; } = new("", null, -1);

        public override string ToString() =>
            Name is not null ? (Parent.Length == 0 ? Name : $"{Parent}.{Name}")
            : Index >= 0 ? $"{Parent}[{Index}]"
            : Parent;
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
