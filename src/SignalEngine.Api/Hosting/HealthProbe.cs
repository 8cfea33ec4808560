namespace SignalEngine.Api.Hosting;

/// <summary>
/// <c>SignalEngine.Api --health-check [url]</c>: asks a running service whether it is ready and exits 0 or 1, without
/// starting a host. The container's HEALTHCHECK uses it because the ASP.NET runtime image has no curl or wget.
/// </summary>
public static class HealthProbe
{
    public const string Argument = "--health-check";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Argument;

    public static int Run(string[] args)
    {
        var url = args.Length > 1 ? args[1] : DefaultUrl();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = client.GetAsync(url).GetAwaiter().GetResult();
            Console.WriteLine($"{url}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or UriFormatException)
        {
            Console.Error.WriteLine($"{url}: {e.Message}");
            return 1;
        }
    }

    /// <summary>/health/ready on the first port the service listens on (ASPNETCORE_HTTP_PORTS, 8080 in the container).</summary>
    private static string DefaultUrl()
    {
        var ports = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS");
        var port = ports?.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "8080";
        return $"http://127.0.0.1:{port}/health/ready";
    }
}
