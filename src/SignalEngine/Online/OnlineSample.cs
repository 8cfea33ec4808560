using SignalEngine.Labels;
using SignalEngine.Pipeline;

namespace SignalEngine.Online;

/// <summary>A served signal's inputs joined with the outcome that was realised afterwards.</summary>
public sealed record OnlineSample(Guid SignalId, SignalInput Input, SignalAction Label);
