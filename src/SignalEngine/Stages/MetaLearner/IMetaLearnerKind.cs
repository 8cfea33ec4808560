using SignalEngine.Labels;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>
/// One kind of stage-3 model: how it is fitted on out-of-fold stage outputs, updated online, loaded and saved. Bundles
/// name their kind in the manifest (<see cref="MetaLearnerOptions.Model"/>) and the stage catalog finds it by that name.
/// </summary>
public interface IMetaLearnerKind
{
    /// <summary>The name the manifest records, and the <see cref="ModelStamp.Name"/> of the models it makes.</summary>
    string Name { get; }

    /// <param name="sequenceModels">Sequence model names in the bundle's order, matching <see cref="MetaInput.SequenceProbabilities"/>.</param>
    /// <param name="labelUniqueness">What one outcome counts: overlapping triple-barrier labels are worth less than one each.</param>
    IMetaLearner Fit(IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels, IReadOnlyList<string> sequenceModels, MetaLearnerOptions options, string version, double labelUniqueness);

    /// <summary>The model after learning from new items only (what it already knows is kept, not relearned).</summary>
    IMetaLearner Update(IMetaLearner current, IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels, string version);

    IMetaLearner Load(string path, string version);

    void Save(IMetaLearner model, string path);

    /// <summary>
    /// The model forecasting only the label frequencies it was fitted with (and updating them as outcomes arrive):
    /// what ships when the nested walk-forward shows the fitted model worse than those frequencies. Null where this
    /// kind has no such form.
    /// </summary>
    IMetaLearner? BaseRatesOnly(IMetaLearner model) => null;
}

/// <summary>
/// Bayesian stacking: multinomial logistic regression with a Gaussian prior, a Laplace posterior and a forecast pool,
/// averaged over memories by their evidence (<see cref="MemoryAveragedStacking"/>) unless the options name none. A file
/// from before the average (format 1) loads and updates as the single model it is.
/// </summary>
public sealed class BayesianStackingKind : IMetaLearnerKind
{
    public static BayesianStackingKind Instance { get; } = new();

    private BayesianStackingKind()
    {
    }

    public string Name => BayesianStackingMetaLearner.ModelName;

    public IMetaLearner Fit(IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels, IReadOnlyList<string> sequenceModels, MetaLearnerOptions options, string version, double labelUniqueness) =>
        options.Memories is { Count: > 0 }
            ? MemoryAveragedStacking.Fit(inputs, labels, sequenceModels, options, version, labelUniqueness)
            : BayesianStackingMetaLearner.Fit(inputs, labels, sequenceModels, options, version, labelUniqueness: labelUniqueness);

    public IMetaLearner Update(IMetaLearner current, IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels, string version) => current switch
    {
        MemoryAveragedStacking average => average.Update(inputs, labels, version),
        _ => Own(current).Update(inputs, labels, version),
    };

    public IMetaLearner Load(string path, string version) =>
        MemoryAveragedStacking.IsAverageFile(path) ? MemoryAveragedStacking.Load(path, version) : BayesianStackingMetaLearner.Load(path, version);

    public void Save(IMetaLearner model, string path)
    {
        if (model is MemoryAveragedStacking average) average.Save(path);
        else Own(model).Save(path);
    }

    public IMetaLearner BaseRatesOnly(IMetaLearner model) => model switch
    {
        MemoryAveragedStacking average => average.ForecastingBaseRates(),
        _ => Own(model).ForecastingBaseRates(),
    };

    private BayesianStackingMetaLearner Own(IMetaLearner model) => model as BayesianStackingMetaLearner
        ?? throw new ArgumentException($"a {Name} model is needed, not {model.Model.Name}", nameof(model));
}
