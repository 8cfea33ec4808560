using SignalEngine.Bundle;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Api.Serving;

public static class PipelineRegistration
{
    /// <summary>
    /// Loads the configured bundle at start (its stages found by the names in its manifest, see <see cref="StageCatalog"/>)
    /// and serves it through <see cref="ActiveBundle"/>; the three stage roles resolve from whatever bundle is active.
    /// </summary>
    public static IServiceCollection AddSignalPipeline(this IServiceCollection services)
    {
        services.AddSettings<PipelineOptions>(PipelineOptions.Section);

        services.AddSingleton(provider =>
        {
            var options = provider.Settings<PipelineOptions>();
            return ModelBundle.Load(provider.GetRequiredService<IHostEnvironment>().ResolvePath(options.BundlePath));
        });
        services.AddSingleton(provider => new ActiveBundle(
            provider.GetRequiredService<ModelBundle>(), provider.GetService<Metrics.StageDurationMetrics>()));

        // The stages of whatever serves now: resolved from the active bundle at each resolution, so after a swap
        // nothing hands out a model of the disposed bundle. Transient on purpose: a singleton would pin the first one.
        services.AddTransient<ITreeFilter>(provider => provider.GetRequiredService<ActiveBundle>().Current.Bundle.TreeFilter);
        services.AddTransient<IReadOnlyList<ISequenceRefiner>>(provider => provider.GetRequiredService<ActiveBundle>().Current.Bundle.SequenceRefiners);
        services.AddTransient<IMetaLearner>(provider => provider.GetRequiredService<ActiveBundle>().Current.Bundle.MetaLearner);
        services.AddHostedService<BundleStartup>();
        return services;
    }

    /// <summary>Resolves the active bundle while the host starts, so a missing or broken bundle fails the start.</summary>
    private sealed class BundleStartup(IServiceProvider provider, ILogger<BundleStartup> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var model = provider.GetRequiredService<ActiveBundle>().Current;
            logger.LogInformation(
                "Serving model {ModelVersion} from {BundleDirectory} ({FeatureCount} features, window {WindowLength})",
                model.Version, model.Bundle.Directory, model.Bundle.Schema.Count, model.Bundle.Manifest.WindowLength);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
