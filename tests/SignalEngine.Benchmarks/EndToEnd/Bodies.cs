using System.Text.Json;
using SignalEngine.Bundle;
using SignalEngine.Cli;
using SignalEngine.Data;
using SignalEngine.Features;
using SignalEngine.Pipeline;

namespace SignalEngine.Benchmarks.EndToEnd;

/// <summary>The last bars of data/ttrc.csv for the default bundle: as pipeline inputs, and as POST /signals bodies in both forms.</summary>
public sealed class Bodies
{
    private readonly FeatureFrame _frame;
    private readonly int _windowLength;

    public Bodies(ModelBundle bundle)
    {
        var series = CsvBarLoader.Load(BenchmarkPaths.File("data", "ttrc.csv")).Series[0];
        _frame = new FeatureBuilder(bundle.Manifest.Hyperparameters.Features).Build(series);
        _windowLength = bundle.Manifest.WindowLength;
    }

    /// <summary>The last <paramref name="count"/> bars, each with T - 1 rows of history and its context, as `features` sends them.</summary>
    public SignalInput[] Inputs(int count)
    {
        var history = _windowLength - 1;
        return Enumerable.Range(_frame.Count - count, count)
            .Select(bar => new SignalInput(_frame.Instrument, _frame.Timestamps[bar], _frame.Rows[bar], _frame.Rows[(bar - history)..bar],
                new MarketContext(_frame.Regimes[bar], Math.Round(_frame.Liquidity[bar], 6))))
            .ToArray();
    }

    /// <summary>The body `features --form items|series` writes for the same bars, compact (no indentation).</summary>
    public byte[] Body(string form, int count)
    {
        var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            FeatureBodies.Write(json, [_frame], count, _windowLength, form);
        }
        return stream.ToArray();
    }
}
