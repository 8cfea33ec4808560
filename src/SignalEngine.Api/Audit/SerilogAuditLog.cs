using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;

namespace SignalEngine.Api.Audit;

/// <summary>
/// The audit trail as a dedicated Serilog logger, separate from the application log, in audit mode (AuditTo) over
/// <see cref="AuditFileSink"/>, in compact JSON: per signal one "signal.issued" event with its id, the request and trace
/// ids, the model version, the signal as answered (structured), its item in its batch's inputs, and the SHA-256 of its
/// explanation; the batch's first event also carries the batch's inputs, once (BatchInputs: <see cref="BatchInputs"/>
/// as Brotli-compressed JSON, base64). That is enough to re-derive the signal and its explanation from the audit alone:
/// replaying the items through the model version gives the same signal, and an explanation with that hash.
/// </summary>
public sealed class SerilogAuditLog : IAuditLog, IDisposable
{
    private static readonly MessageTemplate Issued = new MessageTemplateParser()
        .Parse("Signal {SignalId} issued: {Action} {Instrument} by model {ModelVersion}");

    private static readonly MessageTemplate Voided = new MessageTemplateParser()
        .Parse("Signal {SignalId} voided: {Reason}");

    private readonly AuditFileSink _sink;
    private readonly Logger _logger;

    public SerilogAuditLog(string pathTemplate)
    {
        _sink = new AuditFileSink(pathTemplate, new CompactJsonFormatter(new RawJsonFormatter()));
        _logger = new LoggerConfiguration().MinimumLevel.Verbose().AuditTo.Sink(_sink).CreateLogger();
    }

    public string PathFor(DateTimeOffset time) => _sink.PathFor(time);

    public void SignalsIssued(RecordedBatch batch, AuditContext context)
    {
        var batchId = new ScalarValue(batch.Id.ToString("D"));
        for (var i = 0; i < batch.Signals.Count; i++)
        {
            var signal = batch.Signals[i];
            LogEventProperty[] properties =
            [
                new("Event", new ScalarValue("signal.issued")),
                new("Action", new ScalarValue(signal.Action.ToString().ToLowerInvariant())),
                new("Instrument", new ScalarValue(signal.Instrument)),
                new("ModelVersion", new ScalarValue(signal.ModelVersion)),
                new("Signal", new RawJson(signal.SignalJson)),
                new("Input", new StructureValue([new("batchId", batchId), new("item", new ScalarValue(signal.Item))])),
                new("ExplanationSha256", new ScalarValue(signal.ExplanationSha256)),
            ];
            // The batch's inputs once, on its first signal's event; every event names its item in them.
            Write(Issued, context, signal.Id, i > 0 ? properties : [.. properties, new("BatchInputs", new StructureValue(
            [
                new("batchId", batchId),
                new("items", new ScalarValue(batch.Inputs.Count)),
                new("rows", new ScalarValue(batch.Inputs.RowCount)),
                new("encoding", new ScalarValue(InputsEncoding)),
                new("data", new ScalarValue(Convert.ToBase64String(batch.EncodedInputs))),
            ]))]);
        }
        Sync();
    }

    /// <summary>What an event's BatchInputs.data holds: base64 of Brotli-compressed JSON (<see cref="BatchInputs.Decode"/>).</summary>
    public const string InputsEncoding = "base64 brotli json";

    public void SignalsVoided(IReadOnlyList<Guid> ids, string reason, AuditContext context)
    {
        foreach (var id in ids)
        {
            Write(Voided, context, id,
                new LogEventProperty("Event", new ScalarValue("signal.voided")),
                new LogEventProperty("Reason", new ScalarValue(reason)));
        }
        Sync();
    }

    private static readonly MessageTemplate Model = new MessageTemplateParser()
        .Parse("Model {ModelVersion} {Event}: {Reason}");

