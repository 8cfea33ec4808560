using SignalEngine.Api.Storage;
using SignalEngine.Labels;
using SignalEngine.Tests.Api.Support;

namespace SignalEngine.Tests.Online;

/// <summary>The outcome store's behaviour, run on SQLite and on PostgreSQL (the same SQL on both).</summary>
public abstract class OutcomeStoreContract
{
    protected abstract OutcomeStore Store { get; }

    /// <summary>A signal store on the outcome store's database, as the service has it.</summary>
    protected abstract ISignalStore Signals { get; }

    [Fact]
    public async Task OutcomesAreRecordedOnceInArrivalOrderAndMarkedWhenUsed()
    {
        await Store.InitializeAsync(default);
        await Store.InitializeAsync(default);
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

        var first = await Store.RecordAsync([(ids[0], SignalAction.Buy, 0.03), (ids[1], SignalAction.Hold, null)], default);
        var second = await Store.RecordAsync([(ids[1], SignalAction.Sell, null), (ids[2], SignalAction.Sell, -0.02)], default);

        first.Should().Equal(ids[0], ids[1]);
        second.Should().Equal([ids[2]], "an outcome already recorded is not recorded again");
        var unused = await Store.UnusedAsync(default);
        unused.Select(o => (o.SignalId, o.Label)).Should().Equal((ids[0], SignalAction.Buy), (ids[1], SignalAction.Hold), (ids[2], SignalAction.Sell));
        unused[0].ForwardReturn.Should().Be(0.03);
        (await Store.HasAsync(ids[1], default)).Should().BeTrue();

        await Store.MarkUsedAsync([ids[0]], "v2", default);
        (await Store.UnusedAsync(default)).Select(o => o.SignalId).Should().Equal(ids[1], ids[2]);
        (await Store.ByIdsAsync([ids[0], ids[2]], default)).Select(o => o.UsedBy).Should().Equal("v2", null);
    }

    [Fact]
    public async Task ScoredSignalsAreTheOutcomesOfStoredSignalsNewestFirstWithoutLabelledBars()
    {
        await Signals.InitializeAsync(default);
        await Store.InitializeAsync(default);
        SignalRecord Signal(string version) => new(Guid.CreateVersion7(), "AAA", DateTimeOffset.UtcNow, SignalAction.Buy, version, DateTimeOffset.UtcNow,
            $$"""{"version":"{{version}}"}""", "{}", "{}");
        var (first, second, other) = (Signal("v1"), Signal("v1"), Signal("v2"));
        await Signals.SaveAsync([first, second, other], null, default);
        await Store.RecordAsync([(first.Id, SignalAction.Buy, null, (string?)null), (second.Id, SignalAction.Sell, null, null), (other.Id, SignalAction.Hold, null, null)], default);
        await Store.RecordAsync([(Guid.NewGuid(), SignalAction.Hold, null, "{\"bar\":1}")], default);

        (await Store.ScoredSignalsAsync(10, null, default)).Should().Equal(
            (SignalAction.Hold, other.SignalJson), (SignalAction.Sell, second.SignalJson), (SignalAction.Buy, first.SignalJson));
        (await Store.ScoredSignalsAsync(10, "v1", default)).Select(s => s.Label).Should().Equal(SignalAction.Sell, SignalAction.Buy);
        (await Store.ScoredSignalsAsync(1, null, default)).Should().ContainSingle().Which.Label.Should().Be(SignalAction.Hold);
    }

    [Fact]
    public async Task StateIsUpsertedByKey()
    {
        await Store.InitializeAsync(default);

        await Store.SetStateAsync("replay", "one", default);
        await Store.SetStateAsync("replay", "two", default);

        (await Store.GetStateAsync("replay", default)).Should().Be("two");
        (await Store.GetStateAsync("missing", default)).Should().BeNull();
    }
}

public sealed class SqliteOutcomeStoreTests : OutcomeStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "signalengine-tests", "outcomes-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public SqliteOutcomeStoreTests()
    {
        Store = OutcomeStore.Sqlite(Path.Combine(_folder, "signals.db"));
        Signals = new SqliteSignalStore(Path.Combine(_folder, "signals.db"));
    }

    protected override OutcomeStore Store { get; }

    protected override ISignalStore Signals { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

[Trait("Category", "Postgres")]
public sealed class PostgresOutcomeStoreTests : OutcomeStoreContract, IDisposable
{
    private readonly TestPostgres.Schema _schema = TestPostgres.CreateSchema();

    private readonly PostgresSignalStore _signals;

    public PostgresOutcomeStoreTests()
    {
        Store = OutcomeStore.Postgres(_schema.ConnectionString);
        _signals = new PostgresSignalStore(_schema.ConnectionString);
    }

    protected override OutcomeStore Store { get; }

    protected override ISignalStore Signals => _signals;

    public void Dispose()
    {
        _signals.Dispose();
        _schema.Dispose();
    }
}
