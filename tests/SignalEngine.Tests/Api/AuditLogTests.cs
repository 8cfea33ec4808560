using System.Text.Json;
using SignalEngine.Api.Audit;
using SignalEngine.Api.Storage;
using SignalEngine.Labels;

namespace SignalEngine.Tests.Api;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "signalengine-tests", "audit-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SignalRecord Record() => new(
        Guid.CreateVersion7(), "TTRC", DateTimeOffset.UtcNow, SignalAction.Sell, "v-test", DateTimeOffset.UtcNow,
        """{"action":"sell","confidence":0.61,"stages":{"sequence":[{"model":"lstm","probabilityUp":null}]}}""",
        """{"treeFilter":{"baseValue":-0.2,"contributions":[{"feature":"rsi_14","contribution":0.3}]}}""",
        JsonSerializer.Serialize(new SignalEngine.Api.Input.FeatureBatchItem("TTRC", DateTimeOffset.UnixEpoch,
            new Dictionary<string, double> { ["rsi_14"] = 71.5 }, [], null), SignalEngine.Api.Hosting.ApiDefaults.Json));

    [Fact]
    public void EachSignalIsOneJsonLineWithItsIdsItsItemInTheBatchsInputsAndItsExplanationsHash()
    {
        using var audit = new SerilogAuditLog(Path.Combine(_folder, "logs", "audit-.json"));
        var records = new[] { Record(), Record() };
        var batch = RecordedBatch.Of(records);

        audit.SignalsIssued(batch, new AuditContext("req-1", "trace-1"));

        var file = audit.PathFor(DateTimeOffset.UtcNow);
        Path.GetFileName(file).Should().Be($"audit-{DateTime.UtcNow:yyyyMMdd}.json");
        var lines = File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var inputs = lines[0].GetProperty("BatchInputs");
        inputs.GetProperty("batchId").GetString().Should().Be(batch.Id.ToString("D"));
        lines[1].TryGetProperty("BatchInputs", out _).Should().BeFalse("a batch's inputs are audited once");
        var decoded = BatchInputs.Decode(Convert.FromBase64String(inputs.GetProperty("data").GetString()!));
        decoded.Count.Should().Be(2);
        decoded.RowCount.Should().Be(1, "both items have the same row, kept once");
        decoded.ItemJson(1).Should().Be(records[1].InputJson);
        lines.Select(l => l.GetProperty("SignalId").GetString()).Should().Equal(records.Select(r => r.Id.ToString("D")));
        lines.Should().OnlyContain(l => l.GetProperty("Event").GetString() == "signal.issued"
            && l.GetProperty("RequestId").GetString() == "req-1"
            && l.GetProperty("TraceId").GetString() == "trace-1"
            && l.GetProperty("ModelVersion").GetString() == "v-test"
            && l.GetProperty("Action").GetString() == "sell");
        lines[0].GetProperty("Signal").GetProperty("confidence").GetDouble().Should().Be(0.61);
        lines[0].GetProperty("Signal").GetProperty("stages").GetProperty("sequence")[0].GetProperty("probabilityUp").ValueKind.Should().Be(JsonValueKind.Null);
        lines[1].GetProperty("Input").GetProperty("batchId").GetString().Should().Be(batch.Id.ToString("D"));
        lines[1].GetProperty("Input").GetProperty("item").GetInt32().Should().Be(1);
        lines[0].GetProperty("ExplanationSha256").GetString().Should().Be(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(records[0].ExplanationJson))));
    }

    [Fact]
    public void FailedWriteThrowsInsteadOfBeingDroppedAndRecoversOnceTheFolderIsBack()
    {
        var folder = Path.Combine(_folder, "blocked");
        File.WriteAllText(folder, "a file where the folder should be");
        using var audit = new SerilogAuditLog(Path.Combine(folder, "audit-.json"));

        var write = () => audit.SignalsIssued(RecordedBatch.Of([Record()]), new AuditContext("req-2", null));

        write.Should().Throw<AuditWriteException>();
        audit.IsWritable().Should().BeFalse();

        File.Delete(folder);
        write.Should().NotThrow();
        audit.IsWritable().Should().BeTrue();
        File.ReadAllLines(audit.PathFor(DateTimeOffset.UtcNow)).Should().ContainSingle();
    }

    [Fact]
    public void VoidedSignalsAreAuditedByIdWithTheReason()
    {
        using var audit = new SerilogAuditLog(Path.Combine(_folder, "audit-.json"));
        var id = Guid.CreateVersion7();

        audit.SignalsVoided([id], "not stored: disk full", new AuditContext("req-3", null));

        var line = JsonDocument.Parse(File.ReadAllLines(audit.PathFor(DateTimeOffset.UtcNow)).Single()).RootElement;
        line.GetProperty("Event").GetString().Should().Be("signal.voided");
        line.GetProperty("SignalId").GetString().Should().Be(id.ToString("D"));
        line.GetProperty("Reason").GetString().Should().Contain("disk full");
    }
}
