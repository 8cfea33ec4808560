using SignalEngine.Data;
using SignalEngine.Features;
using SignalEngine.Pipeline;

namespace SignalEngine.Tests.Support;

/// <summary>Pipeline inputs made from real bars, the way the features command makes request bodies.</summary>
public static class RequestItems
{
    public static FeatureFrame Frame(SmallBundleFixture fixture)
    {
        var series = CsvBarLoader.Load(fixture.DataPath).Series[0];
        return new FeatureBuilder(fixture.Manifest.Hyperparameters.Features).Build(series);
    }

    /// <summary>The last <paramref name="count"/> bars, each with <paramref name="historyRows"/> rows of history.</summary>
    public static IReadOnlyList<SignalInput> LastBars(SmallBundleFixture fixture, int count, int historyRows)
    {
        var frame = Frame(fixture);
        return Enumerable.Range(frame.Count - count, count)
            .Select(bar => new SignalInput(
                frame.Instrument,
                frame.Timestamps[bar],
                frame.Rows[bar],
                frame.Rows[(bar - historyRows)..bar],
                null))
            .ToArray();
    }
}
