using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SignalEngine.Api.Security;

public static class RequestLimits
{
    /// <summary>
    /// Per-key token buckets (429 with Retry-After, as ProblemDetails), a time limit on every request, and no Server
    /// banner.
    /// </summary>
    public static IServiceCollection AddRequestLimits(this IServiceCollection services)
    {
        services.AddSettings<RateLimitOptions>(RateLimitOptions.Section);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = OnRejectedAsync;
            options.AddPolicy(Access.Signals, http => PerKey(http, o => o.Signals));
            options.AddPolicy(Access.Outcomes, http => PerKey(http, o => o.Outcomes));
            options.AddPolicy(Access.Admin, http => PerKey(http, o => o.Admin));
        });
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ApiOptions>>((timeouts, api) => timeouts.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(api.Value.RequestTimeoutSeconds),
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
            WriteTimeoutResponse = http => WriteProblemAsync(http, StatusCodes.Status504GatewayTimeout, "The request took too long",
                $"not answered within {api.Value.RequestTimeoutSeconds} s; nothing of it was kept unless a retry finds it"),
        });
        // Kestrel's options are read while the host is built, before options are validated: nothing here may depend on
        // them. The body limit is set per request by the endpoints that read a body (RequestBody).
        services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        return services;
    }

    /// <summary>
    /// Authentication, the groups' authorization policies, then their rate limits (after authorization: budgets are per
    /// key, and a caller without one is refused before spending anyone's), then the request time limit.
    /// </summary>
    public static WebApplication UseRequestPolicies(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        return app;
    }

    /// <summary>Headers every answer carries: browsers must not sniff a JSON or SVG answer into something else.</summary>
    public static WebApplication UseResponseHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return next(http);
        });
        return app;
    }

    private static RateLimitPartition<string> PerKey(HttpContext http, Func<RateLimitOptions, TokenBucketOptions> budget)
    {
        var bucket = budget(http.RequestServices.Settings<RateLimitOptions>());
        // Ten refills a second keep the bucket smooth; the anonymous caller never gets this far (authorization runs first).
        return RateLimitPartition.GetTokenBucketLimiter(http.User.Identity?.Name ?? "", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = bucket.TokenLimit,
            TokensPerPeriod = Math.Max(1, bucket.TokensPerSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, bucket.TokensPerSecond / 10) / (double)bucket.TokensPerSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await WriteProblemAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"the key '{context.HttpContext.User.Identity?.Name}' has used its request budget; retry after {seconds} s");
    }

    private static async Task WriteProblemAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }))
        {
            await http.Response.WriteAsJsonAsync(problem);
        }
    }
}
