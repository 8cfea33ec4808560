using System.Reflection;
using SignalEngine.Bundle;

namespace SignalEngine.Api.Hosting;

/// <summary>A start-up check that failed for a reason the operator can fix; its message is the one line printed.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);

public static class StartupFailure
{
    /// <summary>Runs the host; a bad configuration, bundle, store or audit folder exits 1 with one line on stderr.</summary>
    public static int RunOrExplain(WebApplication app)
    {
        try
        {
            app.Run();
            return 0;
        }
        // Under a test factory (another entry assembly) the exception goes on to the factory, which reports it.
        catch (Exception e) when (OneLine(e) is { } line && Assembly.GetEntryAssembly() == typeof(StartupFailure).Assembly)
        {
            Console.Error.WriteLine($"signalengine: cannot start: {line}");
            return 1;
        }
    }

    /// <summary>The operator-facing line of a start-up failure, or null for an unexpected error (which keeps its trace).</summary>
    public static string? OneLine(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => OneLine(a.InnerExceptions[0]),
        BundleException or StartupException => e.Message.ReplaceLineEndings(" "),
        OptionsValidationException o => string.Join("; ", o.Failures).ReplaceLineEndings(" "),
        _ => null,
    };
}
