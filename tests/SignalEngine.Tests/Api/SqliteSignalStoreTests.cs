using Microsoft.Data.Sqlite;
using SignalEngine.Api.Storage;
using SignalEngine.Labels;

namespace SignalEngine.Tests.Api;

public sealed class SqliteSignalStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "signalengine-tests", "store-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly SqliteSignalStore _store;

    public SqliteSignalStoreTests() => _store = new SqliteSignalStore(Path.Combine(_folder, "nested", "signals.db"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static SignalRecord Record(string instrument = "TTRC", SignalAction action = SignalAction.Buy) => new(
        Guid.CreateVersion7(),
        instrument,
        new DateTimeOffset(2026, 1, 2, 15, 30, 0, TimeSpan.FromHours(1)),
        action,
        "v-test",
        DateTimeOffset.UtcNow,
        """{"id":"x","action":"buy"}""",
        """{"treeFilter":{"baseValue":0.1}}""",
        """{"instrument":"TTRC","features":{"ret_1":0.5}}""");

    [Fact]
    public async Task FolderAndTableAreCreatedOnFirstStartAndARecordRoundTrips()
    {
        await _store.InitializeAsync(CancellationToken.None);
        await _store.InitializeAsync(CancellationToken.None);
        var records = new[] { Record(), Record("EUR", SignalAction.Hold) };

        await _store.SaveAsync(records, null, CancellationToken.None);

        File.Exists(_store.Path).Should().BeTrue();
        foreach (var record in records)
        {
            (await _store.GetAsync(record.Id, CancellationToken.None)).Should().Be(record);
        }
        (await _store.IsHealthyAsync(CancellationToken.None)).Should().BeTrue();
    }

    [Fact]
    public async Task UnknownIdIsNull()
    {
        await _store.InitializeAsync(CancellationToken.None);

        (await _store.GetAsync(Guid.NewGuid(), CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task BatchIsRolledBackWhenTheStepBeforeCommitFails()
    {
        await _store.InitializeAsync(CancellationToken.None);
        var records = new[] { Record(), Record() };

        var save = () => _store.SaveAsync(records, _ => throw new IOException("audit down"), CancellationToken.None);

        await save.Should().ThrowAsync<IOException>();
        foreach (var record in records) (await _store.GetAsync(record.Id, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task BatchIsAllOrNothingWhenOneRowFails()
    {
        await _store.InitializeAsync(CancellationToken.None);
        var first = Record();
        var beforeCommitRan = false;

        var save = () => _store.SaveAsync([first, Record(), first with { Instrument = "DUP" }], _ =>
        {
            beforeCommitRan = true;
            return Task.CompletedTask;
        }, CancellationToken.None);

        await save.Should().ThrowAsync<SqliteException>();
        beforeCommitRan.Should().BeFalse("the audit must not be written for a batch the store refused");
        (await _store.GetAsync(first.Id, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task StoreWithoutItsTableIsNotHealthy()
    {
        (await _store.IsHealthyAsync(CancellationToken.None)).Should().BeFalse();
    }
}
