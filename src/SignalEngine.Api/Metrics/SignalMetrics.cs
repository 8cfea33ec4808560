using System.Diagnostics.Metrics;
using SignalEngine.Pipeline;

namespace SignalEngine.Api.Metrics;

/// <summary>
/// Signals answered (<c>signalengine.signals</c>, by action and model version), items filtered at stage 1
/// (<c>signalengine.signals.filtered</c>, by reason: threshold or the rule that fired) and stage-2 abstentions
/// (<c>signalengine.sequence.abstentions</c>, by model and reason: no_history, filtered or other).
/// </summary>
public sealed class SignalMetrics
{
    private readonly Counter<long> _signals;
    private readonly Counter<long> _filtered;
    private readonly Counter<long> _abstentions;

    public SignalMetrics(IMeterFactory factory)
    {
        var meter = SignalEngineMeter.Create(factory);
        _signals = meter.CreateCounter<long>("signalengine.signals", "{signal}", "Signals stored, audited and answered");
        _filtered = meter.CreateCounter<long>("signalengine.signals.filtered", "{signal}", "Answered signals whose item stage 1 filtered out");
        _abstentions = meter.CreateCounter<long>("signalengine.sequence.abstentions", "{output}", "Stage-2 outputs that abstained");
    }

    /// <summary>Counts a batch once it is recorded (what a client was answered), not what the pipeline computed.</summary>
    public void Answered(IEnumerable<Signal> signals)
    {
        foreach (var signal in signals)
        {
            _signals.Add(1, new("action", signal.Action.ToString().ToLowerInvariant()), new("model_version", signal.ModelVersion));
            var tree = signal.Stages.TreeFilter;
            if (!tree.Passed)
            {
                foreach (var rule in tree.RulesFired) _filtered.Add(1, new KeyValuePair<string, object?>("reason", "rule:" + rule.Rule));
                if (tree.RulesFired.Count == 0 || tree.Reason?.Contains("under threshold", StringComparison.Ordinal) == true)
                {
                    _filtered.Add(1, new KeyValuePair<string, object?>("reason", "threshold"));
                }
            }
            foreach (var output in signal.Stages.Sequence.Where(s => s.Abstained))
            {
                var reason = output.AbstainReason == StageComposer.FilteredReason ? "filtered"
                    : output.AbstainReason?.Contains("no history", StringComparison.Ordinal) == true ? "no_history"
                    : "other";
                _abstentions.Add(1, new("model", output.Model), new("reason", reason));
            }
        }
    }
}
