using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Api.Hosting;

/// <summary>Limits on what one request may ask of the service.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Items per POST /signals batch.</summary>
    [Range(1, 1_000_000)] public int MaxBatchItems { get; set; } = 10_000;

    /// <summary>Request body size; larger bodies answer 413 before they are parsed.</summary>
    [Range(1024d, 2147483647d)] public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>How long a POST /signals retry with the same Idempotency-Key gets the first answer back (24 h by default).</summary>
    [Range(1, 30 * 86400)] public int IdempotencyWindowSeconds { get; set; } = 86400;

    /// <summary>A request not answered within this many seconds is abandoned with a 504.</summary>
    [Range(1, 3600)] public int RequestTimeoutSeconds { get; set; } = 120;
}
