using SignalEngine.Api.Serving;

namespace SignalEngine.Api.Replicas;

/// <summary>What one replica serves and does, as opposed to what the registry says (GET /models).</summary>
/// <param name="Host">The machine (container) name: one replica's, whichever the gateway chose.</param>
/// <param name="Serving">The version this replica serves now.</param>
/// <param name="Registered">The registry's serving version at the last read: equal to <paramref name="Serving"/> once converged.</param>
/// <param name="Learner">Whether this replica holds the learner lease (runs the online learner when it is enabled).</param>
public sealed record ReplicaState(string Host, string Serving, string? Registered, DateTimeOffset? RegistryReadAt, bool Learner);

public static class ReplicaApi
{
    public static IEndpointRouteBuilder MapReplica(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/models/replica", GetReplica)
            .WithTags("Models")
            .WithName("GetReplica")
            .WithSummary("This replica: the version it serves, the registry's serving version, whether it runs the online learner")
            .RequireAuthorization(Access.Signals);
        return routes;
    }

    private static Ok<ReplicaState> GetReplica(ActiveBundle active, RegistryFollower follower, LearnerLease lease) =>
        TypedResults.Ok(new ReplicaState(Environment.MachineName, active.Current.Version, follower.Registered, follower.ReadAt, lease.IsHeld));
}
