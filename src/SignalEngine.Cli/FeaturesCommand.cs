using System.Globalization;
using System.Text.Json;
using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Features;
using SignalEngine.Training;

namespace SignalEngine.Cli;

/// <summary>
/// features --data &lt;csv&gt; [--bundle &lt;dir&gt;] [--last N] [--out &lt;file&gt;]: the JSON body of a POST /signals request
/// for the last N bars of every instrument, each with the history window the bundle's stage 2 needs.
/// </summary>
public static class FeaturesCommand
{
    public static int Run(Arguments args)
    {
        args.AllowOnly("data", "bundle", "last", "out");
        var last = args.OptionalInt("last") ?? 1;
        if (last < 1) throw new UsageException("--last must be at least 1");

        var bundle = args.Optional("bundle");
        var (options, windowLength, schema) = bundle is not null
            ? FromBundle(BundleLoader.ReadManifest(bundle))
            : (new TrainingOptions().Features, new TrainingOptions().Sequence.WindowLength, null);
        var builder = new FeatureBuilder(options);
        var data = args.Required("data");
        var loaded = CsvBarLoader.Load(data);
        foreach (var warning in loaded.Warnings) Console.Error.WriteLine($"warning: {warning}");

        // Every series is checked against the bundle before a byte is written: a misfit leaves no half-written body.
        var frames = loaded.Series.Select(builder.Build).ToArray();
        if (schema is not null && frames.FirstOrDefault(f => !f.Schema.Equals(schema)) is { } misfit)
        {
            throw new UsageException(
                $"{misfit.Instrument}: the data gives features [{string.Join(", ", misfit.Schema.Names)}] but the bundle " +
                $"expects [{string.Join(", ", schema.Names)}]; " + FittingBundle(bundle!, loaded.Series, data));
        }

        using var stream = args.Optional("out") is { } path ? File.Create(path) : Console.OpenStandardOutput();
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteStartArray("items");
        foreach (var frame in frames)
        {
            for (var bar = Math.Max(0, frame.Count - last); bar < frame.Count; bar++)
            {
                if (!frame.IsComplete(bar)) continue;
                WriteItem(json, frame, bar, windowLength);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        if (args.Optional("out") is null) Console.WriteLine();
        return 0;
    }

    /// <summary>A bundle beside the given one whose features this data gives (models/close for close-only bars), or how to make one.</summary>
    private static string FittingBundle(string bundle, IReadOnlyList<BarSeries> series, string data)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(bundle).TrimEnd(Path.DirectorySeparatorChar));
        var fitting = (parent is null ? [] : Directory.GetDirectories(parent))
            .Where(d => File.Exists(Path.Combine(d, "manifest.json")))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault(d =>
            {
                var manifest = BundleLoader.ReadManifest(d);
                var wanted = new FeatureSchema(manifest.FeatureSchema);
                var builder = new FeatureBuilder(manifest.Hyperparameters.Features);
                return series.All(s => builder.Build(s).Schema.Equals(wanted));
            });
        return fitting is not null
            ? $"the bundle {Path.GetRelativePath(Directory.GetCurrentDirectory(), fitting)} fits this data: use --bundle {Path.GetRelativePath(Directory.GetCurrentDirectory(), fitting)}"
            : $"no bundle beside it fits this data; train one: train --data {data} --out <dir>";
    }

    private static (FeatureOptions, int, FeatureSchema?) FromBundle(BundleManifest manifest) =>
        (manifest.Hyperparameters.Features, manifest.WindowLength, new FeatureSchema(manifest.FeatureSchema));

    private static void WriteItem(Utf8JsonWriter json, FeatureFrame frame, int bar, int windowLength)
    {
        json.WriteStartObject();
        json.WriteString("instrument", frame.Instrument);
        json.WriteString("timestamp", frame.Timestamps[bar].ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture));
        json.WritePropertyName("features");
        WriteRow(json, frame, bar);

        // Only complete rows can be sent; a window reaching into the warm-up is cut short and stage 2 abstains.
        var first = bar;
        while (first > 0 && bar - (first - 1) < windowLength && frame.IsComplete(first - 1)) first--;
        json.WriteStartArray("history");
        for (var h = first; h < bar; h++) WriteRow(json, frame, h);
        json.WriteEndArray();

        json.WriteStartObject("context");
        json.WriteString("regime", frame.Regimes[bar]);
        json.WriteNumber("liquidity", Math.Round(frame.Liquidity[bar], 6));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteRow(Utf8JsonWriter json, FeatureFrame frame, int bar)
    {
        json.WriteStartObject();
        for (var f = 0; f < frame.Schema.Count; f++) json.WriteNumber(frame.Schema.Names[f], frame.Rows[bar][f]);
        json.WriteEndObject();
    }
}
