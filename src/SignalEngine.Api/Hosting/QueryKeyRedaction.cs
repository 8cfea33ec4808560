using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace SignalEngine.Api.Hosting;

/// <summary>
/// Removes the value of a <c>key</c> query parameter from every log event before any sink sees it. A dashboard link
/// (<c>/dashboard?key=...</c>) carries an API key the way a notebook server's token link does; ASP.NET Core's request
/// logging names the query string at Information, and a URL can reach a message through any property. The request
/// is answered as usual; only what is written down changes.
/// </summary>
public sealed partial class QueryKeyRedaction : ILogEventEnricher
{
    public const string Redacted = "[redacted]";

    [GeneratedRegex(@"(?<=(?:^|[?&;])(?:key|api[_-]?key|access_token)=)[^&#\s""']*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValue();

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text } && text.Contains('=') && KeyValue().IsMatch(text))
            {
                (changed ??= []).Add(new LogEventProperty(name, new ScalarValue(Redact(text))));
            }
        }
        foreach (var property in changed ?? []) logEvent.AddOrUpdateProperty(property);
    }

    public static string Redact(string text) => KeyValue().Replace(text, Redacted);
}
