using System.Security.Cryptography;
using System.Text;
using SignalEngine.Labels;

namespace SignalEngine.Api.Storage;

/// <summary>
/// A batch as the recorder writes it to the store and the audit: its inputs once (<see cref="BatchInputs"/>, encoded
/// once and kept as these bytes by both), and its signals, each naming its item in them.
/// </summary>
public sealed class RecordedBatch
{
    public RecordedBatch(Guid id, DateTimeOffset created, BatchInputs inputs, IReadOnlyList<RecordedSignal> signals)
    {
        Id = id;
        Created = created;
        Inputs = inputs;
        Signals = signals;
        EncodedInputs = inputs.Encode();
    }

    public Guid Id { get; }
    public DateTimeOffset Created { get; }
    public BatchInputs Inputs { get; }
    public IReadOnlyList<RecordedSignal> Signals { get; }

    /// <summary>The inputs as stored and audited: Brotli-compressed JSON.</summary>
    public byte[] EncodedInputs { get; }

    /// <summary>
    /// A batch of records that each carry their own input (schema 1's shape, a FeatureBatchItem as JSON). Records whose
    /// inputs are not all such items (a caller's own JSON) are kept verbatim, as schema 1 kept every row.
    /// </summary>
    public static RecordedBatch Of(IReadOnlyList<SignalRecord> records)
    {
        var items = records.Select(r => TryItem(r.InputJson)).ToArray();
        var names = items.FirstOrDefault()?.Features.Keys.ToArray() ?? [];
        var schema = new Features.FeatureSchema(names);
        var created = records.Count > 0 ? records[0].Created : DateTimeOffset.UtcNow;
        if (items.Any(i => i is null || !i.Features.Keys.SequenceEqual(names) || (i.History ?? []).Any(h => !h.Keys.SequenceEqual(names))))
        {
            return new RecordedBatch(Guid.CreateVersion7(), created, BatchInputs.Of([], schema),
                records.Select(r => new RecordedSignal(r.Id, r.Instrument, r.Timestamp, r.Action, r.ModelVersion, r.SignalJson, [], "", -1, [], r.Created, r)).ToArray());
        }
        var inputs = BatchInputs.Of(items.Select(i => i!.ToInput(schema)).ToArray(), schema);
        return new RecordedBatch(Guid.CreateVersion7(), created, inputs,
            records.Select((r, i) => RecordedSignal.Of(r.Id, r.Instrument, r.Timestamp, r.Action, r.ModelVersion, r.SignalJson, r.ExplanationJson, i) with { Created = r.Created }).ToArray());
    }

    private static FeatureBatchItem? TryItem(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<FeatureBatchItem>(json, ApiDefaults.Json) is { Instrument: not null, Features: not null } item ? item : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Signal <paramref name="index"/> of the batch as it reads back from the store.</summary>
    public SignalRecord Record(int index)
    {
        var signal = Signals[index];
        if (signal.Verbatim is { } verbatim) return verbatim;
        return new SignalRecord(signal.Id, signal.Instrument, signal.Timestamp, signal.Action, signal.ModelVersion, signal.Created ?? Created,
            signal.SignalJson, Encoding.UTF8.GetString(Compression.Decompress(signal.Explanation)), Inputs.ItemJson(signal.Item));
    }
}

/// <summary>
/// One signal of a <see cref="RecordedBatch"/>: the columns a query filters on, the signal as answered, its
/// explanation compressed, the explanation's SHA-256 (what the audit keeps of it), and its item in the batch's inputs.
/// </summary>
/// <param name="CompressedSignal">The signal's JSON as stored: compressed (<see cref="Compression"/>).</param>
/// <param name="Created">When it was stored, where it differs from its batch's time (records saved together that were made apart).</param>
/// <param name="Verbatim">A record kept as schema 1 kept rows (explanation and input as text on the row), for a caller whose inputs are not request items.</param>
public sealed record RecordedSignal(
    Guid Id,
    string Instrument,
    DateTimeOffset Timestamp,
    SignalAction Action,
    string ModelVersion,
    string SignalJson,
    byte[] Explanation,
    string ExplanationSha256,
    int Item,
    byte[] CompressedSignal,
    DateTimeOffset? Created = null,
    SignalRecord? Verbatim = null)
{
    public static RecordedSignal Of(Guid id, string instrument, DateTimeOffset timestamp, SignalAction action, string modelVersion, string signalJson, string explanationJson, int item) =>
        Of(id, instrument, timestamp, action, modelVersion, signalJson, Encoding.UTF8.GetBytes(explanationJson), item);

    /// <summary>A signal as answered (<paramref name="signalJson"/>) and its explanation's UTF-8 JSON, compressed and hashed.</summary>
    public static RecordedSignal Of(Guid id, string instrument, DateTimeOffset timestamp, SignalAction action, string modelVersion, string signalJson, byte[] explanationJson, int item) =>
        new(id, instrument, timestamp, action, modelVersion, signalJson, Compression.Compress(explanationJson), Sha256(explanationJson), item,
            Compression.Compress(Encoding.UTF8.GetBytes(signalJson)));

    /// <summary>The lowercase hex SHA-256 of an explanation's UTF-8 JSON, as the audit records it.</summary>
    public static string Sha256(ReadOnlySpan<byte> explanationJson) => Convert.ToHexStringLower(SHA256.HashData(explanationJson));
}
