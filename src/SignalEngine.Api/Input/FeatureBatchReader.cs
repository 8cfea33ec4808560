using System.Globalization;
using System.Text;
using SignalEngine.Features;
using SignalEngine.Pipeline;

namespace SignalEngine.Api.Input;

/// <summary>
/// A parsed feature batch: the items in signal order, each with the request path that names it ("items[3]" or
/// "series[0].rows[40]"), or every problem found keyed by the field ("items[3].features.rsi_14").
/// </summary>
public sealed record FeatureBatchParse(IReadOnlyList<SignalInput> Items, IReadOnlyList<string> Paths, IDictionary<string, string[]>? Errors)
{
    public bool IsValid => Errors is null;
}

/// <summary>
/// Parses and validates a POST /signals body against the served schema by hand, rather than by model binding, so
/// every problem can name the item (or the series and row), the row and the field, and no bad input ever reaches a
/// stage. Two forms: "items", each with its own history; or "series", per instrument rows oldest first sent once,
/// with the number of latest rows to signal ("last"), each signalled row taking the rows before it as its history.
/// </summary>
public static class FeatureBatchReader
{
    public const string Missing = "missing";
    public const string UnknownFeature = "unknown feature";
    public const string UnknownField = "unknown field";
    public const string Duplicate = JsonBody.Duplicate;
    public const string NotFinite = "must be a finite number";
    public const string NotANumber = "must be a number";
    public const string NotATimestamp = "must be an ISO-8601 timestamp, e.g. 2024-01-02T15:30:00Z";
    public const string NotLater = "must be later than the row before: rows are oldest first";
    public const int MaxErrors = InputErrors.MaxErrors;
    private const int MaxInstrumentLength = 200;

    /// <param name="historyRows">How many earlier rows of a series each signalled row takes as history (T - 1 of the served model).</param>
    public static FeatureBatchParse Read(ReadOnlyMemory<byte> body, FeatureSchema schema, int maxItems, int historyRows = int.MaxValue)
    {
        var errors = new InputErrors();
        using var document = JsonBody.ParseObject(body, errors, "must be a JSON object with an \"items\" or a \"series\" array");
        if (document is null) return Failed(errors);
        JsonElement? items = null, series = null;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            // A null form is an absent one: serialisers that write every property send "series": null with items.
            if (property.NameEquals("items")) items = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
            else if (property.NameEquals("series")) series = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
            else errors.Add(property.Name, UnknownField);
        }
        if (items is not null && series is not null)
        {
            errors.Add("series", "send items or series, not both");
            return Failed(errors);
        }
        if (series is { } seriesArray) return ReadSeries(seriesArray, schema, maxItems, Math.Max(0, historyRows), errors);
        if (items is not { ValueKind: JsonValueKind.Array } array)
        {
            errors.Add("items", items is null ? $"{Missing}: send items, or series" : "must be an array");
            return Failed(errors);
        }
        var count = array.GetArrayLength();
        if (count == 0) errors.Add("items", "empty batch: send at least one item");
        if (count > maxItems) errors.Add("items", $"too many items: {count}, at most {maxItems} per batch");
        if (errors.Any) return Failed(errors);

