using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Api.Replicas;

/// <summary>How replicas sharing one PostgreSQL agree: on the serving model, and on which of them runs the learner.</summary>
public sealed record ReplicaOptions
{
    public const string Section = "Replicas";

    /// <summary>
    /// How often the registry's serving version is read: a replica serves a version activated on another within this
    /// interval plus the time to load the bundle.
    /// </summary>
    [Range(0.1, 3600)] public double FollowSeconds { get; init; } = 5;

    /// <summary>How often a replica without the learner lease tries to take it (and the holder checks it still has it).</summary>
    [Range(0.1, 3600)] public double LeaseSeconds { get; init; } = 5;
}
