using System.Diagnostics.Metrics;

namespace SignalEngine.Api.Metrics;

/// <summary>
/// The service's one meter. Each concern's instruments are created once in a small class of its own
/// (<see cref="StageDurationMetrics"/>, <see cref="SignalMetrics"/>, <see cref="RecordingMetrics"/>, <see cref="OnlineMetrics"/>),
/// named in the <c>signalengine.</c> namespace with their unit, tagged only with low-cardinality values.
/// </summary>
public static class SignalEngineMeter
{
    public const string Name = "SignalEngine";

    internal static Meter Create(IMeterFactory factory) => factory.Create(new MeterOptions(Name));
}
