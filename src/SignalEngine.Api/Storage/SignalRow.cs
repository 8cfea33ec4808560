using System.Data.Common;
using System.Globalization;
using SignalEngine.Labels;

namespace SignalEngine.Api.Storage;

/// <summary>
/// The signals table's row as both stores write and read it: every column TEXT, timestamps as round-trip ISO-8601
/// in UTC, so a record reads back exactly on SQLite and PostgreSQL alike.
/// </summary>
internal static class SignalRow
{
    public static readonly string[] Columns =
        ["id", "instrument", "signal_time", "action", "model_version", "created_at", "signal_json", "explanation_json", "input_json"];

    /// <summary>Sets the nine parameters, in <see cref="Columns"/> order, to the record's values.</summary>
    public static void Bind(IReadOnlyList<DbParameter> parameters, SignalRecord record)
    {
        parameters[0].Value = record.Id.ToString("D");
        parameters[1].Value = record.Instrument;
        parameters[2].Value = Format(record.Timestamp);
        parameters[3].Value = record.Action.ToString().ToLowerInvariant();
        parameters[4].Value = record.ModelVersion;
        parameters[5].Value = Format(record.Created);
        parameters[6].Value = record.SignalJson;
        parameters[7].Value = record.ExplanationJson;
        parameters[8].Value = record.InputJson;
    }

    /// <summary>The record at the reader's current row, selected in <see cref="Columns"/> order.</summary>
    public static SignalRecord Read(DbDataReader reader) => new(
        Guid.Parse(reader.GetString(0)),
        reader.GetString(1),
        Parse(reader.GetString(2)),
        Enum.Parse<SignalAction>(reader.GetString(3), ignoreCase: true),
        reader.GetString(4),
        Parse(reader.GetString(5)),
        reader.GetString(6),
        reader.GetString(7),
        reader.GetString(8));

    private static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
