using Serilog;
using Serilog.Events;

namespace SignalEngine.Api.Hosting;

public static class AppLogging
{
    /// <summary>
    /// The application log: Serilog to the console, levels from the "Serilog" configuration section. Each host keeps
    /// its own logger (the static Log.Logger is left alone), so hosts started side by side in one process, as the
    /// tests do, never log through a logger another host has disposed.
    /// </summary>
    public static IServiceCollection AddAppLogging(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSerilog((provider, logger) => logger
            .ReadFrom.Configuration(configuration)
            // Sinks registered as services (a test host's capture of the log) get every event too.
            .ReadFrom.Services(provider)
            // The host logs a failed start with its stack trace; Program prints the one line an operator needs instead.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting.Internal.Host", LogEventLevel.Fatal)
            .Enrich.FromLogContext()
            // A key sent in a query string (the dashboard's link) never reaches a log line.
            .Enrich.With<QueryKeyRedaction>()
            .WriteTo.Console(),
            preserveStaticLogger: true);
}
