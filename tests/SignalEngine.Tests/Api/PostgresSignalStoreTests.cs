using Npgsql;
using SignalEngine.Api.Storage;
using SignalEngine.Tests.Api.Support;

namespace SignalEngine.Tests.Api;

/// <summary>The store contract on a real PostgreSQL, each test in a schema of its own (see <see cref="TestPostgres"/>).</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresSignalStoreTests : SignalStoreContract, IAsyncLifetime
{
    private readonly TestPostgres.Schema _schema = TestPostgres.CreateSchema();
    private readonly PostgresSignalStore _store;

    public PostgresSignalStoreTests() => _store = new PostgresSignalStore(_schema.ConnectionString);

    protected override ISignalStore Store => _store;

    protected override System.Data.Common.DbConnection Connect() => new NpgsqlConnection(_schema.ConnectionString);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _schema.Dispose();
    }

    [Fact]
    public async Task ReplicasStartingTogetherCreateTheTableOnce()
    {
        var replicas = Enumerable.Range(0, 6).Select(_ => new PostgresSignalStore(_schema.ConnectionString)).ToArray();
        try
        {
            await Task.WhenAll(replicas.Select(r => r.InitializeAsync(CancellationToken.None)));

            var record = Record();
            await replicas[0].SaveAsync([record], null, CancellationToken.None);
            (await replicas[5].GetAsync(record.Id, CancellationToken.None)).Should().Be(record);
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    [Fact]
    public async Task UnreachableServerIsNotHealthy()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(_schema.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;
        await using var store = new PostgresSignalStore(unreachable);

        (await store.IsHealthyAsync(CancellationToken.None)).Should().BeFalse();
    }
}