    public void ModelEvent(string kind, string version, string? other, string reason, AuditContext context)
    {
        Write(Model, context, Guid.Empty,
            new LogEventProperty("Event", new ScalarValue(kind)),
            new LogEventProperty("ModelVersion", new ScalarValue(version)),
            new LogEventProperty("OtherVersion", new ScalarValue(other)),
            new LogEventProperty("Reason", new ScalarValue(reason)));
        Sync();
    }

    private static readonly MessageTemplate Outcome = new MessageTemplateParser()
        .Parse("Outcome {Label} recorded for {SignalId} by {ApiKey}");

    public void OutcomesRecorded(IReadOnlyList<(Guid Id, SignalEngine.Labels.SignalAction Label, bool OfASignal)> outcomes, AuditContext context)
    {
        foreach (var (id, label, ofASignal) in outcomes)
        {
            Write(Outcome, context, id,
                new LogEventProperty("Event", new ScalarValue("outcome.recorded")),
                new LogEventProperty("Label", new ScalarValue(label.ToString().ToLowerInvariant())),
                new LogEventProperty("Source", new ScalarValue(ofASignal ? "signal" : "labelled-bar")));
        }
        Sync();
    }

    public bool IsWritable() => _sink.IsWritable();

    /// <summary>Every audit file this log writes, oldest first.</summary>
    public IReadOnlyList<string> Files() => _sink.Files();

    /// <summary>Events written so far are on the disk (fsync) before the caller goes on, for example to commit the store.</summary>
    private void Sync()
    {
        try
        {
            _sink.Sync();
        }
        catch (Exception e)
        {
            throw new AuditWriteException($"audit sync failed: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        _logger.Dispose();
        _sink.Dispose();
    }

    private void Write(MessageTemplate template, AuditContext context, Guid id, params LogEventProperty[] properties)
    {
        LogEventProperty[] common =
        [
            new("SignalId", new ScalarValue(id.ToString("D"))),
            new("RequestId", new ScalarValue(context.RequestId)),
            new("TraceId", new ScalarValue(context.TraceId)),
            new("ApiKey", new ScalarValue(context.ApiKey)),
        ];
        try
        {
            _logger.Write(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, template, [.. common, .. properties]));
        }
        catch (Exception e)
        {
            throw new AuditWriteException($"audit write failed for signal {id}: {e.Message}", e);
        }
    }

    /// <summary>Stored JSON as Serilog structure, so the audit event nests it as JSON rather than as an escaped string.</summary>
    internal static LogEventPropertyValue FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromJson(document.RootElement);
    }

    private static LogEventPropertyValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new StructureValue(element.EnumerateObject().Select(p => new LogEventProperty(p.Name, FromJson(p.Value))).ToArray()),
        JsonValueKind.Array => new SequenceValue(element.EnumerateArray().Select(FromJson).ToArray()),
        JsonValueKind.String => new ScalarValue(element.GetString()),
        JsonValueKind.Number => new ScalarValue(element.TryGetInt64(out var integer) ? integer : element.GetDouble()),
        JsonValueKind.True => new ScalarValue(true),
        JsonValueKind.False => new ScalarValue(false),
        _ => new ScalarValue(null),
    };
}

/// <summary>
/// JSON this service serialised itself (a signal as answered), nested into an audit event as it is rather than parsed
/// into Serilog structures and written back: the same JSON, without the work of a round trip per signal.
/// </summary>
internal sealed class RawJson(string json) : LogEventPropertyValue
{
    public string Json { get; } = json;

    public override void Render(TextWriter output, string? format = null, IFormatProvider? formatProvider = null) => output.Write(Json);
}

/// <summary>Serilog's JSON value formatter, writing <see cref="RawJson"/> values as they are.</summary>
internal sealed class RawJsonFormatter() : Serilog.Formatting.Json.JsonValueFormatter(typeTagName: "$type")
{
    protected override bool VisitUnsupportedValue(TextWriter state, LogEventPropertyValue value)
    {
        if (value is not RawJson raw) return base.VisitUnsupportedValue(state, value);
        state.Write(raw.Json);
        return false;
    }
}
