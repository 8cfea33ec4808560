using Microsoft.Extensions.Options;
using SignalEngine.Api.Hosting;

namespace SignalEngine.Api.Audit;

public static class AuditRegistration
{
    public static IServiceCollection AddAuditLog(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IAuditLog>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AuditOptions>>().Value;
            return new SerilogAuditLog(provider.GetRequiredService<IHostEnvironment>().ResolvePath(options.ResolvedPath));
        });
        services.AddHostedService<AuditReconciliation>(); // after the store's start-up, which AddSignalStore registered first
        return services;
    }
}
