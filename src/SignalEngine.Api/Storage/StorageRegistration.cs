using System.Data.Common;

namespace SignalEngine.Api.Storage;

public static class StorageRegistration
{
    /// <summary>The signal store chosen by configuration (Storage:Provider), its table created at start.</summary>
    public static IServiceCollection AddSignalStore(this IServiceCollection services)
    {
        services.AddSettings<StorageOptions>(StorageOptions.Section);
        services.AddSingleton<ISignalStore>(provider =>
        {
            var options = provider.Settings<StorageOptions>();
            return options.IsPostgres
                ? new PostgresSignalStore(options.PostgresConnectionString!)
                : new SqliteSignalStore(provider.GetRequiredService<IHostEnvironment>().ResolvePath(options.SqlitePath));
        });
        services.AddSingleton(provider =>
        {
            var options = provider.Settings<StorageOptions>();
            return options.IsPostgres
                ? IdempotencyStore.Postgres(options.PostgresConnectionString!)
                : IdempotencyStore.Sqlite(provider.GetRequiredService<IHostEnvironment>().ResolvePath(options.SqlitePath));
        });
        services.AddHostedService<StoreStartup>();
        return services;
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
