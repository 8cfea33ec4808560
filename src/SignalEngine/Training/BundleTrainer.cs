using SignalEngine.Bundle;

namespace SignalEngine.Training;

/// <summary>Trains all three stages on a CSV of bars and writes a model bundle folder.</summary>
public static class BundleTrainer
{
    /// <param name="maxBars">Keep only the last maxBars bars of each instrument (small fixtures, quick runs).</param>
    public static BundleManifest Train(
        string dataPath,
        string outputDirectory,
        TrainingOptions options,
        IProgress<TrainingProgress>? progress = null,
        int? maxBars = null,
        CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("training is being built");
}
