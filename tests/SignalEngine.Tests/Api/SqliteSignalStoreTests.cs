using Microsoft.Data.Sqlite;
using SignalEngine.Api.Storage;

namespace SignalEngine.Tests.Api;

public sealed class SqliteSignalStoreTests : SignalStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "signalengine-tests", "store-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly SqliteSignalStore _store;

    public SqliteSignalStoreTests() => _store = new SqliteSignalStore(Path.Combine(_folder, "nested", "signals.db"));

    protected override ISignalStore Store => _store;

    protected override System.Data.Common.DbConnection Connect()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_store.Path)!);
        return new SqliteConnection($"Data Source={_store.Path};Pooling=False");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task FileAndItsFolderAreCreatedOnFirstStart()
    {
        await _store.InitializeAsync(CancellationToken.None);

        File.Exists(_store.Path).Should().BeTrue();
    }
}
