using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignalEngine.Bundle;

/// <summary>The one JSON shape of everything a bundle writes: camelCase, enums as strings.</summary>
public static class BundleJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
