namespace SignalEngine.Training;

/// <summary>A training step finished: Completed of Total steps, with a short description of the next.</summary>
public sealed record TrainingProgress(int Completed, int Total, string Step);
