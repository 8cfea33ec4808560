namespace SignalEngine.Api.Replicas;

public static class ReplicaRegistration
{
    /// <summary>Replicas on one PostgreSQL follow the registry's serving version; one of them (the lease holder) learns.</summary>
    public static IServiceCollection AddReplicaAgreement(this IServiceCollection services)
    {
        services.AddSettings<ReplicaOptions>(ReplicaOptions.Section);
        services.AddSingleton<LearnerLease>();
        services.AddHostedService(provider => provider.GetRequiredService<LearnerLease>());
        services.AddSingleton<RegistryFollower>();
        services.AddHostedService(provider => provider.GetRequiredService<RegistryFollower>());
        return services;
    }
}
