using SignalEngine.Data;
using SignalEngine.Features;
using SignalEngine.Labels;
using SignalEngine.Pipeline;

namespace SignalEngine.Training;

/// <summary>A labelled bar usable for training: complete features over its whole stage-2 window, a defined label.</summary>
/// <param name="TimeStep">Index of the bar's timestamp among all distinct timestamps of the data, for walk-forward splits.</param>
/// <param name="End">The bar the label was settled at: its first barrier touch, or the horizon.</param>
public sealed record TrainingSample(int Series, int Bar, int TimeStep, SignalAction Label, int End);

/// <summary>
/// Features, labels and samples of every instrument in a data file, ordered by time so walk-forward splits of the
/// time steps split the samples.
/// </summary>
/// <param name="Columns">Where the decision's context is read from, exactly as serving reads it.</param>
public sealed record TrainingSet(
    FeatureSchema Schema,
    IReadOnlyList<FeatureFrame> Frames,
    IReadOnlyList<TrainingSample> Samples,
    int TimeSteps,
    int WindowLength,
    ContextColumns Columns)
{
    public double[] Row(TrainingSample sample) => Frames[sample.Series].Rows[sample.Bar];

    /// <summary>The T rows ending at the sample's bar, oldest first.</summary>
    public double[][] Window(TrainingSample sample)
    {
        var rows = Frames[sample.Series].Rows;
        return rows[(sample.Bar - WindowLength + 1)..(sample.Bar + 1)];
    }

    /// <summary>Stage 3's context of the sample's bar: the regime and liquidity the feature builder derived.</summary>
    public ItemContext Context(TrainingSample sample) => Columns.Of(Row(sample), null);

    /// <summary>The average uniqueness of the samples' labels (<see cref="Labels.LabelUniqueness"/>), counting only their own overlaps.</summary>
    public static double Uniqueness(IEnumerable<TrainingSample> samples) =>
        Labels.LabelUniqueness.Average(samples.Select(s => (s.Series, s.Bar, s.End)));

    public IReadOnlyList<TrainingSample> InTimeRange(int start, int end) =>
        Samples.Where(s => s.TimeStep >= start && s.TimeStep < end).ToArray();

    public static TrainingSet Build(IReadOnlyList<BarSeries> series, FeatureOptions features, LabelConfig labels, int windowLength, int? maxBars = null)
    {
        if (series.Count == 0) throw new ArgumentException("the data holds no bars");
        var builder = new FeatureBuilder(features);
        var trimmed = series.Select(s => maxBars is { } m && s.Count > m ? s.Slice(s.Count - m, s.Count) : s).ToArray();
        var frames = trimmed.Select(builder.Build).ToArray();
        var schema = frames[0].Schema;
        foreach (var frame in frames)
        {
            if (!frame.Schema.Equals(schema))
            {
                throw new ArgumentException(
                    $"instrument {frame.Instrument} has features [{string.Join(", ", frame.Schema.Names)}] but " +
                    $"{frames[0].Instrument} has [{string.Join(", ", schema.Names)}]: every instrument needs the same columns");
            }
        }

        var steps = frames.SelectMany(f => f.Timestamps).Distinct().Order().ToArray();
        var stepOf = new Dictionary<DateTimeOffset, int>(steps.Length);
        for (var i = 0; i < steps.Length; i++) stepOf[steps[i]] = i;

        var samples = new List<TrainingSample>();
        for (var s = 0; s < frames.Length; s++)
        {
            var frame = frames[s];
            var (label, ends) = TripleBarrierLabeler.LabelWithEnds(frame.Close, labels);
            var completeRun = 0;
            for (var bar = 0; bar < frame.Count; bar++)
            {
                completeRun = frame.IsComplete(bar) ? completeRun + 1 : 0;
                if (completeRun >= windowLength && label[bar] is { } y)
                {
                    samples.Add(new TrainingSample(s, bar, stepOf[frame.Timestamps[bar]], y, ends[bar]));
                }
            }
        }
        samples.Sort((a, b) => a.TimeStep != b.TimeStep ? a.TimeStep.CompareTo(b.TimeStep) : a.Series.CompareTo(b.Series));
        return new TrainingSet(schema, frames, samples, steps.Length, windowLength, ContextColumns.For(schema, labels));
    }
}
