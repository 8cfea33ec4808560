using System.Diagnostics.Metrics;
using System.Diagnostics;
using SignalEngine.Bundle;
using SignalEngine.Pipeline;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Stages;

namespace SignalEngine.Api.Metrics;

/// <summary>
/// <c>signalengine.stage.duration</c> (s), tagged stage = tree_filter | sequence | meta | explain | store | audit. The
/// model stages are timed by wrapping the served bundle's stages (<see cref="Timed"/>), so the engine knows nothing of
/// metrics: tree_filter and meta per item, sequence per batch and model, explain per item and explainer.
/// </summary>
public sealed class StageDurationMetrics(IMeterFactory factory)
{
    private readonly Histogram<double> _duration = SignalEngineMeter.Create(factory).CreateHistogram<double>(
        "signalengine.stage.duration", "s", "Time spent in one pipeline stage call",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    public void Record(string stage, long startedTimestamp) =>
        _duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    /// <summary>The same bundle with every stage call timed; the stages stay owned (and disposed) by <paramref name="bundle"/>.</summary>
    public StageSet Timed(ModelBundle bundle) => bundle.Stages with
    {
        TreeFilter = new TimedTreeFilter(bundle.TreeFilter, this),
        SequenceRefiners = bundle.SequenceRefiners.Select(r => (ISequenceRefiner)new TimedSequenceRefiner(r, this)).ToArray(),
        MetaLearner = new TimedMetaLearner(bundle.MetaLearner, this),
    };

    private sealed class TimedTreeFilter(ITreeFilter inner, StageDurationMetrics metrics) : ITreeFilter
    {
        public ModelStamp Model => inner.Model;

        public TreeFilterResult Evaluate(ReadOnlySpan<double> features)
        {
            var started = Stopwatch.GetTimestamp();
            try { return inner.Evaluate(features); } finally { metrics.Record("tree_filter", started); }
        }

        public TreeExplanation Explain(ReadOnlySpan<double> features)
        {
            var started = Stopwatch.GetTimestamp();
            try { return inner.Explain(features); } finally { metrics.Record("explain", started); }
        }

        // One pass yields both: timed as the stage, the explanation costs no more than the score it decomposes.
        public ExplainedTreeResult EvaluateAndExplain(ReadOnlySpan<double> features)
        {
            var started = Stopwatch.GetTimestamp();
            try { return inner.EvaluateAndExplain(features); } finally { metrics.Record("tree_filter", started); }
        }

        public IReadOnlyList<FeatureImportance> SplitGainImportance() => inner.SplitGainImportance();
    }

    private sealed class TimedSequenceRefiner(ISequenceRefiner inner, StageDurationMetrics metrics) : ISequenceRefiner
    {
        public ModelStamp Model => inner.Model;

        public int WindowLength => inner.WindowLength;

        public IReadOnlyList<SequenceRefinerResult> Refine(IReadOnlyList<double[][]?> windows)
        {
            var started = Stopwatch.GetTimestamp();
            try { return inner.Refine(windows); } finally { metrics.Record("sequence", started); }
        }

        public IReadOnlyList<SequenceAttribution> Attribute(IReadOnlyList<double[][]> windows)
        {
            var started = Stopwatch.GetTimestamp();
            try { return inner.Attribute(windows); } finally { metrics.Record("explain", started); }
        }

        // The wrapped refiner belongs to its bundle, which disposes it.
        public void Dispose() { }
    }

    private sealed class TimedMetaLearner(IMetaLearner inner, StageDurationMetrics metrics) : IMetaLearner
    {
        public ModelStamp Model => inner.Model;

        public IReadOnlyList<string> InputNames => inner.InputNames;

        public MetaPosterior Predict(MetaInput input)
        {
            var started = Stopwatch.GetTimestamp();
            try { return inner.Predict(input); } finally { metrics.Record("meta", started); }
        }
    }}
