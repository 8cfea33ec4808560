using Microsoft.ML;
using SignalEngine.Features;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>Trains a <see cref="GradientBoostedTreeFilter"/>: both ML.NET ensembles, their extracted trees and their Platt calibration.</summary>
public static class TreeFilterTrainer
{
    /// <summary>Share of the (time-ordered) training rows held out to fit the Platt scaling.</summary>
    public const double CalibrationShare = 0.2;

    public static GradientBoostedTreeFilter Train(
        IReadOnlyList<double[]> rows, IReadOnlyList<bool> actionable, FeatureSchema schema, TreeFilterOptions options, int seed, string version)
    {
        if (rows.Count != actionable.Count) throw new ArgumentException($"{rows.Count} rows but {actionable.Count} labels", nameof(actionable));
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != schema.Count) throw new ArgumentException($"row {i} has {rows[i].Length} features, the schema {schema.Count}", nameof(rows));
        }
        if (!actionable.Contains(true) || !actionable.Contains(false))
        {
            throw new ArgumentException("stage 1 needs both actionable and hold rows to train on", nameof(actionable));
        }

        var ml = new MLContext(seed);
        var data = MlNetTreeTrainer.ToDataView(ml, rows, actionable, schema.Count);
        var floatRows = rows.Select(MlNetTreeTrainer.ToFloat).ToArray();
        var calibrationStart = CalibrationStart(actionable);
        var ensembles = new BoostedEnsemble[MlNetTreeTrainer.EnsembleNames.Count];
        var models = new MlNetModel[ensembles.Length];
        for (var e = 0; e < ensembles.Length; e++)
        {
            var (model, trained) = MlNetTreeTrainer.Train(ml, MlNetTreeTrainer.EnsembleNames[e], data, options, seed);
            var trees = MlNetTreeTrainer.Extract(trained);
            foreach (var row in floatRows)
            {
                foreach (var tree in trees) tree.AddToCovers(row);
            }
            var calibration = calibrationStart is { } start
                ? HeldOutCalibration(ml, MlNetTreeTrainer.EnsembleNames[e], rows, actionable, floatRows, start, schema, options, seed)
                : InSampleCalibration(model.Name, trees, trained.Bias, floatRows, actionable);
            ensembles[e] = new BoostedEnsemble(model.Name, trees, trained.Bias, calibration);
            models[e] = model;
        }
        return new GradientBoostedTreeFilter(schema, options, ensembles, models, version);
    }

    /// <summary>
    /// Where the calibration rows begin, or null when there are too few rows (or a single class on one side) to
    /// hold any out: then the scaling is fitted in sample, which is overconfident.
    /// </summary>
    private static int? CalibrationStart(IReadOnlyList<bool> actionable)
    {
        var start = (int)(actionable.Count * (1 - CalibrationShare));
        if (actionable.Count < 200) return null;
        bool BothClasses(int from, int to)
        {
            var positives = 0;
            for (var i = from; i < to; i++) if (actionable[i]) positives++;
            return positives >= 5 && to - from - positives >= 5;
        }
        return BothClasses(0, start) && BothClasses(start, actionable.Count) ? start : null;
    }

    /// <summary>
    /// Trees fitted in sample score their own training rows too confidently, so a Platt map fitted on those scores
    /// is overconfident out of sample. Instead the same trainer is fitted on the earlier rows and the map on its
    /// scores of the later, held-out rows; the served trees (fitted on all rows) take that map.
    /// </summary>
    private static PlattScaling HeldOutCalibration(
        MLContext ml, string ensemble, IReadOnlyList<double[]> rows, IReadOnlyList<bool> actionable, float[][] floatRows, int start,
        FeatureSchema schema, TreeFilterOptions options, int seed)
    {
        var earlier = MlNetTreeTrainer.ToDataView(ml, rows.Take(start).ToArray(), actionable.Take(start).ToArray(), schema.Count);
        var (model, trained) = MlNetTreeTrainer.Train(ml, ensemble, earlier, options, seed);
        var probe = new BoostedEnsemble(model.Name, MlNetTreeTrainer.Extract(trained), trained.Bias, new PlattScaling(1, 0));
        var scores = floatRows.Skip(start).Select(row => probe.RawScore(row)).ToArray();
        return PlattScaling.Fit(scores, actionable.Skip(start).ToArray());
    }

    private static PlattScaling InSampleCalibration(string name, IReadOnlyList<DecisionTree> trees, double bias, float[][] floatRows, IReadOnlyList<bool> actionable)
    {
        var uncalibrated = new BoostedEnsemble(name, trees, bias, new PlattScaling(1, 0));
        return PlattScaling.Fit(floatRows.Select(row => uncalibrated.RawScore(row)).ToArray(), actionable);
    }
}
