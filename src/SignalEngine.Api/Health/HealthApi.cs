using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SignalEngine.Api.Audit;
using SignalEngine.Api.Serving;

namespace SignalEngine.Api.Health;

public static class HealthApi
{
    private const string Ready = "ready";

    /// <summary>Readiness: a bundle is being served, the store answers, and the audit file can be appended to.</summary>
    public static IServiceCollection AddReadinessChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<BundleCheck>("bundle", tags: [Ready])
            .AddCheck<StoreCheck>("store", tags: [Ready])
            .AddCheck<AuditCheck>("audit", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        // Liveness runs no check: the process answers, so it need not be restarted.
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .WithTags("Health")
            .AllowAnonymous();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync })
            .WithTags("Health")
            .AllowAnonymous();
        return routes;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }

    private sealed class BundleCheck(ActiveBundle active) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(HealthCheckResult.Healthy($"serving model {active.Current.Version}"));
    }

    private sealed class StoreCheck(ISignalStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await store.IsHealthyAsync(cancellationToken)
                ? HealthCheckResult.Healthy("the signal store answers")
                : HealthCheckResult.Unhealthy("the signal store does not answer");
    }

    private sealed class AuditCheck(IAuditLog audit) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(audit.IsWritable()
                ? HealthCheckResult.Healthy("the audit file is writable")
                : HealthCheckResult.Unhealthy("the audit file cannot be written"));
    }
}
