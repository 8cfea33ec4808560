using System.Data.Common;
using SignalEngine.Api.Storage;
using SignalEngine.Labels;

namespace SignalEngine.Tests.Api;

/// <summary>
/// What every signal store promises the recorder, run once per backend by the concrete classes below this one:
/// idempotent start, exact round trip, all-or-nothing batches, and a readiness answer.
/// </summary>
public abstract class SignalStoreContract
{
    /// <summary>A store on a database of its own that nobody has initialised yet.</summary>
    protected abstract ISignalStore Store { get; }

    protected static SignalRecord Record(string instrument = "TTRC", SignalAction action = SignalAction.Buy) => new(
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
    public async Task TableIsCreatedOnFirstStartAndARecordRoundTripsExactly()
    {
        await Store.InitializeAsync(CancellationToken.None);
        await Store.InitializeAsync(CancellationToken.None);
        var records = new[] { Record(), Record("EUR", SignalAction.Hold) };

        await Store.SaveAsync(records, null, CancellationToken.None);

        foreach (var record in records)
        {
            var stored = await Store.GetAsync(record.Id, CancellationToken.None);
            stored.Should().Be(record);
            stored!.Created.Ticks.Should().Be(record.Created.UtcTicks, "timestamps keep all seven fractional digits");
        }
        (await Store.IsHealthyAsync(CancellationToken.None)).Should().BeTrue();
    }

    [Fact]
    public async Task UnknownIdIsNull()
    {
        await Store.InitializeAsync(CancellationToken.None);

        (await Store.GetAsync(Guid.NewGuid(), CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task BatchIsRolledBackWhenTheStepBeforeCommitFails()
    {
        await Store.InitializeAsync(CancellationToken.None);
        var records = new[] { Record(), Record() };
        var visibleBeforeCommit = false;

        var save = () => Store.SaveAsync(records, async token =>
        {
            visibleBeforeCommit = await Store.GetAsync(records[0].Id, token) is not null;
            throw new IOException("audit down");
        }, CancellationToken.None);

        await save.Should().ThrowAsync<IOException>();
        visibleBeforeCommit.Should().BeFalse("readers must not see a batch before its audit is written");
        foreach (var record in records) (await Store.GetAsync(record.Id, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task BatchIsAllOrNothingWhenOneRowFails()
    {
        await Store.InitializeAsync(CancellationToken.None);
        var first = Record();
        var beforeCommitRan = false;

        var save = () => Store.SaveAsync([first, Record(), first with { Instrument = "DUP" }], _ =>
        {
            beforeCommitRan = true;
            return Task.CompletedTask;
        }, CancellationToken.None);

        await save.Should().ThrowAsync<DbException>();
        beforeCommitRan.Should().BeFalse("the audit must not be written for a batch the store refused");
        (await Store.GetAsync(first.Id, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task ConcurrentBatchesAreAllStored()
    {
        await Store.InitializeAsync(CancellationToken.None);
        var batches = Enumerable.Range(0, 8).Select(_ => new[] { Record(), Record(), Record() }).ToArray();

        await Task.WhenAll(batches.Select(b => Store.SaveAsync(b, null, CancellationToken.None)));

        foreach (var record in batches.SelectMany(b => b)) (await Store.GetAsync(record.Id, CancellationToken.None)).Should().Be(record);
    }

    [Fact]
    public async Task StoreWithoutItsTableIsNotHealthy()
    {
        (await Store.IsHealthyAsync(CancellationToken.None)).Should().BeFalse();
    }
}
