using System.Diagnostics.Metrics;

namespace SignalEngine.Api.Metrics;

/// <summary>Batches that could not be recorded (<c>signalengine.recording.failures</c>), by where it failed: store or audit.</summary>
public sealed class RecordingMetrics
{
    private readonly Counter<long> _failures;

    public RecordingMetrics(IMeterFactory factory) =>
        _failures = SignalEngineMeter.Create(factory).CreateCounter<long>(
            "signalengine.recording.failures", "{batch}", "Batches answered 503 because the store or the audit log failed");

    public void Failed(string where) => _failures.Add(1, new KeyValuePair<string, object?>("where", where));
}
