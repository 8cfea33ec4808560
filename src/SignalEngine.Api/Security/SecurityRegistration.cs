using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace SignalEngine.Api.Security;

/// <summary>
/// The access an endpoint group declares. Each name is both an authorization policy (the roles it admits; admin
/// satisfies every one) and the per-key rate-limit budget its callers spend, so a group states the two at once.
/// </summary>
public static class Access
{
    public const string Signals = "signals";
    public const string Outcomes = "outcomes";
    public const string Admin = "admin";

    /// <summary>The authorization policy and the rate limit named <paramref name="access"/>, on every endpoint of the group.</summary>
    public static RouteGroupBuilder RequireAccess(this RouteGroupBuilder group, string access) =>
        group.RequireAuthorization(access).RequireRateLimiting(access);
}

public static class SecurityRegistration
{
    /// <summary>
    /// API-key authentication and the role policies. An endpoint that declares no policy still needs a key (the
    /// fallback policy); the health endpoints opt out with AllowAnonymous.
    /// </summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddSettings<AuthOptions>(AuthOptions.Section);
        services.AddSingleton<ApiKeyRing>();
        services.AddHostedService<KeyRingStartup>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(Access.Signals, p => p.RequireRole(Roles.Signals, Roles.Admin))
            .AddPolicy(Access.Outcomes, p => p.RequireRole(Roles.Outcomes, Roles.Admin))
            .AddPolicy(Access.Admin, p => p.RequireRole(Roles.Admin));
        return services;
    }

    /// <summary>Builds the key ring while the host starts: the first-start key is generated, and its path logged, then.</summary>
    private sealed class KeyRingStartup(ApiKeyRing keys) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(keys.Keys.Count);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