        var columns = ColumnsOf(schema);
        var inputs = new List<SignalInput>(count);
        var paths = new List<string>(count);
        var rows = new ParsedRows(body);
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"items[{index}]";
            if (ReadItem(item, at, columns, schema, errors, rows: rows) is { } input)
            {
                inputs.Add(input);
                paths.Add(at);
            }
            if (errors.Full) break;
            index++;
        }
        return errors.Any ? Failed(errors) : new FeatureBatchParse(inputs, paths, null);
    }

    /// <summary>
    /// The series form: each series' rows are read once, and each of its last "last" rows becomes an item whose history
    /// is the up to <paramref name="historyRows"/> rows before it (the same arrays, not copies).
    /// </summary>
    private static FeatureBatchParse ReadSeries(JsonElement series, FeatureSchema schema, int maxItems, int historyRows, InputErrors errors)
    {
        if (series.ValueKind != JsonValueKind.Array)
        {
            errors.Add("series", "must be an array of per-instrument series");
            return Failed(errors);
        }
        if (series.GetArrayLength() == 0)
        {
            errors.Add("series", "empty batch: send at least one series");
            return Failed(errors);
        }
        var columns = ColumnsOf(schema);
        var read = new List<(string At, string Instrument, SeriesRow[] Rows, int Last)>();
        var signals = 0;
        var index = 0;
        foreach (var element in series.EnumerateArray())
        {
            var at = $"series[{index++}]";
            if (ReadOneSeries(element, at, columns, schema, errors) is { } one)
            {
                read.Add((at, one.Instrument, one.Rows, one.Last));
                signals += one.Last;
            }
            if (errors.Full) break;
        }
        if (signals > maxItems) errors.Add("series", $"too many signals: {signals} rows to signal, at most {maxItems} per batch");
        if (errors.Any) return Failed(errors);

        var inputs = new List<SignalInput>(signals);
        var paths = new List<string>(signals);
        foreach (var (at, instrument, rows, last) in read)
        {
            var features = Array.ConvertAll(rows, r => r.Features);
            for (var r = rows.Length - last; r < rows.Length; r++)
            {
                var from = Math.Max(0, r - historyRows);
                inputs.Add(new SignalInput(instrument, rows[r].Timestamp, features[r], new ArraySegment<double[]>(features, from, r - from), rows[r].Context));
                paths.Add($"{at}.rows[{r}]");
            }
        }
        return new FeatureBatchParse(inputs, paths, null);
    }

    private readonly record struct SeriesRow(DateTimeOffset Timestamp, double[] Features, MarketContext? Context);

    private static (string Instrument, SeriesRow[] Rows, int Last)? ReadOneSeries(
        JsonElement element, string at, Dictionary<string, int> columns, FeatureSchema schema, InputErrors errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(at, "must be an object with instrument, last and rows");
            return null;
        }
        var before = errors.Count;
        string? instrument = null;
        int? last = null;
        List<SeriesRow>? rows = null;
        var rowCount = 0;
        foreach (var property in element.EnumerateObject())
        {
            var field = $"{at}.{property.Name}";
            switch (property.Name)
            {
                case "instrument":
                    instrument = ReadInstrument(property.Value, field, errors);
                    break;
                case "last":
                    if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var count) && count >= 1) last = count;
                    else errors.Add(field, "must be a whole number of at least 1: how many of the latest rows to signal");
                    break;
                case "rows":
                    if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0)
                    {
                        errors.Add(field, "must be a non-empty array of rows, oldest first");
                        break;
                    }
                    rowCount = property.Value.GetArrayLength();
                    rows = ReadSeriesRows(property.Value, field, columns, schema, errors);
                    break;
                default:
                    errors.Add(field, UnknownField);
                    break;
            }
        }
        if (!element.TryGetProperty("instrument", out _)) errors.Add($"{at}.instrument", Missing);
        if (!element.TryGetProperty("last", out _)) errors.Add($"{at}.last", $"{Missing}: how many of the latest rows to signal");
        if (!element.TryGetProperty("rows", out _)) errors.Add($"{at}.rows", Missing);
        if (last is { } l && rowCount > 0 && l > rowCount) errors.Add($"{at}.last", $"is {l} but the series has {rowCount} rows");
        if (errors.Count > before || instrument is null || last is null || rows is null) return null;
        return (instrument, rows.ToArray(), last.Value);
    }

    private static List<SeriesRow>? ReadSeriesRows(JsonElement array, string at, Dictionary<string, int> columns, FeatureSchema schema, InputErrors errors)
    {
        var before = errors.Count;
        var rows = new List<SeriesRow>(array.GetArrayLength());
        DateTimeOffset? previous = null;
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var rowAt = $"{at}[{index++}]";
            if (ReadSeriesRow(element, rowAt, columns, schema, errors) is { } row)
            {
                if (previous is { } p && row.Timestamp <= p) errors.Add($"{rowAt}.timestamp", NotLater);
                previous = row.Timestamp;
                rows.Add(row);
            }
            else previous = null;
            if (errors.Full) break;
        }
        return errors.Count > before ? null : rows;
    }

    private static SeriesRow? ReadSeriesRow(JsonElement element, string at, Dictionary<string, int> columns, FeatureSchema schema, InputErrors errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(at, "must be an object with timestamp, features and (optionally) context");
            return null;
        }
        var before = errors.Count;
        DateTimeOffset? timestamp = null;
        double[]? features = null;
        MarketContext? context = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "timestamp":
                    timestamp = ReadTimestamp(property.Value);
                    if (timestamp is null) errors.Add($"{at}.timestamp", NotATimestamp);
                    break;
                case "features":
                    features = ReadRow(property.Value, $"{at}.features", columns, schema, errors);
                    break;
                case "context":
                    context = ReadContext(property.Value, $"{at}.context", errors);
                    break;
                default:
                    errors.Add($"{at}.{property.Name}", UnknownField);
                    break;
            }
        }
        if (!element.TryGetProperty("timestamp", out _)) errors.Add($"{at}.timestamp", Missing);
        if (!element.TryGetProperty("features", out _)) errors.Add($"{at}.features", Missing);
        if (errors.Count > before || timestamp is null || features is null) return null;
        return new SeriesRow(timestamp.Value, features, context);
    }

    private static string? ReadInstrument(JsonElement value, string field, InputErrors errors)
    {
        var instrument = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (!string.IsNullOrWhiteSpace(instrument) && instrument.Length <= MaxInstrumentLength) return instrument;
        errors.Add(field, $"must be a non-empty string of at most {MaxInstrumentLength} characters");
        return null;
    }

    /// <summary>The feature columns of <paramref name="schema"/> by name, for <see cref="ReadItem"/>.</summary>
    internal static Dictionary<string, int> ColumnsOf(FeatureSchema schema)
    {
        var columns = new Dictionary<string, int>(schema.Count, StringComparer.Ordinal);
        for (var f = 0; f < schema.Count; f++) columns[schema.Names[f]] = f;
        return columns;
    }

    /// <summary>
    /// One item; a field named <paramref name="extraField"/> is left to the caller (a labelled bar's label). Rows already
    /// read from the same bytes of the body are taken from <paramref name="rows"/> rather than read again.
    /// </summary>
    internal static SignalInput? ReadItem(
        JsonElement item, string at, Dictionary<string, int> columns, FeatureSchema schema, InputErrors errors, string? extraField = null,
        ParsedRows? rows = null)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(at, "must be an object");
            return null;
        }
        var before = errors.Count;
        string? instrument = null;
        DateTimeOffset? timestamp = null;
        double[]? features = null;
        var history = new List<double[]>();
        MarketContext? context = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            var field = $"{at}.{property.Name}";
            if (!seen.Add(property.Name))
            {
                errors.Add(field, Duplicate);
                continue;
            }
            switch (property.Name)
            {
                case "instrument":
                    instrument = ReadInstrument(property.Value, field, errors);
                    break;
                case "timestamp":
                    timestamp = ReadTimestamp(property.Value);
                    if (timestamp is null) errors.Add(field, NotATimestamp);
                    break;
                case "features":
                    features = ReadRow(property.Value, field, columns, schema, errors, rows: rows);
                    break;
                case "history":
                    if (property.Value.ValueKind == JsonValueKind.Null) break;
                    if (property.Value.ValueKind != JsonValueKind.Array)
                    {
                        errors.Add(field, "must be an array of feature rows, oldest first");
                        break;
                    }
                    var row = 0;
                    foreach (var element in property.Value.EnumerateArray())
                    {
                        if (ReadRow(element, field, columns, schema, errors, row, rows) is { } values) history.Add(values);
                        row++;
                    }
                    break;
                case "context":
                    context = ReadContext(property.Value, field, errors);
                    break;
                case var name when name == extraField:
                    break;
                default:
                    errors.Add(field, UnknownField);
                    break;
            }
        }
        if (!seen.Contains("instrument")) errors.Add($"{at}.instrument", Missing);
        if (!seen.Contains("timestamp")) errors.Add($"{at}.timestamp", Missing);
        if (!seen.Contains("features")) errors.Add($"{at}.features", Missing);
        if (errors.Count > before || instrument is null || timestamp is null || features is null) return null;
        return new SignalInput(instrument, timestamp.Value, features, history, context);
    }

    /// <summary>
    /// A row of features by name: every schema feature exactly once, nothing else, all finite. The row is
    /// <paramref name="parent"/>, or its element <paramref name="index"/>: that path is only made for a problem (an
    /// item-form batch of 1,000 has 31,000 history rows). A row whose bytes were read before without a problem is that
    /// row again (the same array), from <paramref name="rows"/>.
    /// </summary>
    private static double[]? ReadRow(
        JsonElement element, string parent, Dictionary<string, int> columns, FeatureSchema schema, InputErrors errors, int index = -1, ParsedRows? rows = null)
    {
        if (rows is not null && rows.TryGet(element, out var known)) return known;
        var parsed = ReadNewRow(element, parent, columns, schema, errors, index);
        if (parsed is not null) rows?.Add(element, parsed);
        return parsed;
    }

    private static double[]? ReadNewRow(JsonElement element, string parent, Dictionary<string, int> columns, FeatureSchema schema, InputErrors errors, int index)
    {
        string? path = null;
        string At() => path ??= index < 0 ? parent : $"{parent}[{index}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(At(), "must be an object of feature values by name");
            return null;
        }
        var before = errors.Count;
        var row = new double[schema.Count];
        var seen = new bool[schema.Count];
        var expected = 0;
        var names = Utf8Names(schema);
        foreach (var property in element.EnumerateObject())
        {
            // Rows usually name the features in schema order: the expected one is matched on the UTF-8 name without
            // making a string, and the field's name is only made for a problem (a large batch has hundreds of
            // thousands of values).
            int column;
            if (expected < schema.Count && property.NameEquals(names[expected])) column = expected;
            else if (!columns.TryGetValue(property.Name, out column))
            {
                errors.Add($"{At()}.{property.Name}", UnknownFeature);
                continue;
            }
            expected = column + 1;
            var name = schema.Names[column];
            if (seen[column])
            {
                errors.Add($"{At()}.{name}", Duplicate);
                continue;
            }
            seen[column] = true;
            if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var number) && double.IsFinite(number)) row[column] = number;
            else if (ReadFinite(property.Value, $"{At()}.{name}", errors) is { } value) row[column] = value;
        }
        for (var f = 0; f < schema.Count; f++)
        {
            if (!seen[f]) errors.Add($"{At()}.{schema.Names[f]}", Missing);
        }
        return errors.Count > before ? null : row;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<FeatureSchema, byte[][]> Utf8 = new();

    private static byte[][] Utf8Names(FeatureSchema schema) =>
        Utf8.GetValue(schema, s => s.Names.Select(n => Encoding.UTF8.GetBytes(n)).ToArray());

    private static double? ReadFinite(JsonElement value, string field, InputErrors errors)
    {
        switch (value.ValueKind)
        {
            // TryGetDouble refuses numbers that overflow to infinity.
            case JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number):
                return number;
            case JsonValueKind.Number:
                errors.Add(field, NotFinite);
                return null;
            case JsonValueKind.String when NonFiniteLiterals.IsNonFinite(value.GetString()):
                errors.Add(field, $"{NotFinite}, got {value.GetString()}");
                return null;
            default:
                errors.Add(field, NotANumber);
                return null;
        }
    }

    private static DateTimeOffset? ReadTimestamp(JsonElement value)
    {
        // ISO-8601 as System.Text.Json reads it; a timestamp without an offset is taken as UTC, not as server time.
        if (value.ValueKind != JsonValueKind.String || !value.TryGetDateTimeOffset(out _)) return null;
        return DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : null;
    }

    private static MarketContext? ReadContext(JsonElement element, string at, InputErrors errors)
    {
        if (element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(at, "must be an object with regime and/or liquidity");
            return null;
        }
        string? regime = null;
        double? liquidity = null;
        foreach (var property in element.EnumerateObject())
        {
            var field = $"{at}.{property.Name}";
            switch (property.Name)
            {
                case "regime" when property.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "regime":
                    regime = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    if (regime is null || !MarketRegime.IsKnown(regime))
                    {
                        errors.Add(field, $"unknown regime: expected one of {string.Join(", ", MarketRegime.All)}");
                    }
                    break;
                case "liquidity" when property.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "liquidity":
                    liquidity = ReadFinite(property.Value, field, errors);
                    break;
                default:
                    errors.Add(field, UnknownField);
                    break;
            }
        }
        return new MarketContext(regime, liquidity);
    }

    private static FeatureBatchParse Failed(InputErrors errors) => new([], [], errors.ToDictionary());
}

