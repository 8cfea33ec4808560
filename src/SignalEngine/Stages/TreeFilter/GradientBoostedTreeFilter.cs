using SignalEngine.Features;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>Stage 1: ML.NET LightGBM and FastTree ensembles averaged in log-odds, calibrated, plus rule filters.</summary>
public sealed class GradientBoostedTreeFilter : ITreeFilter
{
    private GradientBoostedTreeFilter() => throw new NotImplementedException();

    public ModelStamp Model => throw new NotImplementedException();

    public static GradientBoostedTreeFilter Train(
        IReadOnlyList<double[]> rows, IReadOnlyList<bool> actionable, FeatureSchema schema, TreeFilterOptions options, int seed, string version) =>
        throw new NotImplementedException();

    public static GradientBoostedTreeFilter Load(string bundleDirectory, FeatureSchema schema, TreeFilterOptions options, string version) =>
        throw new NotImplementedException();

    /// <summary>Writes the stage-1 artifacts under bundleDirectory; returns their paths relative to it.</summary>
    public IReadOnlyList<string> Save(string bundleDirectory) => throw new NotImplementedException();

    public TreeFilterResult Evaluate(ReadOnlySpan<double> features) => throw new NotImplementedException();

    public TreeExplanation Explain(ReadOnlySpan<double> features) => throw new NotImplementedException();
}
