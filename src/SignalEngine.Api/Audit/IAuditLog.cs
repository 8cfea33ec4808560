namespace SignalEngine.Api.Audit;

/// <summary>
/// The audit trail: one structured event per signal, written and flushed before the signal is acknowledged. Unlike
/// the application log, a failed write is an error the caller sees (<see cref="AuditWriteException"/>).
/// </summary>
public interface IAuditLog
{
    /// <summary>
    /// Writes one "signal.issued" event per signal, in order, each referring to its item in the batch's inputs, which
    /// the first event carries once; throws <see cref="AuditWriteException"/> on any failure.
    /// </summary>
    void SignalsIssued(RecordedBatch batch, AuditContext context);

    /// <summary>
    /// Compensates issued events whose signals were then not stored (the store's commit failed): one "signal.voided"
    /// event per id. Throws <see cref="AuditWriteException"/> on failure.
    /// </summary>
    void SignalsVoided(IReadOnlyList<Guid> ids, string reason, AuditContext context);

    /// <summary>
    /// A model lifecycle event ("model.promoted", "model.rejected", "model.activated"): the version, the one it
    /// replaced or was compared with, and why. Throws <see cref="AuditWriteException"/> on failure.
    /// </summary>
    void ModelEvent(string kind, string version, string? other, string reason, AuditContext context);

    /// <summary>
    /// One "outcome.recorded" event per newly recorded outcome: the signal (or labelled bar) id, the label, and the key
    /// that supplied it. Throws <see cref="AuditWriteException"/> on failure.
    /// </summary>
    void OutcomesRecorded(IReadOnlyList<(Guid Id, SignalEngine.Labels.SignalAction Label, bool OfASignal)> outcomes, AuditContext context);

    /// <summary>True when the audit file of today can be appended to now (after a failed write: a probe write succeeded).</summary>
    bool IsWritable();

    /// <summary>Every audit file of this log, oldest first.</summary>
    IReadOnlyList<string> Files();
}

/// <summary>The request an audit event belongs to, and the name of the API key that made it (null for the service itself).</summary>
public sealed record AuditContext(string RequestId, string? TraceId, string? ApiKey = null)
{
    public static AuditContext Of(HttpContext http) =>
        new(http.TraceIdentifier, System.Diagnostics.Activity.Current?.TraceId.ToString(), http.User.Identity?.Name);
}

public sealed class AuditWriteException(string message, Exception inner) : Exception(message, inner);
