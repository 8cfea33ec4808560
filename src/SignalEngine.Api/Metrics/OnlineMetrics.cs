using System.Diagnostics.Metrics;
using SignalEngine.Api.Serving;
using SignalEngine.Api.Replicas;

namespace SignalEngine.Api.Metrics;

/// <summary>
/// Online learning and the served model: outcomes recorded (<c>signalengine.outcomes</c>), candidates by decision
/// (<c>signalengine.candidates</c>, promoted or rejected), and two info gauges of value 1: the version this replica
/// serves (<c>signalengine.model.serving</c>, tag model_version) and whether it holds the learner lease
/// (<c>signalengine.learner</c>, 1 or 0).
/// </summary>
public sealed class OnlineMetrics
{
    private readonly Counter<long> _outcomes;
    private readonly Counter<long> _candidates;

    public OnlineMetrics(IMeterFactory factory, IServiceProvider services)
    {
        var meter = SignalEngineMeter.Create(factory);
        _outcomes = meter.CreateCounter<long>("signalengine.outcomes", "{outcome}", "Realised outcomes recorded for learning");
        _candidates = meter.CreateCounter<long>("signalengine.candidates", "{candidate}", "Candidate models built, by decision");
        // Resolved when observed: the bundle loads at start, after the metrics exist.
        meter.CreateObservableGauge("signalengine.model.serving", () =>
            new Measurement<int>(1, new KeyValuePair<string, object?>("model_version", services.GetRequiredService<ActiveBundle>().Current.Version)),
            "{model}", "The model version this replica serves (always 1; the version is the tag)");
        meter.CreateObservableGauge("signalengine.learner", () => services.GetRequiredService<LearnerLease>().IsHeld ? 1 : 0,
            "{replica}", "1 when this replica holds the learner lease");
    }

    public void Recorded(int outcomes) => _outcomes.Add(outcomes);

    public void Candidate(string decision) => _candidates.Add(1, new KeyValuePair<string, object?>("decision", decision));
}
