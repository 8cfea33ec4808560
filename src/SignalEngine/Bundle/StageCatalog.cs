using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Bundle;

/// <summary>
/// The stage kinds this build knows, by the names manifests record. Loading, training and online learning find every
/// stage here, so a new kind of stage model is its own folder plus one line in <see cref="Default"/>.
/// </summary>
public sealed class StageCatalog
{
    private readonly Dictionary<string, ITreeFilterKind> _treeFilters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ISequenceRefinerKind> _refiners = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IMetaLearnerKind> _metaLearners = new(StringComparer.OrdinalIgnoreCase);

    public static StageCatalog Default { get; } = new StageCatalog()
        .Add(GradientBoostedTreeFilterKind.Instance)
        .Add(TorchSequenceRefinerKind.Lstm)
        .Add(TorchSequenceRefinerKind.Transformer)
        .Add(BayesianStackingKind.Instance);

    public StageCatalog Add(ITreeFilterKind kind)
    {
        _treeFilters.Add(kind.Name, kind);
        return this;
    }

    public StageCatalog Add(ISequenceRefinerKind kind)
    {
        _refiners.Add(kind.Name, kind);
        return this;
    }

    public StageCatalog Add(IMetaLearnerKind kind)
    {
        _metaLearners.Add(kind.Name, kind);
        return this;
    }

    /// <exception cref="ArgumentException">No stage-1 kind of that name; the message lists the known ones.</exception>
    public ITreeFilterKind TreeFilter(string name) => Find(_treeFilters, name, "stage-1 model");

    /// <exception cref="ArgumentException">No stage-2 kind of that name; the message lists the known ones.</exception>
    public ISequenceRefinerKind SequenceRefiner(string name) => Find(_refiners, name, "sequence model");

    /// <exception cref="ArgumentException">No stage-3 kind of that name; the message lists the known ones.</exception>
    public IMetaLearnerKind MetaLearner(string name) => Find(_metaLearners, name, "stage-3 model");

    private static T Find<T>(Dictionary<string, T> kinds, string name, string what) =>
        kinds.TryGetValue(name ?? "", out var kind)
            ? kind
            : throw new ArgumentException($"unknown {what} '{name}'; this build knows: {string.Join(", ", kinds.Keys.Order(StringComparer.Ordinal))}", nameof(name));
}
