using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace SignalEngine.Tests.Api.Support;

/// <summary>Every application log event of a host, as its message and properties were written down (after enrichment).</summary>
public sealed class CapturedLog : ILogEventSink
{
    private readonly ConcurrentQueue<string> _events = new();

    public void Emit(LogEvent logEvent)
    {
        using var line = new StringWriter();
        line.Write($"[{logEvent.Level}] ");
        logEvent.RenderMessage(line);
        foreach (var (name, value) in logEvent.Properties) line.Write($" {name}={value}");
        if (logEvent.Exception is { } exception) line.Write(" " + exception);
        _events.Enqueue(line.ToString());
    }

    public IReadOnlyList<string> Events => [.. _events];

    public string Text => string.Join('\n', _events);

    /// <summary><paramref name="app"/> with this capture registered as a log sink (AppLogging reads sinks from services).</summary>
    public WebApplicationFactory<Program> On(SignalEngineApplication app) =>
        app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(this)));
}
