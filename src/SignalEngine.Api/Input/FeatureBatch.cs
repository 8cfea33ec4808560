using SignalEngine.Features;
using SignalEngine.Pipeline;

namespace SignalEngine.Api.Input;

/// <summary>
/// The body of POST /signals (documentation and stored-input shape; the handler parses it by hand): either items, each
/// with its own history, or series, per instrument, whose history is sent once.
/// </summary>
/// <param name="Items">The item form: one signal per item, in item order.</param>
/// <param name="Series">The series form: one signal for each of the last <c>last</c> rows of each series, series by series, oldest first.</param>
public sealed record FeatureBatch(IReadOnlyList<FeatureBatchItem>? Items, IReadOnlyList<FeatureSeries>? Series = null);

/// <summary>One instrument's bars, oldest first, sent once: each of the last <paramref name="Last"/> rows gets a signal, with the rows before it as its history.</summary>
/// <param name="Last">How many of the latest rows to signal (1 to the number of rows); the earlier rows are history only.</param>
/// <param name="Rows">The bars, oldest first, timestamps strictly increasing.</param>
public sealed record FeatureSeries(string Instrument, int Last, IReadOnlyList<FeatureSeriesRow> Rows);

/// <summary>One bar of a series.</summary>
/// <param name="Features">Every feature of the model's schema (GET /models/current), by name, finite numbers.</param>
/// <param name="Context">Regime and liquidity, used for a signalled row; what is left out is derived from the features.</param>
public sealed record FeatureSeriesRow(DateTimeOffset Timestamp, IReadOnlyDictionary<string, double> Features, MarketContext? Context);

/// <summary>One bar to make a signal for.</summary>
/// <param name="Features">Every feature of the model's schema (GET /models/current), by name, finite numbers.</param>
/// <param name="History">Earlier bars' features, oldest first; the last T - 1 feed stage 2, which abstains without them.</param>
/// <param name="Context">Regime (low, normal, high) and liquidity; what is left out is derived from the features.</param>
public sealed record FeatureBatchItem(
    string Instrument,
    DateTimeOffset Timestamp,
    IReadOnlyDictionary<string, double> Features,
    IReadOnlyList<IReadOnlyDictionary<string, double>>? History,
    MarketContext? Context)
{
    /// <summary>A validated input in the request's own shape (named features), as it is stored and audited.</summary>
    public static FeatureBatchItem From(SignalInput input, FeatureSchema schema) => new(
        input.Instrument,
        input.Timestamp,
        Named(input.Features, schema),
        input.History.Select(row => Named(row, schema)).ToArray(),
        input.Context);

    /// <summary>Back to the pipeline's shape (features in schema order), as a stored input is replayed for learning.</summary>
    public SignalInput ToInput(FeatureSchema schema) => new(
        Instrument,
        Timestamp,
        schema.Names.Select(n => Features[n]).ToArray(),
        (History ?? []).Select(row => schema.Names.Select(n => row[n]).ToArray()).ToArray(),
        Context);

    private static IReadOnlyDictionary<string, double> Named(double[] row, FeatureSchema schema)
    {
        var named = new Dictionary<string, double>(schema.Count, StringComparer.Ordinal);
        for (var f = 0; f < schema.Count; f++) named.Add(schema.Names[f], row[f]);
        return named;
    }
}

/// <summary>The answer of POST /signals: one signal per item, in item order.</summary>
public sealed record SignalBatch(IReadOnlyList<Signal> Signals);
