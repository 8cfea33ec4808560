using System.Data.Common;

namespace SignalEngine.Api.Storage;

public static class StorageRegistration
{
    /// <summary>The signal store chosen by configuration (Storage:Provider), its table created at start.</summary>
    public static IServiceCollection AddSignalStore(this IServiceCollection services)
    {
        services.AddSettings<StorageOptions>(StorageOptions.Section);
        services.AddSingleton<ISignalStore>(provider =>
            provider.ConfiguredStore<ISignalStore>(connection => new PostgresSignalStore(connection), path => new SqliteSignalStore(path)));
        services.AddSingleton(provider => provider.ConfiguredStore(IdempotencyStore.Postgres, IdempotencyStore.Sqlite));
        services.AddHostedService<StoreStartup>();
        return services;
    }

    /// <summary>
    /// A store on the database Storage:Provider chooses, which every store of the service shares: PostgreSQL by its
    /// connection string, or the SQLite file (relative to the content root).
    /// </summary>
    public static T ConfiguredStore<T>(this IServiceProvider provider, Func<string, T> postgres, Func<string, T> sqlite)
    {
        var options = provider.Settings<StorageOptions>();
        return options.IsPostgres
            ? postgres(options.PostgresConnectionString!)
            : sqlite(provider.GetRequiredService<IHostEnvironment>().ResolvePath(options.SqlitePath));
    }

    private sealed class StoreStartup(ISignalStore store, IdempotencyStore idempotency) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                await store.InitializeAsync(cancellationToken);
                await idempotency.InitializeAsync(cancellationToken);
            }
            catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or TimeoutException)
            {
                var where = store switch
                {
                    SqliteSignalStore sqlite => sqlite.Path,
                    PostgresSignalStore postgres => $"PostgreSQL at {postgres.Server}",
                    _ => "the signal store",
                };
                throw new StartupException($"{where}: cannot create the signal store ({e.Message.ReplaceLineEndings(" ")})", e);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
