using System.Globalization;

namespace SignalEngine.Data;

/// <summary>The bars of a CSV file, one series per instrument, and the repairs made while reading it.</summary>
public sealed record BarLoadResult(IReadOnlyList<BarSeries> Series, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads bars from CSV. The header names the columns, in any case: a timestamp (<c>timestamp</c>, <c>datetime</c>,
/// <c>date</c> or <c>time</c>, or <c>date</c> and <c>time</c> together) and <c>close</c> are required;
/// <c>open</c>, <c>high</c>, <c>low</c>, <c>volume</c> and an instrument column (<c>instrument</c>, <c>symbol</c> or
/// <c>ticker</c>) are optional; every other numeric column is an extra feature. The delimiter is whichever of
/// <c>, ; tab |</c> the header uses most.
/// </summary>
/// <remarks>
/// Bad input is a <see cref="BarDataException"/> naming the file, line and column: an unparsable timestamp, a
/// non-numeric or non-finite number, a close that is not positive, a row with the wrong number of fields, a
/// timestamp that repeats or goes back in time within an instrument. Two repairs are made, each with a warning:
/// an instrument whose rows (three or more) are all newest-first is reversed, and an optional column with empty or NA cells is
/// dropped rather than guessed at.
/// </remarks>
public static class CsvBarLoader
{
    private static readonly string[] TimestampNames = ["timestamp", "datetime", "date_time", "date", "time"];
    private static readonly string[] CloseNames = ["close", "adj close", "adj_close", "adjclose", "price", "last"];
    private static readonly string[] InstrumentNames = ["instrument", "symbol", "ticker"];
    private static readonly string[] MissingMarkers = ["", "na", "n/a", "nan", "null", "none", "-"];

    public static BarLoadResult Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        using var reader = new StreamReader(path);
        return Load(reader, path);
    }

    public static BarLoadResult Load(TextReader reader, string sourceName)
    {
        var header = reader.ReadLine();
        while (header is not null && string.IsNullOrWhiteSpace(header)) header = reader.ReadLine();
        if (header is null) throw new BarDataException(sourceName, 1, null, "the file is empty: a header and at least one row are needed");

        var delimiter = SniffDelimiter(header);
        var names = Split(header, delimiter).Select(n => n.Trim().Trim('\uFEFF')).ToArray();
        var layout = Layout.Of(names, sourceName);
        var warnings = new List<string>();

        var rows = new List<Row>();
        var lineNumber = 1;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = Split(line, delimiter);
            if (fields.Length != names.Length)
            {
                throw new BarDataException(sourceName, lineNumber, null, $"{fields.Length} fields where the header has {names.Length}");
            }
            rows.Add(new Row(lineNumber, fields));
        }
        if (rows.Count == 0) throw new BarDataException(sourceName, 1, null, "no data rows after the header");

        var numeric = layout.NumericColumns(rows, names, sourceName, warnings);
        var byInstrument = rows.GroupBy(r => layout.Instrument is { } c ? r.Fields[c].Trim() : DefaultInstrument(sourceName)).ToArray();
        var series = byInstrument
            .Select(g => BuildSeries(g.Key, g.ToArray(), layout, numeric, names, sourceName, warnings))
            .ToArray();
        return new BarLoadResult(series, warnings);
    }

    private static BarSeries BuildSeries(
        string instrument, Row[] rows, Layout layout, IReadOnlyList<int> numeric, string[] names, string source, List<string> warnings)
    {
        if (instrument.Length == 0)
        {
            throw new BarDataException(source, rows[0].Line, names[layout.Instrument!.Value], "empty instrument name");
        }

        var timestamps = rows.Select(r => ParseTimestamp(r, layout, names, source)).ToArray();
        if (rows.Length >= 3 && IsStrictlyDecreasing(timestamps))
        {
            warnings.Add($"{source}: instrument {instrument} is newest-first; its {rows.Length} rows were reversed into time order");
            Array.Reverse(rows);
            Array.Reverse(timestamps);
        }
        for (var i = 1; i < timestamps.Length; i++)
        {
            if (timestamps[i] <= timestamps[i - 1])
            {
                var what = timestamps[i] == timestamps[i - 1] ? "repeats" : "goes back in time from";
                throw new BarDataException(
                    source, rows[i].Line, names[layout.Timestamp],
                    $"timestamp {timestamps[i]:O} {what} line {rows[i - 1].Line} ({timestamps[i - 1]:O}) for instrument {instrument}");
            }
        }

        double[]? Column(int? index) => index is { } c && numeric.Contains(c) ? Values(rows, c, names, source) : null;
        var close = Values(rows, layout.Close, names, source);
        for (var i = 0; i < close.Length; i++)
        {
            if (close[i] <= 0) throw new BarDataException(source, rows[i].Line, names[layout.Close], $"close {close[i]} is not positive");
        }
        var volume = Column(layout.Volume);
        if (volume is not null)
        {
            for (var i = 0; i < volume.Length; i++)
            {
                if (volume[i] < 0) throw new BarDataException(source, rows[i].Line, names[layout.Volume!.Value], $"volume {volume[i]} is negative");
            }
        }
        var extras = layout.Extras.Where(numeric.Contains).Select(c => new NamedColumn(names[c], Values(rows, c, names, source))).ToArray();
        return new BarSeries(instrument, timestamps, close, Column(layout.Open), Column(layout.High), Column(layout.Low), volume, extras);
    }

    private static double[] Values(Row[] rows, int column, string[] names, string source)
    {
        var values = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var text = rows[i].Fields[column].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                var problem = IsMissing(text) ? "missing value" : $"'{text}' is not a number";
                throw new BarDataException(source, rows[i].Line, names[column], problem);
            }
            if (!double.IsFinite(value)) throw new BarDataException(source, rows[i].Line, names[column], $"'{text}' is not a finite number");
            values[i] = value;
        }
        return values;
    }

    private static DateTimeOffset ParseTimestamp(Row row, Layout layout, string[] names, string source)
    {
        var text = row.Fields[layout.Timestamp].Trim();
        if (layout.TimeOfDay is { } t) text = $"{text} {row.Fields[t].Trim()}";
        if (TryParseTimestamp(text, out var timestamp)) return timestamp;
        throw new BarDataException(source, row.Line, names[layout.Timestamp], $"'{text}' is not a timestamp (ISO-8601 or Unix seconds expected)");
    }

    /// <summary>ISO-8601 and common date forms (UTC unless an offset is given), or Unix epoch seconds or milliseconds.</summary>
    internal static bool TryParseTimestamp(string text, out DateTimeOffset timestamp)
    {
        if (text.Length is >= 9 and <= 13 && text.All(char.IsAsciiDigit) && long.TryParse(text, CultureInfo.InvariantCulture, out var epoch))
        {
            timestamp = text.Length >= 12 ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch);
            return true;
        }
        return DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out timestamp);
    }

    private static bool IsStrictlyDecreasing(DateTimeOffset[] timestamps)
    {
        for (var i = 1; i < timestamps.Length; i++)
        {
            if (timestamps[i] >= timestamps[i - 1]) return false;
        }
        return true;
    }

    private static bool IsMissing(string text) => MissingMarkers.Contains(text.Trim().ToLowerInvariant());

    private static string DefaultInstrument(string source) => Path.GetFileNameWithoutExtension(source) is { Length: > 0 } name ? name : "series";

    private static char SniffDelimiter(string header) =>
        new[] { ',', ';', '\t', '|' }.MaxBy(d => header.Count(c => c == d));

    /// <summary>Splits one CSV line; double quotes enclose fields that hold the delimiter ("" is a literal quote).</summary>
    internal static string[] Split(string line, char delimiter)
    {
        if (!line.Contains('"')) return line.Split(delimiter);
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields.ToArray();
    }

    private sealed record Row(int Line, string[] Fields);

    /// <summary>Which column plays which part, found from the header.</summary>
    private sealed record Layout(int Timestamp, int? TimeOfDay, int Close, int? Open, int? High, int? Low, int? Volume, int? Instrument, int[] Extras)
    {
        public static Layout Of(string[] names, string source)
        {
            int? Find(params string[] candidates)
            {
                foreach (var candidate in candidates)
                {
                    var i = Array.FindIndex(names, n => string.Equals(n, candidate, StringComparison.OrdinalIgnoreCase));
                    if (i >= 0) return i;
                }
                return null;
            }

            var duplicate = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new BarDataException(source, 1, duplicate.Key, "the header names this column twice");

            var date = Find("date");
            var time = Find("time");
            var timestamp = Find("timestamp", "datetime", "date_time") ?? date ?? time
                ?? throw new BarDataException(source, 1, null, $"no timestamp column: the header [{string.Join(", ", names)}] needs one of Timestamp, DateTime, Date or Time");
            int? timeOfDay = timestamp == date && time is not null ? time : null;
            var close = Find(CloseNames)
                ?? throw new BarDataException(source, 1, null, $"no Close column in the header [{string.Join(", ", names)}]");

            var open = Find("open");
            var high = Find("high");
            var low = Find("low");
            var volume = Find("volume", "vol");
            var instrument = Find(InstrumentNames);
            int?[] known = [timestamp, timeOfDay, date, time, close, open, high, low, volume, instrument];
            var extras = Enumerable.Range(0, names.Length)
                .Where(i => !known.Contains(i) && !CloseNames.Contains(names[i], StringComparer.OrdinalIgnoreCase))
                .ToArray();
            return new Layout(timestamp, timeOfDay, close, open, high, low, volume, instrument, extras);
        }

        /// <summary>
        /// The optional columns that are usable: a column with empty or NA cells is dropped with a warning, a
        /// text column among the extras is ignored with a warning.
        /// </summary>
        public IReadOnlyList<int> NumericColumns(List<Row> rows, string[] names, string source, List<string> warnings)
        {
            var usable = new List<int>();
            foreach (var column in new[] { Open, High, Low, Volume }.OfType<int>())
            {
                var missing = rows.FirstOrDefault(r => IsMissing(r.Fields[column]));
                if (missing is null) usable.Add(column);
                else warnings.Add($"{source}:{missing.Line}: column '{names[column]}' has missing values; it was dropped");
            }
            foreach (var column in Extras)
            {
                var first = rows.Select(r => r.Fields[column].Trim()).FirstOrDefault(v => !IsMissing(v));
                if (first is null || !double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    warnings.Add($"{source}: column '{names[column]}' is not numeric; it was ignored");
                    continue;
                }
                var missing = rows.FirstOrDefault(r => IsMissing(r.Fields[column]));
                if (missing is null) usable.Add(column);
                else warnings.Add($"{source}:{missing.Line}: column '{names[column]}' has missing values; it was dropped");
            }
            if ((High is null) != (Low is null) || (High is { } h && !usable.Contains(h)) || (Low is { } l && !usable.Contains(l)))
            {
                if (High is { } hi) usable.Remove(hi);
                if (Low is { } lo) usable.Remove(lo);
            }
            return usable;
        }
    }
}
