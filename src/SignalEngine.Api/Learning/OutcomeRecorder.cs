using System.Security.Cryptography;
using System.Text;
using SignalEngine.Api.Audit;
using SignalEngine.Bundle;
using SignalEngine.Labels;

namespace SignalEngine.Api.Learning;

/// <summary>What recording an outcome batch came to: a receipt, or problems with named fields, or an audit that failed.</summary>
public sealed record OutcomeRecording(OutcomeReceipt? Receipt, IDictionary<string, string[]>? Errors);

/// <summary>What POST /outcomes did: outcomes newly recorded, and repeats that were not (an outcome is learned once).</summary>
public sealed record OutcomeReceipt(IReadOnlyList<Guid> Recorded, IReadOnlyList<Guid> Duplicates, bool Learning);

/// <summary>
/// Checks a read outcome batch against the stores (the signals exist, which outcomes are repeats: one query each per
/// batch), turns forward returns into labels, and records the new outcomes with the key that supplied them, audited
/// before the store commits.
/// </summary>
public sealed class OutcomeRecorder(ISignalStore signals, OutcomeStore outcomes, IAuditLog audit, OnlineLearner learner, Metrics.OnlineMetrics metrics)
{
    /// <remarks>
    /// A forward return r becomes BUY when r ≥ k·σ·√H, SELL when r ≤ −k·σ·√H, else HOLD, with the bundle's barrier
    /// width k and horizon H and σ the signal's own realised-volatility feature: the barrier test on the return at the
    /// horizon, since the path in between is not sent. A label sent directly is used as it is.
    /// </remarks>
    public async Task<OutcomeRecording> RecordAsync(OutcomeBatchParse batch, ModelBundle bundle, bool learning, AuditContext context, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var found = await signals.GetManyAsync(batch.Outcomes.Select(o => o.SignalId).ToArray(), cancellationToken);
        var candidates = new List<(Guid Id, SignalAction Label, double? ForwardReturn, string? InputJson)>();
        foreach (var claim in batch.Outcomes)
        {
            if (!found.TryGetValue(claim.SignalId, out var signal))
            {
                errors[$"{claim.Field}.signalId"] = [$"no signal has the id {claim.SignalId}"];
                continue;
            }
            if (claim.Label is { } label) candidates.Add((claim.SignalId, label, null, null));
            else if (LabelOf(claim.ForwardReturn!.Value, signal, bundle) is { } derived) candidates.Add((claim.SignalId, derived, claim.ForwardReturn, null));
            else errors[$"{claim.Field}.forwardReturn"] = ["the signal has no realised-volatility feature to set the barriers: send its label instead"];
        }
        foreach (var bar in batch.Bars)
        {
            var input = JsonSerializer.Serialize(FeatureBatchItem.From(bar.Input, bundle.Schema), ApiDefaults.Json);
            candidates.Add((BarId(bar.Input.Instrument, bar.Input.Timestamp), bar.Label, null, input));
        }
        if (errors.Count > 0) return new OutcomeRecording(null, errors);

        var existing = await outcomes.ExistingAsync(candidates.Select(c => c.Id).ToArray(), cancellationToken);
        var seen = new HashSet<Guid>();
        var duplicates = new List<Guid>();
        var accepted = new List<(Guid, SignalAction, double?, string?)>();
        foreach (var candidate in candidates)
        {
            if (!seen.Add(candidate.Id) || existing.Contains(candidate.Id)) duplicates.Add(candidate.Id);
            else accepted.Add(candidate);
        }

        var labels = accepted.ToDictionary(a => a.Item1, a => (a.Item2, a.Item4 is null));
        var recorded = await outcomes.RecordAsync(accepted, context.ApiKey, ids =>
            audit.OutcomesRecorded(ids.Select(id => (id, labels[id].Item1, labels[id].Item2)).ToArray(), context), cancellationToken);
        duplicates.AddRange(accepted.Select(a => a.Item1).Except(recorded));
        metrics.Recorded(recorded.Count);
        if (recorded.Count > 0) learner.Wake();
        return new OutcomeRecording(new OutcomeReceipt(recorded, duplicates, learning), null);
    }

    /// <summary>A labelled bar's id, from its instrument and timestamp: sending the same bar again is a duplicate, not a second lesson.</summary>
    private static Guid BarId(string instrument, DateTimeOffset timestamp)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{instrument}\n{timestamp.UtcTicks}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    private static SignalAction? LabelOf(double forwardReturn, SignalRecord signal, ModelBundle bundle)
    {
        var input = JsonSerializer.Deserialize<FeatureBatchItem>(signal.InputJson, ApiDefaults.Json)!;
        var labels = bundle.Manifest.Labels;
        var volatility = input.Features.FirstOrDefault(f => f.Key.StartsWith("rvol_", StringComparison.Ordinal));
        if (volatility.Key is null || !(volatility.Value > 0)) return null;
        var barrier = labels.BarrierWidth * volatility.Value * Math.Sqrt(labels.Horizon);
        return forwardReturn >= barrier ? SignalAction.Buy : forwardReturn <= -barrier ? SignalAction.Sell : SignalAction.Hold;
    }
}
