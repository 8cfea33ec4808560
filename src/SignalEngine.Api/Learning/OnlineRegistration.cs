using SignalEngine.Online;

namespace SignalEngine.Api.Learning;

public static class OnlineRegistration
{
    /// <summary>Outcomes, the model registry and the background learner; the learner idles unless OnlineLearning:Enabled.</summary>
    public static IServiceCollection AddOnlineLearning(this IServiceCollection services)
    {
        services.AddSettings<OnlineOptions>(OnlineOptions.Section);
        services.AddSettings<PromotionOptions>(OnlineOptions.Section);
        services.AddSingleton(provider => provider.ConfiguredStore(OutcomeStore.Postgres, OutcomeStore.Sqlite));
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<ModelLifecycle>();
        services.AddSingleton<OutcomeRecorder>();
        services.AddHostedService<OutcomeStoreStartup>();
        services.AddSingleton<OnlineLearner>();
        services.AddHostedService(provider => provider.GetRequiredService<OnlineLearner>());
        return services;
    }

    /// <summary>Creates the outcome tables after the signal store exists (same database).</summary>
    private sealed class OutcomeStoreStartup(OutcomeStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
