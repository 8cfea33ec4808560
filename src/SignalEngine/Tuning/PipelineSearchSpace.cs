using SignalEngine.Bundle;

namespace SignalEngine.Tuning;

/// <summary>
/// The hyperparameters the TPE search tunes: stage 1, stage 3, the decision rule's certainty and the triple-barrier labels. The barrier width stops
/// at 1.5 sigma: wider barriers over these horizons label nearly every bar HOLD (a first run on ttrc.csv with widths
/// up to 2.5 chose 2.4). Even so the objective, a log-loss skill score, rewards calibrated probabilities and not
/// signals: a configuration may win it while answering HOLD throughout, so read coverage in the summary next to it.
/// </summary>
public static class PipelineSearchSpace
{
    public static SearchSpace Create() => new(
        SearchParameter.Integer("trees", 20, 400, step: 10),
        SearchParameter.Integer("leaves", 4, 64),
        SearchParameter.LogUniform("learningRate", 0.005, 0.3),
        SearchParameter.Integer("minLeaf", 5, 200),
        SearchParameter.Uniform("featureFraction", 0.3, 1.0),
        SearchParameter.LogUniform("priorScale", 0.05, 10),
        SearchParameter.Uniform("certainty", 0.5, 0.95),
        SearchParameter.Integer("horizon", 5, 20),
        SearchParameter.Uniform("barrierWidth", 0.5, 1.5));

    public static TrainingOptions Apply(TrainingOptions options, ParameterSet p) => options with
    {
        TreeFilter = options.TreeFilter with
        {
            NumberOfTrees = p.Int("trees"),
            NumberOfLeaves = p.Int("leaves"),
            LearningRate = p["learningRate"],
            MinimumExampleCountPerLeaf = p.Int("minLeaf"),
            FeatureFraction = p["featureFraction"],
        },
        Meta = options.Meta with { PriorScale = p["priorScale"] },
        Decision = options.Decision with { Trade = options.Decision.Trade with { Certainty = p["certainty"] } },
        Labels = options.Labels with { Horizon = p.Int("horizon"), BarrierWidth = p["barrierWidth"] },
    };
}
