using SignalEngine.Features;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>
/// One kind of stage-1 model: how it trains, loads and saves. Bundles name their kind in the manifest
/// (<see cref="TreeFilterOptions.Model"/>) and the stage catalog finds it by that name, so a new kind is its own
/// folder plus one registration.
/// </summary>
public interface ITreeFilterKind
{
    /// <summary>The name the manifest records, and the <see cref="ModelStamp.Name"/> of the models it makes.</summary>
    string Name { get; }

    /// <param name="rows">Training rows in schema order, oldest first.</param>
    /// <param name="actionable">Whether each row was labelled BUY or SELL.</param>
    ITreeFilter Train(IReadOnlyList<double[]> rows, IReadOnlyList<bool> actionable, FeatureSchema schema, TreeFilterOptions options, int seed, string version);

    ITreeFilter Load(string bundleDirectory, FeatureSchema schema, TreeFilterOptions options, string version);

    /// <summary>Writes the model's artifacts under bundleDirectory; returns their paths relative to it.</summary>
    IReadOnlyList<string> Save(ITreeFilter filter, string bundleDirectory);
}

/// <summary>The LightGBM + FastTree ensembles averaged in calibrated log-odds, with the rule filters.</summary>
public sealed class GradientBoostedTreeFilterKind : ITreeFilterKind
{
    public static GradientBoostedTreeFilterKind Instance { get; } = new();

    private GradientBoostedTreeFilterKind()
    {
    }

    public string Name => GradientBoostedTreeFilter.ModelName;

    public ITreeFilter Train(IReadOnlyList<double[]> rows, IReadOnlyList<bool> actionable, FeatureSchema schema, TreeFilterOptions options, int seed, string version) =>
        TreeFilterTrainer.Train(rows, actionable, schema, options, seed, version);

    public ITreeFilter Load(string bundleDirectory, FeatureSchema schema, TreeFilterOptions options, string version) =>
        TreeFilterArtifacts.Load(bundleDirectory, schema, options, version);

    public IReadOnlyList<string> Save(ITreeFilter filter, string bundleDirectory) =>
        TreeFilterArtifacts.Save(Own(filter), bundleDirectory);

    private GradientBoostedTreeFilter Own(ITreeFilter filter) => filter as GradientBoostedTreeFilter
        ?? throw new ArgumentException($"a {Name} model is needed, not {filter.Model.Name}", nameof(filter));
}
