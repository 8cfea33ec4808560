using SignalEngine.Api.Audit;
using SignalEngine.Api.Serving;
using SignalEngine.Bundle;
using SignalEngine.Online;

namespace SignalEngine.Api.Learning;

/// <summary>What one learning cycle did.</summary>
public sealed record LearningCycle(string Outcome, string? Candidate, ShadowComparison? Comparison);

/// <summary>
/// The background learner: once enough unused outcomes have arrived, it builds a candidate from the serving model
/// (<see cref="CandidateTrainer"/>), holding the most recent of them out; scores candidate and serving model on
/// those; promotes the candidate only if it is not worse (<see cref="ShadowEvaluation.Compare"/>), else rejects it.
/// Every decision is audited. Held-out outcomes stay unused, so the next candidate trains on them.
/// </summary>
public sealed class OnlineLearner(
    IOptions<OnlineOptions> options,
    IOptions<PromotionOptions> promotion,
    OutcomeStore outcomes,
    ISignalStore signals,
    IServiceProvider services,
    ModelRegistry registry,
    IAuditLog audit,
    IHostEnvironment environment,
    Replicas.LearnerLease lease,
    Metrics.OnlineMetrics metrics,
    ILogger<OnlineLearner> logger) : BackgroundService
{
    private const string ReplayKey = "replay";
    private const string CandidatesKey = "candidates-built";
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly SemaphoreSlim _cycle = new(1, 1);

    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(30);

    /// <summary>Who promotes and rejects candidates: the service itself, not a key.</summary>
    private static readonly AuditContext Learner = new("online-learner", null);

    // Resolved on first use: hosted services are built before start-up checks run, and the bundle must fail there.
    private ActiveBundle Active => services.GetRequiredService<ActiveBundle>();

    private ModelLifecycle Lifecycle => services.GetRequiredService<ModelLifecycle>();

    /// <summary>Called when outcomes arrive, so a cycle need not wait for the next poll.</summary>
    public void Wake() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Lifecycle.EnsureServingRegisteredAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(Poll, stoppingToken);
                // Of replicas sharing one PostgreSQL, only the lease holder learns (the others' candidates would race).
                if (options.Value.Enabled && lease.IsHeld) await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A failed cycle leaves the serving model and the outcomes as they were; the next one tries again.
                logger.LogError(e, "Online learning cycle failed");
            }
        }
    }

    /// <summary>One cycle: build, evaluate and promote or reject a candidate if enough outcomes are waiting.</summary>
    public async Task<LearningCycle> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _cycle.WaitAsync(cancellationToken);
        try
        {
            return await CycleAsync(cancellationToken);
        }
        finally
        {
            _cycle.Release();
        }
    }

    private async Task<LearningCycle> CycleAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var unused = await outcomes.UnusedAsync(cancellationToken);
        if (unused.Count < settings.EveryOutcomes)
        {
            return new LearningCycle($"waiting: {unused.Count} of {settings.EveryOutcomes} outcomes", null, null);
        }

        var serving = Active.Current.Bundle;
        var samples = await SamplesAsync(unused, serving, cancellationToken);
        // Promotion is judged only on outcomes of the service's own signals: labelled bars a client made up (for
        // instruments and times nobody was signalled) are trained on, never held out, so they cannot grade themselves.
        var ofSignals = unused.Where(o => o.OfASignal).Select(o => o.SignalId).ToHashSet();
        var signalled = samples.Where(s => ofSignals.Contains(s.SignalId)).ToArray();
        var heldOut = signalled.Length == 0 ? 0 : Math.Max(1, (int)Math.Round(signalled.Length * settings.HoldoutShare));
        var holdout = signalled.Skip(signalled.Length - heldOut).ToArray();
        var heldOutIds = holdout.Select(h => h.SignalId).ToHashSet();
        var fresh = samples.Where(s => !heldOutIds.Contains(s.SignalId)).ToArray();
        var suppliers = unused.GroupBy(o => o.SuppliedBy ?? "(unknown)").ToDictionary(g => g.Key, g => g.Count());

        var replay = new ReplayBuffer(settings.ReplayReservoir, settings.ReplayRecent, settings.Seed,
            await outcomes.GetStateAsync(ReplayKey, cancellationToken) is { } state ? JsonSerializer.Deserialize<ReplayState>(state, ApiDefaults.Json) : null);
        var replayed = await SamplesAsync(await outcomes.ByIdsAsync(replay.Ids(), cancellationToken), serving, cancellationToken);

        var built = int.Parse(await outcomes.GetStateAsync(CandidatesKey, cancellationToken) ?? "0", System.Globalization.CultureInfo.InvariantCulture) + 1;
        var version = $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-online{built}";
        var directory = Path.Combine(environment.ResolvePath(settings.CandidatesPath), version);
        // Stage 1's rolling window ends before the held-out outcomes, so the shadow evaluation stays out of sample.
        var window = built % settings.StageOneEvery == 0
            ? (await SamplesAsync(await outcomes.RecentAsync(settings.StageOneWindow + holdout.Length, cancellationToken), serving, cancellationToken))
                .Where(s => holdout.All(h => h.SignalId != s.SignalId)).ToArray()
            : null;
        var manifest = CandidateTrainer.Build(serving, fresh, replayed, holdout.Length, directory, version, settings, window);
        await outcomes.SetStateAsync(CandidatesKey, built.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

        var candidate = ModelBundle.Load(directory);
        var comparison = holdout.Length > 0
            ? ShadowEvaluation.Compare(ShadowEvaluation.Score(serving, holdout), ShadowEvaluation.Score(candidate, holdout), settings)
            : new ShadowComparison(new ShadowScore(serving.Version, 0, double.NaN, double.NaN, 0), new ShadowScore(version, 0, double.NaN, double.NaN, 0), false, "");
        var minimum = promotion.Value.MinimumHeldOutOutcomes;
        if (holdout.Length < minimum)
        {
            comparison = comparison with
            {
                Promote = false,
                Reason = $"{holdout.Length} held-out outcomes of the service's own signals; promotion needs at least {minimum}",
            };
        }
        var reason = $"{comparison.Reason} (outcomes supplied by {string.Join(", ", suppliers.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}"))})";
        var shadow = new Dictionary<string, double?>
        {
            ["heldOutOutcomes"] = holdout.Length,
            ["logLoss"] = Finite(comparison.Candidate.LogLoss),
            ["precision"] = Finite(comparison.Candidate.Precision),
            ["servingLogLoss"] = Finite(comparison.Serving.LogLoss),
            ["servingPrecision"] = Finite(comparison.Serving.Precision),
        };

        foreach (var sample in fresh) replay.Add(sample.SignalId);
        await outcomes.SetStateAsync(ReplayKey, JsonSerializer.Serialize(replay.State, ApiDefaults.Json), cancellationToken);
        await outcomes.MarkUsedAsync(fresh.Select(s => s.SignalId).ToArray(), version, cancellationToken);

        if (comparison.Promote)
        {
            await Lifecycle.ActivateAsync(candidate, "model.promoted", reason, shadow, Learner, cancellationToken);
            metrics.Candidate("promoted");
            return new LearningCycle("promoted", version, comparison);
        }
        candidate.Dispose();
        await registry.PutAsync(new ModelEntry(version, manifest.Parent, directory, ModelStatus.Rejected, manifest.Created, comparison.Reason, shadow), cancellationToken);
        audit.ModelEvent("model.rejected", version, serving.Version, reason, Learner);
        logger.LogInformation("Candidate {ModelVersion} rejected: {Reason}", version, reason);
        metrics.Candidate("rejected");
        return new LearningCycle("rejected", version, comparison);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>Each outcome with its inputs (a labelled bar's own, or its signal's), in the serving schema; inputs of another schema are skipped.</summary>
    private async Task<IReadOnlyList<OnlineSample>> SamplesAsync(IReadOnlyList<OutcomeRecord> records, ModelBundle serving, CancellationToken cancellationToken)
    {
        var samples = new List<OnlineSample>(records.Count);
        foreach (var record in records)
        {
            var inputJson = record.InputJson ?? (await signals.GetAsync(record.SignalId, cancellationToken))?.InputJson;
            if (inputJson is null) continue;
            var item = JsonSerializer.Deserialize<FeatureBatchItem>(inputJson, ApiDefaults.Json)!;
            if (!serving.Schema.Names.All(item.Features.ContainsKey)) continue;
            samples.Add(new OnlineSample(record.SignalId, item.ToInput(serving.Schema), record.Label));
        }
        return samples;
    }
}
