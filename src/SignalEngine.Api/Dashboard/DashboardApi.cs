using System.Collections.Frozen;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace SignalEngine.Api.Dashboard;

/// <summary>
/// The read-only dashboard at /dashboard: a page, a stylesheet and a script embedded in this assembly (so a published
/// service or container image always has them, and nothing comes from a CDN). The page and its assets carry no data
/// and need no key; every number on it comes from the public API, called by the script with the key it keeps in the
/// browser session (a <c>?key=</c> link stores it there and drops it from the address at once).
/// </summary>
public static class DashboardApi
{
    private const string ResourcePrefix = "dashboard/";

    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/dashboard").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/", Page);
        group.MapGet("/{file}", File);
        return routes;
    }

    /// <summary>
    /// The page, with the path base it was reached under (a configured one or the gateway's X-Forwarded-Prefix) written
    /// into its asset links and API base, so it works at /dashboard and at /signalengine/ohlcv/dashboard alike. Never
    /// cached and never a referrer: its address may carry a key until the script removes it.
    /// </summary>
    private static ContentHttpResult Page(HttpContext http)
    {
        var pathBase = WebUtility.HtmlEncode(http.Request.PathBase.Value ?? "");
        var html = System.Text.Encoding.UTF8.GetString(Assets["index.html"].Content)
            .Replace("{{base}}", pathBase, StringComparison.Ordinal)
            .Replace("{{version}}", Assets["dashboard.js"].ETag.Trim('"'), StringComparison.Ordinal);
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        headers.XFrameOptions = "DENY";
        return TypedResults.Text(html, "text/html; charset=utf-8");
    }

    private static IResult File(string file, HttpContext http)
    {
        if (file == "index.html" || !Assets.TryGetValue(file, out var asset))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"the dashboard has no file '{file}'");
        }
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.Contains(asset.ETag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardApi).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var file = name[ResourcePrefix.Length..];
            var type = Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[file] = new Asset(content, type, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"").Tag.Value!);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
