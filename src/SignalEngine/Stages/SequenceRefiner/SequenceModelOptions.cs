using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>Stage 2 architecture and training settings, shared by the LSTM and the Transformer.</summary>
public sealed record SequenceModelOptions
{
    /// <summary>T: rows per window, the current bar included (a request sends T - 1 history rows).</summary>
    [Range(2, 512)] public int WindowLength { get; init; } = 32;
    [Range(2, 1024)] public int HiddenSize { get; init; } = 32;
    [Range(1, 8)] public int Layers { get; init; } = 1;
    [Range(1, 16)] public int Heads { get; init; } = 2;
    [Range(0.0, 0.9)] public double Dropout { get; init; } = 0.1;
    [Range(1e-5, 1.0)] public double LearningRate { get; init; } = 1e-3;
    [Range(1, 1000)] public int Epochs { get; init; } = 8;
    [Range(1, 4096)] public int BatchSize { get; init; } = 64;

    /// <summary>Stage 2 trains on at most this many of the most recent actionable windows (a rolling training window).</summary>
    [Range(16, 1_000_000)] public int MaxTrainingWindows { get; init; } = 6000;

    /// <summary>Which sequence models stage 2 runs, in order: "lstm", "transformer".</summary>
    public IReadOnlyList<string> Models { get; init; } = ["lstm", "transformer"];
}
