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

    [Fact]
    public async Task ListingIsNewestStoredFirstAndPagesWithTheCursorWithoutGapsOrRepeats()
    {
        await Store.InitializeAsync(CancellationToken.None);
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        // Seven signals, three of them stored in the same tick (one batch): the id breaks the tie.
        var records = Enumerable.Range(0, 7)
            .Select(i => Record() with { Created = start.AddSeconds(Math.Min(i, 4)), SignalJson = $$"""{"n":{{i}}}""" })
            .ToArray();
        await Store.SaveAsync(records, null, CancellationToken.None);
        var expected = records.OrderByDescending(r => r.Created).ThenByDescending(r => r.Id.ToString("D"), StringComparer.Ordinal).Select(r => r.Id).ToArray();

        var seen = new List<Guid>();
        SignalCursor? cursor = null;
        for (var page = 0; page < 10; page++)
        {
            var listed = await Store.ListAsync(new SignalQuery(null, null, null, cursor, 3), CancellationToken.None);
            listed.Count.Should().BeLessThanOrEqualTo(4, "at most one more than the limit");
            seen.AddRange(listed.Take(3).Select(l => l.Id));
            if (listed.Count <= 3) break;
            cursor = listed[2].Cursor;
        }

        seen.Should().Equal(expected);
        var first = (await Store.ListAsync(new SignalQuery(null, null, null, null, 1), CancellationToken.None))[0];
        first.SignalJson.Should().Be(records.Single(r => r.Id == expected[0]).SignalJson);
        first.Created.Should().Be(start.AddSeconds(4));
    }

    [Fact]
    public async Task ListingFiltersByInstrumentActionAndModelVersion()
    {
        await Store.InitializeAsync(CancellationToken.None);
        var buyA = Record("AAA", SignalAction.Buy);
        var sellA = Record("AAA", SignalAction.Sell);
        var buyB = Record("BBB", SignalAction.Buy) with { ModelVersion = "v-other" };
        await Store.SaveAsync([buyA, sellA, buyB], null, CancellationToken.None);

        async Task<IEnumerable<Guid>> Ids(string? instrument, SignalAction? action, string? model) =>
            (await Store.ListAsync(new SignalQuery(instrument, action, model, null, 10), CancellationToken.None)).Select(l => l.Id);

        (await Ids("AAA", null, null)).Should().BeEquivalentTo([buyA.Id, sellA.Id]);
        (await Ids(null, SignalAction.Buy, null)).Should().BeEquivalentTo([buyA.Id, buyB.Id]);
        (await Ids(null, null, "v-other")).Should().BeEquivalentTo([buyB.Id]);
        (await Ids("AAA", SignalAction.Buy, "v-test")).Should().BeEquivalentTo([buyA.Id]);
        (await Ids("CCC", null, null)).Should().BeEmpty();
    }

    [Fact]
    public void CursorRoundTripsAndRejectsWhatItDidNotIssue()
    {
        var cursor = new SignalCursor(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567), Guid.CreateVersion7());

        SignalCursor.TryParse(cursor.Encode()).Should().Be(cursor);
        cursor.Encode().Should().MatchRegex("^[A-Za-z0-9_-]+$", "it travels in a query string unescaped");
        SignalCursor.TryParse("not a cursor").Should().BeNull();
        SignalCursor.TryParse(Convert.ToBase64String("2026-01-01|nope"u8.ToArray())).Should().BeNull();
        SignalCursor.TryParse("").Should().BeNull();
    }
}
