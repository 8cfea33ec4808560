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

    /// <summary>A plain connection to the store's database (not opened), for writing what an older version left.</summary>
    protected abstract DbConnection Connect();

    protected static SignalRecord Record(string instrument = "TTRC", SignalAction action = SignalAction.Buy) => new(
        Guid.CreateVersion7(),
        instrument,
        new DateTimeOffset(2026, 1, 2, 15, 30, 0, TimeSpan.FromHours(1)),
        action,
        "v-test",
        Created,
        """{"id":"x","action":"buy"}""",
        """{"treeFilter":{"baseValue":0.1}}""",
        Input);

    /// <summary>When the records were made: one time, as the recorder gives every signal of a batch its batch's.</summary>
    private static readonly DateTimeOffset Created = DateTimeOffset.UtcNow;

    /// <summary>An input as the recorder stores it: a request item with its history (a -0 kept apart from 0).</summary>
    private static readonly string Input = System.Text.Json.JsonSerializer.Serialize(new SignalEngine.Api.Input.FeatureBatchItem(
        "TTRC", new DateTimeOffset(2026, 1, 2, 15, 30, 0, TimeSpan.FromHours(1)),
        new Dictionary<string, double> { ["ret_1"] = 0.5, ["rsi_14"] = -0.0 },
        [new Dictionary<string, double> { ["ret_1"] = 0.25, ["rsi_14"] = 40.5 }],
        new SignalEngine.Pipeline.MarketContext("low", null)), SignalEngine.Api.Hosting.ApiDefaults.Json);

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

    /// <summary>The signals table as schema 1 made it (every row its own explanation and input as JSON text).</summary>
    private const string SchemaOneTable = """
        CREATE TABLE signals (
            id VARCHAR(36) NOT NULL PRIMARY KEY, instrument VARCHAR(200) NOT NULL, signal_time VARCHAR(40) NOT NULL,
            action VARCHAR(8) NOT NULL, model_version VARCHAR(200) NOT NULL, created_at VARCHAR(40) NOT NULL,
            signal_json TEXT NOT NULL, explanation_json TEXT NOT NULL, input_json TEXT NOT NULL)
        """;

    [Fact]
    public async Task SchemaOneStoreIsBroughtToSchemaTwoItsRowsReadBackAsWrittenAndNewBatchesGoBesideThem()
    {
        var old = Record();
        await using (var connection = Connect())
        {
            await connection.OpenAsync();
            await PortableSql.ExecuteAsync(connection, null, SchemaOneTable, CancellationToken.None);
            await PortableSql.ExecuteAsync(connection, null, """
                INSERT INTO signals VALUES (@id, @instrument, '2026-01-02T14:30:00.0000000Z', 'buy', 'v-old', @created, @signal, @explanation, @input)
                """, CancellationToken.None,
                ("@id", old.Id.ToString("D")), ("@instrument", old.Instrument), ("@created", old.Created.ToUniversalTime().ToString("O")),
                ("@signal", old.SignalJson), ("@explanation", old.ExplanationJson), ("@input", old.InputJson));
        }

        await Store.InitializeAsync(CancellationToken.None);
        await Store.InitializeAsync(CancellationToken.None);
        var fresh = new[] { Record(), Record("EUR", SignalAction.Sell) };
        await Store.SaveAsync(fresh, null, CancellationToken.None);

        (await Store.GetAsync(old.Id, CancellationToken.None)).Should().Be(old with { ModelVersion = "v-old" });
        foreach (var record in fresh) (await Store.GetAsync(record.Id, CancellationToken.None)).Should().Be(record);
        await using (var connection = Connect())
        {
            await connection.OpenAsync();
            async Task<long> Scalar(string sql) => Convert.ToInt64(await PortableSql.ScalarAsync(connection, null, sql, CancellationToken.None));
            (await Scalar("SELECT version FROM signal_schema")).Should().Be(SignalRow.SchemaVersion);
            (await Scalar("SELECT COUNT(*) FROM signal_batches")).Should().Be(1, "the two new signals share one batch's inputs");
            (await Scalar("SELECT MAX(LENGTH(input_json)) FROM signals WHERE batch_id IS NOT NULL")).Should().Be(0, "schema-2 rows keep their input in the batch, not on the row");
        }
    }

    /// <summary>
    /// A schema-2 store (signals as text beside their compressed explanations) is brought to schema 3: its rows read
    /// back and list as written, new signals are kept compressed (signal_json left empty) and read back byte for byte.
    /// </summary>
    [Fact]
    public async Task SchemaTwoStoreIsBroughtToSchemaThreeItsSignalsReadBackAsWrittenAndNewOnesAreKeptCompressed()
    {
        var schema = new SignalEngine.Features.FeatureSchema(["ret_1", "rsi_14"]);
        var time = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);
        var inputs = BatchInputs.Of([new SignalEngine.Pipeline.SignalInput("TTRC", time, [0.5, 40.0], [[0.25, 41.0]], null)], schema);
        var old = new RecordedBatch(Guid.CreateVersion7(), DateTimeOffset.UtcNow, inputs,
            [RecordedSignal.Of(Guid.CreateVersion7(), "TTRC", time, SignalAction.Sell, "v-old", """{"id":"old","action":"sell"}""", """{"e":"old"}""", 0)]);
        await using (var connection = Connect())
        {
            await connection.OpenAsync();
            var blob = connection is Npgsql.NpgsqlConnection ? "BYTEA" : "BLOB";
            await PortableSql.ExecuteAsync(connection, null, SchemaOneTable, CancellationToken.None);
            foreach (var sql in new[]
            {
                $"CREATE TABLE signal_batches (id VARCHAR(36) NOT NULL PRIMARY KEY, created_at VARCHAR(40) NOT NULL, inputs {blob} NOT NULL)",
                $"ALTER TABLE signals ADD COLUMN explanation_br {blob}",
                "ALTER TABLE signals ADD COLUMN batch_id VARCHAR(36)",
                "ALTER TABLE signals ADD COLUMN batch_item INTEGER",
                "CREATE TABLE signal_schema (version INTEGER NOT NULL)",
                "INSERT INTO signal_schema (version) VALUES (2)",
            })
            {
                await PortableSql.ExecuteAsync(connection, null, sql, CancellationToken.None);
            }
            var created = old.Created.ToUniversalTime().ToString("O");
            await PortableSql.ExecuteAsync(connection, null, "INSERT INTO signal_batches VALUES (@id, @created, @inputs)", CancellationToken.None,
                ("@id", old.Id.ToString("D")), ("@created", created), ("@inputs", old.EncodedInputs));
            var signal = old.Signals[0];
            await PortableSql.ExecuteAsync(connection, null, """
                INSERT INTO signals VALUES (@id, 'TTRC', '2026-01-02T00:00:00.0000000Z', 'sell', 'v-old', @created, @signal, '', '', @explanation, @batch, 0)
                """, CancellationToken.None,
                ("@id", signal.Id.ToString("D")), ("@created", created), ("@signal", signal.SignalJson), ("@explanation", signal.Explanation), ("@batch", old.Id.ToString("D")));
        }

        await Store.InitializeAsync(CancellationToken.None);
        var fresh = Record("EUR", SignalAction.Hold);
        await Store.SaveAsync([fresh], null, CancellationToken.None);

        (await Store.GetAsync(old.Signals[0].Id, CancellationToken.None)).Should().Be(old.Record(0));
        (await Store.GetAsync(fresh.Id, CancellationToken.None)).Should().Be(fresh);
        var listed = await Store.ListAsync(new SignalQuery(null, null, null, null, 10), CancellationToken.None);
        listed.Select(l => l.SignalJson).Should().BeEquivalentTo([fresh.SignalJson, old.Signals[0].SignalJson]);
        await using (var connection = Connect())
        {
            await connection.OpenAsync();
            async Task<object?> Scalar(string sql, Guid id) => await PortableSql.ScalarAsync(connection, null, sql, CancellationToken.None, ("@id", id.ToString("D")));
            Convert.ToInt64(await PortableSql.ScalarAsync(connection, null, "SELECT MAX(version) FROM signal_schema", CancellationToken.None)).Should().Be(3);
            (await Scalar("SELECT signal_json FROM signals WHERE id = @id", fresh.Id)).Should().Be("", "a schema-3 row keeps its signal compressed");
            ((byte[])(await Scalar("SELECT signal_br FROM signals WHERE id = @id", fresh.Id))!).Should().Equal(Compression.Compress(System.Text.Encoding.UTF8.GetBytes(fresh.SignalJson)));
            (await Scalar("SELECT signal_br FROM signals WHERE id = @id", old.Signals[0].Id)).Should().BeNull("a schema-2 row stays as it was written");
        }
    }

    [Fact]
    public async Task StoreOfANewerSchemaIsRefusedAtStart()
    {
        await Store.InitializeAsync(CancellationToken.None);
        await using (var connection = Connect())
        {
            await connection.OpenAsync();
            await PortableSql.ExecuteAsync(connection, null, "UPDATE signal_schema SET version = 99", CancellationToken.None);
        }

        var start = () => Store.InitializeAsync(CancellationToken.None);

        (await start.Should().ThrowAsync<SignalEngine.Api.Hosting.StartupException>()).Which.Message.Should().Contain("schema 99");
    }

    [Fact]
    public async Task BatchInputsAreKeptOnceForAllItsSignalsAndEachSignalReadsBackItsOwnItem()
    {
        await Store.InitializeAsync(CancellationToken.None);
        var rows = Enumerable.Range(0, 40).Select(i => new[] { 0.01 * i, 30.0 + i }).ToArray();
        var schema = new SignalEngine.Features.FeatureSchema(["ret_1", "rsi_14"]);
        var start = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);
        var inputs = Enumerable.Range(10, 30)
            .Select(r => new SignalEngine.Pipeline.SignalInput("TTRC", start.AddDays(r), rows[r], new ArraySegment<double[]>(rows, r - 9, 9), null))
            .ToArray();
        var batchInputs = BatchInputs.Of(inputs, schema);
        var batch = new RecordedBatch(Guid.CreateVersion7(), DateTimeOffset.UtcNow, batchInputs, inputs.Select((input, i) =>
            RecordedSignal.Of(Guid.CreateVersion7(), input.Instrument, input.Timestamp, SignalAction.Hold, "v-test", $$"""{"n":{{i}}}""", $$"""{"e":{{i}}}""", i)).ToArray());

        await Store.SaveAsync(batch, null, CancellationToken.None);

        batchInputs.RowCount.Should().Be(39, "rows 1 to 39 are each kept once, whichever items they are history of");
        for (var i = 0; i < inputs.Length; i += 7)
        {
            var stored = await Store.GetAsync(batch.Signals[i].Id, CancellationToken.None);
            stored.Should().Be(batch.Record(i));
            stored!.ExplanationJson.Should().Be($$"""{"e":{{i}}}""");
            var item = System.Text.Json.JsonSerializer.Deserialize<SignalEngine.Api.Input.FeatureBatchItem>(stored.InputJson, SignalEngine.Api.Hosting.ApiDefaults.Json)!;
            item.History!.Should().HaveCount(9);
            item.Features["rsi_14"].Should().Be(inputs[i].Features[1]);
        }
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
