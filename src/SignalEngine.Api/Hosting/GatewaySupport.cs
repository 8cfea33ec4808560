using Microsoft.AspNetCore.HttpOverrides;

namespace SignalEngine.Api.Hosting;

public static class GatewaySupport
{
    /// <summary>
    /// Believes X-Forwarded-For, -Proto and -Prefix from loopback and from Gateway:KnownNetworks, so links, Swagger and
    /// logs show what the client saw (the client's address, https, the /signalengine sub-path) behind the gateway.
    /// </summary>
    public static IServiceCollection AddGatewaySupport(this IServiceCollection services)
    {
        services.AddSettings<GatewayOptions>(GatewayOptions.Section);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GatewayOptions>>((forwarded, gateway) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedPrefix;
            foreach (var network in gateway.Value.KnownNetworks) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        return services;
    }

    /// <summary>First in the pipeline: every later middleware and endpoint sees the forwarded scheme, client and path base.</summary>
    public static WebApplication UseGatewaySupport(this WebApplication app)
    {
        app.UseForwardedHeaders();
        // Read from configuration, not the validated options: a bad value is reported at start with the others, in one
        // line, rather than thrown here while the pipeline is being built.
        if (app.Configuration[$"{GatewayOptions.Section}:{nameof(GatewayOptions.PathBase)}"] is { Length: > 1 } pathBase && pathBase[0] == '/')
        {
            app.UsePathBase(pathBase.TrimEnd('/'));
        }
        return app;
    }
}
