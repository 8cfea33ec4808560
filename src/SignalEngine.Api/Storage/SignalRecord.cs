using SignalEngine.Labels;

namespace SignalEngine.Api.Storage;

/// <summary>
/// A stored signal: the columns a query filters on, and the signal, its explanation and the inputs it was made from
/// as JSON, so any signal can be read back exactly as it was answered and re-derived from its inputs.
/// </summary>
public sealed record SignalRecord(
    Guid Id,
    string Instrument,
    DateTimeOffset Timestamp,
    SignalAction Action,
    string ModelVersion,
    DateTimeOffset Created,
    string SignalJson,
    string ExplanationJson,
    string InputJson);
