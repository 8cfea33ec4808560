using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration.Json;

namespace SignalEngine.Api.Hosting;

public static class ApiDefaults
{
    /// <summary>
    /// The one JSON shape of the API, of the stored signals and of the audit trail: camelCase, enums as lowercase
    /// strings, and no named floating-point literals (a non-finite double is a bug to surface, not to serialise).
    /// </summary>
    public static JsonSerializerOptions Json { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static IServiceCollection AddApiDefaults(this IServiceCollection services)
    {
        services.AddSettings<ApiOptions>(ApiOptions.Section);
        services.AddProblemDetails();
        // A request the server itself refuses (a body over Kestrel's limit, a malformed request line) keeps its own
        // status; everything else unexpected is a 500 ProblemDetails without a stack trace.
        services.Configure<Microsoft.AspNetCore.Builder.ExceptionHandlerOptions>(o =>
            o.StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));
        // Swashbuckle describes schemas from MVC's JSON options: the same settings, so "buy" is documented as sent.
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => Configure(o.JsonSerializerOptions));
        return services;
    }

    /// <summary>
    /// appsettings.json copied next to the binaries, as the lowest-priority source: the content root's own
    /// appsettings.json (the repository root's when run from there), environment variables and the command line
    /// all override it. It makes a service started from another folder, or the test host, see the same defaults.
    /// </summary>
    public static IConfigurationBuilder AddDefaultsFromBinaries(this IConfigurationBuilder configuration)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (!File.Exists(path)) return configuration;
        var source = new JsonConfigurationSource { Path = path, Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        configuration.Sources.Insert(0, source);
        return configuration;
    }

    /// <summary>A configured path, relative ones taken against the content root (the repository root when run from there).</summary>
    public static string ResolvePath(this IHostEnvironment environment, string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(environment.ContentRootPath, path));

    private static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }
}
