namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>What a few online fine-tuning steps did: mean log loss on the given samples before and after.</summary>
public sealed record SequenceFineTuning(int Samples, int Steps, double LogLossBefore, double LogLossAfter);
