using System.Globalization;
using System.Text.Json;
using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Features;
using SignalEngine.Training;

namespace SignalEngine.Cli;

/// <summary>
/// features --data &lt;csv&gt; [--bundle &lt;dir&gt;] [--last N] [--form items|series] [--out &lt;file&gt;]: the JSON body of a
/// POST /signals request for the last N bars of every instrument, each with the history window the bundle's stage 2
/// needs: as items, each carrying its own history (the default), or as series, each instrument's rows sent once.
/// </summary>
public static class FeaturesCommand
{
    public static int Run(Arguments args)
    {
        args.AllowOnly("data", "bundle", "last", "out", "form");
        var last = args.OptionalInt("last") ?? 1;
        if (last < 1) throw new UsageException("--last must be at least 1");
        var form = args.Optional("form") ?? FeatureBodies.Items;
        if (form is not (FeatureBodies.Items or FeatureBodies.Series)) throw new UsageException($"--form must be {FeatureBodies.Items} or {FeatureBodies.Series}, not '{form}'");

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
        FeatureBodies.Write(json, frames, last, windowLength, form);
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
}

/// <summary>The POST /signals body for the last bars of feature frames, in either of the request's two forms.</summary>
public static class FeatureBodies
{
    public const string Items = "items";
    public const string Series = "series";

    /// <summary>The body for the last <paramref name="last"/> complete bars of each frame, with <paramref name="windowLength"/> - 1 rows of history each.</summary>
    public static void Write(Utf8JsonWriter json, IEnumerable<FeatureFrame> frames, int last, int windowLength, string form)
    {
        json.WriteStartObject();
        json.WriteStartArray(form);
        foreach (var frame in frames)
        {
            if (form == Series)
            {
                WriteSeries(json, frame, last, windowLength);
                continue;
            }
            for (var bar = Math.Max(0, frame.Count - last); bar < frame.Count; bar++)
            {
                if (!frame.IsComplete(bar)) continue;
                WriteItem(json, frame, bar, windowLength);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteItem(Utf8JsonWriter json, FeatureFrame frame, int bar, int windowLength)
    {
        json.WriteStartObject();
        json.WriteString("instrument", frame.Instrument);
        WriteTimestamp(json, frame, bar);
        json.WritePropertyName("features");
        WriteRow(json, frame, bar);

        // Only complete rows can be sent; a window reaching into the warm-up is cut short and stage 2 abstains.
        var first = bar;
        while (first > 0 && bar - (first - 1) < windowLength && frame.IsComplete(first - 1)) first--;
        json.WriteStartArray("history");
        for (var h = first; h < bar; h++) WriteRow(json, frame, h);
        json.WriteEndArray();
        WriteContext(json, frame, bar);
        json.WriteEndObject();
    }

    /// <summary>
    /// One instrument's rows, oldest first: the run of complete bars that ends at its last bar, as long as the last
    /// bars and the history before the first of them need (shorter where the warm-up cuts it, as for items).
    /// </summary>
    private static void WriteSeries(Utf8JsonWriter json, FeatureFrame frame, int last, int windowLength)
    {
        var end = frame.Count;
        while (end > 0 && !frame.IsComplete(end - 1)) end--;
        if (end == 0) return;
        var first = end - 1;
        while (first > 0 && end - (first - 1) <= last + windowLength - 1 && frame.IsComplete(first - 1)) first--;
        var signalled = Math.Min(last, end - first);
        json.WriteStartObject();
        json.WriteString("instrument", frame.Instrument);
        json.WriteNumber("last", signalled);
        json.WriteStartArray("rows");
        for (var bar = first; bar < end; bar++)
        {
            json.WriteStartObject();
            WriteTimestamp(json, frame, bar);
            json.WritePropertyName("features");
            WriteRow(json, frame, bar);
            if (bar >= end - signalled) WriteContext(json, frame, bar);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTimestamp(Utf8JsonWriter json, FeatureFrame frame, int bar) =>
        json.WriteString("timestamp", frame.Timestamps[bar].ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture));

    private static void WriteContext(Utf8JsonWriter json, FeatureFrame frame, int bar)
    {
        json.WriteStartObject("context");
        json.WriteString("regime", frame.Regimes[bar]);
        json.WriteNumber("liquidity", Math.Round(frame.Liquidity[bar], 6));
        json.WriteEndObject();
    }

    private static void WriteRow(Utf8JsonWriter json, FeatureFrame frame, int bar)
    {
        json.WriteStartObject();
        for (var f = 0; f < frame.Schema.Count; f++) json.WriteNumber(frame.Schema.Names[f], frame.Rows[bar][f]);
        json.WriteEndObject();
    }
}
