using System.Text.Json;
using System.Text.Json.Serialization;
using SignalEngine.Decisions;
using SignalEngine.Labels;
using SignalEngine.Pipeline;

namespace SignalEngine.Api.Serving;

/// <summary>
/// Source-generated serialisation of what every POST /signals writes once per signal: the signal as answered, stored and
/// audited, and its explanation. The same JSON as <see cref="Hosting.ApiDefaults.Json"/> writes (Web defaults, enums as
/// camelCase strings, no named floating-point literals), byte for byte, without reflection's per-property work.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(CamelCaseEnum<SignalAction>), typeof(CamelCaseEnum<TradeReason>)])]
[JsonSerializable(typeof(Signal))]
[JsonSerializable(typeof(SignalExplanation))]
public sealed partial class StoredJson : JsonSerializerContext;

/// <summary>An enum as its camelCase name, as ApiDefaults' JsonStringEnumConverter writes it.</summary>
internal sealed class CamelCaseEnum<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase) where T : struct, Enum;
