using Microsoft.Extensions.Options;
using SignalEngine.Api.Hosting;
using SignalEngine.Bundle;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Api.Input;

namespace SignalEngine.Api.Serving;

public static class PipelineRegistration
{
    /// <summary>
    /// Loads the configured bundle at start and registers its three stages as services; the active bundle is composed
    /// from those registrations, so replacing one stage (a second sequence model, a pass-through) touches no other.
    /// </summary>
    public static IServiceCollection AddSignalPipeline(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<PipelineOptions>>().Value;
            return ModelBundle.Load(provider.GetRequiredService<IHostEnvironment>().ResolvePath(options.BundlePath));
        });
        services.AddSingleton<ITreeFilter>(provider => provider.GetRequiredService<ModelBundle>().TreeFilter);
        services.AddSingleton<IReadOnlyList<ISequenceRefiner>>(provider => provider.GetRequiredService<ModelBundle>().SequenceRefiners);
        services.AddSingleton<IMetaLearner>(provider => provider.GetRequiredService<ModelBundle>().MetaLearner);
        services.AddSingleton(provider =>
        {
            var loaded = provider.GetRequiredService<ModelBundle>();
            return new ActiveBundle(new ModelBundle(
                loaded.Directory,
                loaded.Manifest,
                provider.GetRequiredService<ITreeFilter>(),
                provider.GetRequiredService<IReadOnlyList<ISequenceRefiner>>(),
                provider.GetRequiredService<IMetaLearner>()),
                provider.GetService<Metrics.StageDurationMetrics>());
        });
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