/// <summary>
/// The feature rows of one body already read, by their bytes: in the item form each bar is sent as its own row and
/// again in up to T - 1 of its neighbours' histories, so a batch of 1,000 holds about 31 copies of each row. A copy is
/// the row read before (its bytes are the same, so are its values and its validity), not read again. Only rows read
/// without a problem are kept: a bad one is read at each place it occurs, so each problem names its own item and row.
/// Bytes are compared, not the text's meaning: a row written another way (other spacing, key order, digits) is read.
/// </summary>
internal sealed class ParsedRows
{
    private readonly ReadOnlyMemory<byte> _body;
    private readonly Dictionary<Range, double[]> _rows;

    public ParsedRows(ReadOnlyMemory<byte> body)
    {
        _body = body;
        _rows = new Dictionary<Range, double[]>(new BytesComparer(body));
    }

    public bool TryGet(JsonElement element, out double[] row)
    {
        row = [];
        return Where(element) is { } range && _rows.TryGetValue(range, out row!);
    }

    public void Add(JsonElement element, double[] row)
    {
        if (Where(element) is { } range) _rows.TryAdd(range, row);
    }

    /// <summary>The element's bytes as a range of the body; null when the document is not over the body (NaN quoted into a copy).</summary>
    private Range? Where(JsonElement element)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
        return _body.Span.Overlaps(raw, out var offset) && offset >= 0 && offset + raw.Length <= _body.Length
            ? new Range(offset, offset + raw.Length)
            : null;
    }

    private sealed class BytesComparer(ReadOnlyMemory<byte> body) : IEqualityComparer<Range>
    {
        public bool Equals(Range x, Range y) => body.Span[x].SequenceEqual(body.Span[y]);

        public int GetHashCode(Range range)
        {
            var hash = new HashCode();
            hash.AddBytes(body.Span[range]);
            return hash.ToHashCode();
        }
    }
}

