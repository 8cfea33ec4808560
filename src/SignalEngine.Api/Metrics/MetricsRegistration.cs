using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace SignalEngine.Api.Metrics;

public static class MetricsRegistration
{
    /// <summary>
    /// Prometheus metrics on /metrics through OpenTelemetry: the service's own instruments plus ASP.NET Core's
    /// http.server.request.duration (per route template, so per endpoint) and Kestrel's, left as they are, and the runtime's
    /// (System.Runtime: GC heap sizes, working set), which tell managed growth from native growth.
    /// </summary>
    public static IServiceCollection AddSignalEngineMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<StageDurationMetrics>();
        services.AddSingleton<SignalMetrics>();
        services.AddSingleton<RecordingMetrics>();
        services.AddSingleton<OnlineMetrics>();
        services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(SignalEngineMeter.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
                .AddPrometheusExporter())
            .WithTracing(tracing =>
            {
                // A span per request (probes and scrapes left out) with its PostgreSQL commands beneath it.
                tracing
                    .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                        !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"))
                    .AddNpgsql();
                // Spans leave the process only where a collector is named, by OpenTelemetry's own variable.
                if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))) tracing.AddOtlpExporter();
            });
        return services;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        // Created now, not on the first outcome: its gauges (the serving version, the lease) are observed from the start.
        routes.ServiceProvider.GetRequiredService<OnlineMetrics>();
        // Scraped from inside the deployment's network (the gateway does not route it); the series carry low-cardinality
        // tags only (stage, action, model version, reason), never ids, instruments or keys.
        routes.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription().AllowAnonymous();
        return routes;
    }
}
