using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignalEngine.Bundle;

/// <summary>
/// The out-of-sample (walk-forward) figures a manifest records: the data, stage 1, each stage-2 model and the whole
/// pipeline (stage 3 from the nested walk-forward). In the manifest file it is one object per stage ("data", "stage1",
/// "stage2.lstm", ..., "pipeline"), as <see cref="ToTable"/> gives it.
/// </summary>
[JsonConverter(typeof(BundleMetricsConverter))]
public sealed record BundleMetrics(
    DataMetrics Data,
    TreeFilterMetrics Stage1,
    IReadOnlyDictionary<string, RefinerMetrics> Stage2,
    PipelineMetrics Pipeline)
{
    public const string Stage2Prefix = "stage2.";

    /// <summary>Stage by stage, metric by metric: the manifest's shape, the CLI's table and the API's view.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ToTable()
    {
        var table = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["data"] = Flatten(Data),
            ["stage1"] = Flatten(Stage1),
        };
        foreach (var (model, metrics) in Stage2) table[Stage2Prefix + model] = Flatten(metrics);
        table["pipeline"] = Flatten(Pipeline);
        return table;
    }

    /// <summary>The table form back as records; a metric a record lacks is ignored, one the table lacks reads as NaN.</summary>
    public static BundleMetrics FromTable(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> table)
    {
        T Read<T>(string stage) => Unflatten<T>(table.GetValueOrDefault(stage) ?? new Dictionary<string, double>());
        return new BundleMetrics(
            Read<DataMetrics>("data"),
            Read<TreeFilterMetrics>("stage1"),
            table.Keys.Where(k => k.StartsWith(Stage2Prefix, StringComparison.Ordinal))
                .ToDictionary(k => k[Stage2Prefix.Length..], Read<RefinerMetrics>),
            Read<PipelineMetrics>("pipeline"));
    }

    private static readonly JsonSerializerOptions FlatOptions = new(BundleJson.Options)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static IReadOnlyDictionary<string, double> Flatten<T>(T metrics) =>
        JsonSerializer.Deserialize<Dictionary<string, double>>(JsonSerializer.Serialize(metrics, FlatOptions), FlatOptions)!;

    private static T Unflatten<T>(IReadOnlyDictionary<string, double> values)
    {
        // Every positional parameter of the record is a metric; a missing one is NaN rather than a failed load.
        var complete = typeof(T).GetConstructors()[0].GetParameters()
            .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name!), p => values.GetValueOrDefault(JsonNamingPolicy.CamelCase.ConvertName(p.Name!), double.NaN));
        return JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(complete, FlatOptions), FlatOptions)!;
    }

    private sealed class BundleMetricsConverter : JsonConverter<BundleMetrics>
    {
        public override BundleMetrics Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            FromTable(JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, double>>>(ref reader, options)!
                .ToDictionary(s => s.Key, s => (IReadOnlyDictionary<string, double>)s.Value));

        public override void Write(Utf8JsonWriter writer, BundleMetrics value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.ToTable(), options);
    }
}

/// <summary>How much data the figures rest on.</summary>
/// <param name="Samples">Labelled bars in the training data.</param>
/// <param name="OutOfSampleSamples">Bars the walk-forward scored out of sample.</param>
public sealed record DataMetrics(double Samples, double OutOfSampleSamples, double Folds);

/// <summary>Stage 1 as a classifier of actionable (BUY or SELL) versus HOLD.</summary>
/// <param name="PrecisionOfPassed">Share of the items stage 1 passed that were actionable.</param>
public sealed record TreeFilterMetrics(
    double LogLoss, double Brier, double Auc, double BaseRateActionable, double PassRate, double PrecisionOfPassed);

/// <summary>One stage-2 model as a classifier of BUY versus SELL on the actionable items it scored (NaN when none).</summary>
public sealed record RefinerMetrics(double Scored, double LogLoss, double Accuracy, double BaseRateUp, double Auc);

/// <summary>The full pipeline's decisions against the triple-barrier labels, stage 3 fitted on earlier folds only.</summary>
/// <param name="BaseRateLogLoss">Log loss of each test fold's training-period label frequencies: the forecast to beat.</param>
/// <param name="LogLossSkill">1 - LogLoss / BaseRateLogLoss: positive when the pipeline beats the base rates.</param>
public sealed record PipelineMetrics(
    double Scored,
    double Coverage,
    double PrecisionBuy,
    double PrecisionSell,
    double BaseRateBuy,
    double BaseRateSell,
    double LogLoss,
    double Brier,
    double BaseRateLogLoss,
    double LogLossSkill);
