using SignalEngine.Data;

namespace SignalEngine.Tuning;

/// <summary>
/// The bars a tuning run sees, split in time: the search uses only the bars before <see cref="HoldoutStart"/>; the
/// last <c>holdoutFraction</c> of the time steps is the untouched last fold on which the chosen and the default
/// configurations are compared at the end.
/// </summary>
/// <param name="HoldoutStart">The first time step of the held-out fold (an index into the distinct timestamps of <see cref="All"/>).</param>
public sealed record TuningData(string DataPath, IReadOnlyList<BarSeries> All, IReadOnlyList<BarSeries> Search, int TimeSteps, int HoldoutStart)
{
    /// <param name="maxBars">Keep only the last maxBars bars of each instrument, as train and evaluate do.</param>
    public static TuningData Load(string path, int? maxBars, double holdoutFraction)
    {
        if (holdoutFraction is <= 0 or >= 0.5) throw new ArgumentException($"the held-out fraction must be in (0, 0.5), not {holdoutFraction}");
        var series = CsvBarLoader.Load(path).Series.Select(s => maxBars is { } m && s.Count > m ? s.Slice(s.Count - m, s.Count) : s).ToArray();
        var steps = series.SelectMany(s => s.Timestamps).Distinct().Order().ToArray();
        var holdoutStart = steps.Length - (int)Math.Round(steps.Length * holdoutFraction);
        var cut = steps[holdoutStart];
        var search = series
            .Select(s => s.Slice(0, s.Timestamps.Count(t => t < cut)))
            .Where(s => s.Count > 0)
            .ToArray();
        return new TuningData(path, series, search, steps.Length, holdoutStart);
    }
}
