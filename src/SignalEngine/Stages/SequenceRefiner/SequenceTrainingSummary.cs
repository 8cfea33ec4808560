namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>How a sequence refiner's training went: what the trainer records next to the model.</summary>
/// <param name="EpochsRun">Epochs actually run (early stopping may end before the configured number).</param>
/// <param name="BestEpoch">1-based epoch whose weights were kept (lowest holdout log loss).</param>
/// <param name="HoldoutLogLoss">Log loss of the kept weights on the time-ordered tail holdout; null without one.</param>
public sealed record SequenceTrainingSummary(
    int TrainWindows,
    int HoldoutWindows,
    int EpochsRun,
    int BestEpoch,
    double? HoldoutLogLoss);
