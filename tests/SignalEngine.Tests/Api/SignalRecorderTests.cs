using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using SignalEngine.Api.Audit;
using SignalEngine.Api.Serving;
using SignalEngine.Api.Input;
using SignalEngine.Api.Storage;
using SignalEngine.Features;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Stages;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Tests.Api;

/// <summary>The ordering of store and audit: what is left behind when either fails.</summary>
public sealed class SignalRecorderTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "signalengine-tests", "recorder-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly FeatureSchema Schema = new(["ret_1"]);

    private static PipelineResult Result()
    {
        var id = Guid.CreateVersion7();
        var probabilities = new ClassProbabilities(0.5, 0.2, 0.3);
        var interval = new CredibleInterval(0.4, 0.6, 0.9);
        var tree = new TreeFilterResult(0.7, 0.85, true, null, [], []);
        var signal = new Signal(id, "TTRC", DateTimeOffset.UtcNow, SignalAction.Buy, 0.5, probabilities, interval, 0.3, "expected payoff beats cost",
            new StageOutputs(tree, [], new MetaStageOutput("meta", "normal", 0, probabilities, 0.05)), "v1");
        var explanation = new SignalExplanation(id, "v1", new TreeExplanation(0.1, 0.85, [new FeatureContribution("ret_1", 0.2, 0.75)], []), [], [],
            new MetaExplanation(SignalAction.Buy, [], 0.05, interval, "tree", null, null));
        return new PipelineResult(signal, explanation, new SignalInput("TTRC", signal.Timestamp, [0.2], [], null));
    }

    private sealed class Store(bool failBeforeAudit) : ISignalStore
    {
        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task SaveAsync(RecordedBatch batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
        {
            if (failBeforeAudit) throw new IOException("database is locked");
            await beforeCommit!(cancellationToken);
            throw new IOException("commit failed: disk full");
        }

        public Task<SignalRecord?> GetAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult<SignalRecord?>(null);
        public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => Task.FromResult(false);
    }

    private (SignalRecorder Recorder, SerilogAuditLog Audit) Recorder(bool failBeforeAudit)
    {
        var audit = new SerilogAuditLog(Path.Combine(_folder, "audit-.json"));
        return (new SignalRecorder(new Store(failBeforeAudit), audit, NullLogger<SignalRecorder>.Instance), audit);
    }

    private string[] Events(SerilogAuditLog audit)
    {
        var path = audit.PathFor(DateTimeOffset.UtcNow);
        return File.Exists(path)
            ? File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Event").GetString()!).ToArray()
            : [];
    }

    [Fact]
    public async Task StoreFailingBeforeTheAuditLeavesNoAuditEvent()
    {
        var (recorder, audit) = Recorder(failBeforeAudit: true);
        using var _ = audit;

        var records = SignalRecorder.Prepare([Result(), Result()], ["items[0]", "items[1]"], Schema, out var errors);
        errors.Should().BeNull();

        var recorded = await recorder.TryRecordAsync(records, new DefaultHttpContext(), CancellationToken.None);

        recorded.Should().BeFalse();
        Events(audit).Should().BeEmpty();
    }

    [Fact]
    public async Task CommitFailingAfterTheAuditVoidsEveryAuditedSignal()
    {
        var (recorder, audit) = Recorder(failBeforeAudit: false);
        using var _ = audit;

        var records = SignalRecorder.Prepare([Result(), Result()], ["items[0]", "items[1]"], Schema, out var errors);
        errors.Should().BeNull();

        var recorded = await recorder.TryRecordAsync(records, new DefaultHttpContext(), CancellationToken.None);

        recorded.Should().BeFalse();
        Events(audit).Should().Equal("signal.issued", "signal.issued", "signal.voided", "signal.voided");
    }
}
