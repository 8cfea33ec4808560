using System.Diagnostics;
using SignalEngine.Api.Audit;
using SignalEngine.Features;
using SignalEngine.Pipeline;

namespace SignalEngine.Api.Serving;

/// <summary>
/// Stores and audits a batch of signals before any is answered, all or nothing.
/// Order: (1) every row is inserted in one store transaction, invisible to readers; (2) every audit event is written
/// and flushed, inside that transaction; (3) the transaction commits. An audit failure rolls the rows back; a store
/// failure before the audit leaves no audit event; a commit failure after the audit is compensated by one
/// "signal.voided" audit event per id. The client gets 503 in every failure and no signal. What a reader of the audit
/// file can rely on: every answered id has exactly one "signal.issued" event, and an issued event without a stored
/// signal is either voided or belongs to a batch that failed mid-audit (the sink itself broken).
/// </summary>
public sealed class SignalRecorder(
    ISignalStore store, IAuditLog audit, ILogger<SignalRecorder> logger,
    Metrics.StageDurationMetrics? stages = null, Metrics.RecordingMetrics? failures = null)
{
    // Batches whose audit write failed part-way may have left issued events without a stored row; they are voided as
    // soon as the audit takes writes again (and, if the process ends first, by the reconciliation at the next start).
    private readonly System.Collections.Concurrent.ConcurrentQueue<Guid[]> _toVoid = new();

    /// <summary>
    /// The batch as it will be stored, answered and audited (its inputs once, each signal referring to its item), or,
    /// per item, why one cannot be: a stage whose output is not finite (extreme but finite inputs can overflow a model)
    /// is refused as that item's problem, named by <paramref name="paths"/>.
    /// </summary>
    public static RecordedBatch Prepare(IReadOnlyList<PipelineResult> results, IReadOnlyList<string> paths, FeatureSchema schema, out IDictionary<string, string[]>? errors)
    {
        var created = DateTimeOffset.UtcNow;
        var signals = new RecordedSignal[results.Count];
        var refused = new System.Collections.Concurrent.ConcurrentDictionary<string, string[]>(StringComparer.Ordinal);
        // Serialising and compressing each explanation is most of the recording's work: spread it over the cores.
        Parallel.For(0, results.Count, i =>
        {
            try
            {
                signals[i] = ToSignal(results[i], i);
            }
            catch (ArgumentException) // System.Text.Json refuses NaN and infinity
            {
                refused[paths[i]] = ["the model's output for this item is not a finite number; check it for extreme feature values"];
            }
        });
        errors = refused.IsEmpty ? null : new Dictionary<string, string[]>(refused, StringComparer.Ordinal);
        var inputs = BatchInputs.Of(results.Select(r => r.Input).ToArray(), schema);
        return new RecordedBatch(Guid.CreateVersion7(), created, inputs, errors is null ? signals : []);
    }

    public async Task<bool> TryRecordAsync(RecordedBatch batch, HttpContext http, CancellationToken cancellationToken)
    {
        var context = AuditContext.Of(http);
        VoidPending(context);
        var audited = false;
        var started = Stopwatch.GetTimestamp();
        var auditTime = TimeSpan.Zero;
        try
        {
            await store.SaveAsync(batch, _ =>
            {
                audited = true;
                var auditStarted = Stopwatch.GetTimestamp();
                try
                {
                    audit.SignalsIssued(batch, context);
                }
                finally
                {
                    auditTime = Stopwatch.GetElapsedTime(auditStarted);
                    stages?.Record("audit", auditStarted);
                }
                return Task.CompletedTask;
            }, cancellationToken);
            // The store's share: the whole transaction less the audit write inside it.
            stages?.Record("store", started + (long)(auditTime.TotalSeconds * Stopwatch.Frequency));
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Batch of {Count} signals not recorded (audited: {Audited}); answering 503", batch.Signals.Count, audited);
            failures?.Failed(e is AuditWriteException ? "audit" : "store");
            if (audited && e is not AuditWriteException) Void(batch.Signals, context, e);
            if (e is AuditWriteException) _toVoid.Enqueue(batch.Signals.Select(r => r.Id).ToArray());
            return false;
        }
    }

    private void VoidPending(AuditContext context)
    {
        while (_toVoid.TryPeek(out var ids))
        {
            try
            {
                audit.SignalsVoided(ids, "not stored: the audit write of its batch failed part-way", context);
            }
            catch (AuditWriteException)
            {
                return; // still failing: this batch will fail too, and the ids wait for the next one
            }
            _toVoid.TryDequeue(out _);
        }
    }

    private void Void(IReadOnlyList<RecordedSignal> records, AuditContext context, Exception cause)
    {
        try
        {
            audit.SignalsVoided(records.Select(r => r.Id).ToArray(), $"not stored: {cause.Message.ReplaceLineEndings(" ")}", context);
        }
        catch (AuditWriteException e)
        {
            logger.LogCritical(e, "Audited signals {Ids} were not stored and could not be voided", records.Select(r => r.Id));
        }
    }

    private static RecordedSignal ToSignal(PipelineResult result, int item)
    {
        // Stored, audited (its hash) and answered at the precision that carries meaning (StoredPrecision).
        var explanation = JsonSerializer.SerializeToUtf8Bytes(StoredPrecision.Of(result.Explanation), ApiDefaults.Json);
        var signal = result.Signal;
        return RecordedSignal.Of(signal.Id, signal.Instrument, signal.Timestamp, signal.Action, signal.ModelVersion,
            JsonSerializer.Serialize(signal, ApiDefaults.Json), explanation, item);
    }
}
