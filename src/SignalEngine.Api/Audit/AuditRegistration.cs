namespace SignalEngine.Api.Audit;

public static class AuditRegistration
{
    public static IServiceCollection AddAuditLog(this IServiceCollection services)
    {
        services.AddSettings<AuditOptions>(AuditOptions.Section);
        services.AddSingleton<IAuditLog>(provider =>
        {
            var options = provider.Settings<AuditOptions>();
            return new SerilogAuditLog(provider.GetRequiredService<IHostEnvironment>().ResolvePath(options.ResolvedPath));
        });
        services.AddHostedService<AuditReconciliation>(); // after the store's start-up, which AddSignalStore registered first
        return services;
    }
}
