using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Api.Security;

/// <summary>One token bucket per API key: a burst of <see cref="TokenLimit"/> requests, refilled at <see cref="TokensPerSecond"/>.</summary>
public sealed class TokenBucketOptions
{
    [Range(1, 1_000_000)] public int TokenLimit { get; set; } = 100;
    [Range(1, 1_000_000)] public int TokensPerSecond { get; set; } = 50;
}

/// <summary>Section "RateLimits": a separate budget per key for signals, outcomes and admin endpoints.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    [Required] public TokenBucketOptions Signals { get; set; } = new() { TokenLimit = 400, TokensPerSecond = 200 };
    [Required] public TokenBucketOptions Outcomes { get; set; } = new() { TokenLimit = 100, TokensPerSecond = 50 };
    [Required] public TokenBucketOptions Admin { get; set; } = new() { TokenLimit = 20, TokensPerSecond = 5 };
}
