using SignalEngine.Stages;

namespace SignalEngine.Explanations;

/// <summary>Global importance of a stage-1 model's features on a stated set of labelled rows.</summary>
/// <param name="Model">The model measured, with its version.</param>
/// <param name="Data">What the rows are, e.g. "the training data's last fold".</param>
/// <param name="Rows">How many rows the SHAP and permutation measures used.</param>
/// <param name="Repeats">Shuffles averaged per feature for the permutation measure.</param>
/// <param name="Seed">Seed of the shuffles.</param>
/// <param name="LogLoss">Log loss of p(actionable) on the unshuffled rows, the permutation measure's reference.</param>
/// <param name="Features">One row per feature, by mean |SHAP| descending.</param>
public sealed record ModelImportance(
    ModelStamp Model,
    string Data,
    int Rows,
    int Repeats,
    int Seed,
    double LogLoss,
    IReadOnlyList<FeatureImportanceMeasures> Features);
