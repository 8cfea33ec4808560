using System.Text.Json;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;
using SignalEngine.Api.Storage;

namespace SignalEngine.Api.Audit;

/// <summary>
/// The audit trail as a dedicated Serilog logger, separate from the application log, in audit mode (AuditTo) over
/// <see cref="AuditFileSink"/>: one compact-JSON event per signal with its id, the request and trace ids, the model
/// version, and the signal, explanation and inputs as structured properties (the same JSON the store holds).
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
        _sink = new AuditFileSink(pathTemplate, new CompactJsonFormatter());
        _logger = new LoggerConfiguration().MinimumLevel.Verbose().AuditTo.Sink(_sink).CreateLogger();
    }

    public string PathFor(DateTimeOffset time) => _sink.PathFor(time);

    public void SignalsIssued(IReadOnlyList<SignalRecord> records, AuditContext context)
    {
        foreach (var record in records)
        {
            Write(Issued, context, record.Id,
                new LogEventProperty("Event", new ScalarValue("signal.issued")),
                new LogEventProperty("Action", new ScalarValue(record.Action.ToString().ToLowerInvariant())),
                new LogEventProperty("Instrument", new ScalarValue(record.Instrument)),
                new LogEventProperty("ModelVersion", new ScalarValue(record.ModelVersion)),
                new LogEventProperty("Signal", FromJson(record.SignalJson)),
                new LogEventProperty("Explanation", FromJson(record.ExplanationJson)),
                new LogEventProperty("Input", FromJson(record.InputJson)));
        }
        Sync();
    }

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
