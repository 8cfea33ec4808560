using System.Diagnostics;
using SignalEngine.Bundle;
using SignalEngine.Data;
using SignalEngine.Pipeline;
using SignalEngine.Scoring;
using SignalEngine.Training;

namespace SignalEngine.Evaluation;

/// <summary>
/// Scores a trained bundle on data it has never seen (a later period or another instrument) with the evaluation's
/// metrics. The bundle is fixed, so every bar with a full window and a label is out of sample provided the data
/// does not overlap the bundle's training data; the bundle's own training file (same SHA-256) is refused. The
/// baselines' probabilities come from the scored data's own label frequencies, which flatters them, never the
/// pipeline.
/// </summary>
public static class BundleScorer
{
    public static EvaluationReport Score(
        string bundleDirectory, string dataPath, double costBasisPoints, int calibrationBins = Calibration.DefaultBins, int? maxBars = null)
    {
        var clock = Stopwatch.StartNew();
        using var bundle = ModelBundle.Load(bundleDirectory);
        var options = WalkForwardEvaluator.WithCost(bundle.Manifest.Hyperparameters, costBasisPoints);
        if (string.Equals(BundleLoader.HashOf(Path.GetDirectoryName(Path.GetFullPath(dataPath))!, Path.GetFileName(dataPath)), bundle.Manifest.TrainingDataSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{Path.GetFileName(dataPath)} is the data bundle {bundle.Version} was trained on: score it on data it has never seen");
        }
        var loaded = CsvBarLoader.Load(dataPath);
        var set = TrainingSet.Build(loaded.Series, options.Features, options.Labels, bundle.Manifest.WindowLength, maxBars);
        if (!set.Schema.Equals(bundle.Schema))
        {
            throw new ArgumentException(
                $"{Path.GetFileName(dataPath)} gives features [{string.Join(", ", set.Schema.Names)}] but bundle {bundle.Version} " +
                $"expects [{string.Join(", ", bundle.Schema.Names)}]");
        }
        if (set.Samples.Count == 0) throw new ArgumentException($"{Path.GetFileName(dataPath)} has no bar with a full window and a label to score");

        var samples = set.Samples;
        var scores = StageComposer.Score(
            bundle.TreeFilter, bundle.SequenceRefiners, samples.Select(set.Row).ToArray(), samples.Select(s => (double[][]?)set.Window(s)).ToArray());
        var rule = bundle.Stages.Rule with { Options = options.Decision };
        var decisions = StageComposer.Decide(bundle.MetaLearner, scores, samples.Select(set.Context).ToArray(), rule);
        var labels = samples.Select(s => s.Label).ToArray();
        var rsi = set.Schema.IndexOf($"rsi_{options.Features.RsiPeriod}");
        var baselines = BaselinePriors.From(samples.Select(s => WalkForwardEvaluator.RsiOf(set, s, rsi)).ToArray(), labels);

        var calls = Strategies.All.ToDictionary(s => s, _ => new List<StrategyCall>());
        for (var i = 0; i < samples.Count; i++)
        {
            foreach (var (strategy, call) in baselines.Calls(scores[i], WalkForwardEvaluator.RsiOf(set, samples[i], rsi), decisions[i])) calls[strategy].Add(call);
        }

        var steps = set.Frames.SelectMany(f => f.Timestamps).Distinct().Order().ToArray();
        return WalkForwardEvaluator.Report(
            "bundle score on unseen data", dataPath, loaded, set, samples, labels, calls, options, costBasisPoints, calibrationBins, clock,
            $"every labelled bar with a full window, {steps[samples[0].TimeStep]:yyyy-MM-dd} to {steps[samples[^1].TimeStep]:yyyy-MM-dd}",
            bundle.Version);
    }
}
