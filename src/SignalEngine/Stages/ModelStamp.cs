namespace SignalEngine.Stages;

/// <summary>Which model produced a stage result: every stage output carries one.</summary>
public sealed record ModelStamp(string Name, string Version);