/// <summary>NaN and Infinity as bare JSON tokens, which JSON does not allow but some clients write.</summary>
internal static class NonFiniteLiterals
{
    private static readonly string[] Literals = ["NaN", "Infinity", "-Infinity", "+Infinity"];

    public static bool IsNonFinite(string? text) => text is not null && Literals.Contains(text, StringComparer.OrdinalIgnoreCase);

    /// <summary>The body with bare NaN / Infinity tokens (outside strings) quoted; false when there are none.</summary>
    public static bool TryQuote(ReadOnlySpan<byte> json, out byte[] quoted)
    {
        var output = new List<byte>(json.Length + 16);
        var inString = false;
        var found = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                output.Add(b);
                if (b == (byte)'\\' && i + 1 < json.Length) output.Add(json[++i]);
                else if (b == (byte)'"') inString = false;
                continue;
            }
            if (b == (byte)'"')
            {
                inString = true;
                output.Add(b);
                continue;
            }
            string? literal = null;
            foreach (var candidate in Literals)
            {
                if (json[i..].StartsWith(Encoding.ASCII.GetBytes(candidate))) literal = candidate;
            }
            if (literal is not null)
            {
                found = true;
                output.Add((byte)'"');
                output.AddRange(Encoding.ASCII.GetBytes(literal));
                output.Add((byte)'"');
                i += literal.Length - 1;
                continue;
            }
            output.Add(b);
        }
        quoted = [.. output];
        return found;
    }
}
