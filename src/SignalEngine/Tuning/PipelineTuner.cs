using System.Diagnostics;
using System.Text.Json;
using SignalEngine.Bundle;

namespace SignalEngine.Tuning;

/// <summary>
/// The tune command's work, in three phases on the bars before the held-out last fold:
/// 1. evolutionary search of the stage-2 architecture (fitness: walk-forward BUY/SELL log loss plus a size penalty);
/// 2. TPE over stages 1 and 3 and the labels with that architecture, trials early-stopped on their first folds,
///    each appended to trials.csv as it ends;
/// 3. the best and the default configurations trained and scored on the held-out fold; best-config.json (the
///    TrainingOptions JSON `train --config` reads) and summary.md written.
/// The search trains stage 2 for <see cref="TuningSettings.SearchEpochs"/> epochs; the held-out comparison and the
/// written config use the default epochs.
/// </summary>
public static class PipelineTuner
{
    public const string TrialsFile = "trials.csv";
    public const string ArchitecturesFile = "architectures.csv";
    public const string BestConfigFile = "best-config.json";
    public const string SummaryFile = "summary.md";

    public static TuningResult Run(TuningSettings settings, TuningObserver? observer = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(settings.OutputDirectory);
        var trialsPath = Path.Combine(settings.OutputDirectory, TrialsFile);
        var architecturesPath = Path.Combine(settings.OutputDirectory, ArchitecturesFile);
        if (!settings.Resume)
        {
            File.Delete(trialsPath);
            File.Delete(architecturesPath);
        }

        var data = TuningData.Load(settings.DataPath, settings.MaxBars, settings.HoldoutFraction);
        var defaults = new TrainingOptions { Seed = settings.Seed };
        var searchBase = defaults with { Sequence = defaults.Sequence with { Epochs = Math.Min(settings.SearchEpochs, defaults.Sequence.Epochs) } };
        TimeSpan? Share(double share) => settings.TimeBudget is { } b ? b * share : null;

        observer?.Phase?.Invoke("stage 2: evolutionary architecture search");
        var architectureBudget = Share(settings.ArchitectureShare);
        var fitness = new StageTwoFitness(data.Search, searchBase, settings.SizePenalty);
        var architectureLog = new ArchitectureLog(architecturesPath);
        var known = architectureLog.Read();
        var generations = new ArchitectureEvolution(new ArchitectureSpace(), settings.Evolution with { Seed = settings.Seed, Workers = settings.Workers }).Run(
            genome =>
            {
                var value = fitness.Evaluate(genome, cancellationToken);
                architectureLog.Append(genome, value);
                return value;
            },
            observer?.GenerationEnded,
            stop: () => cancellationToken.IsCancellationRequested || (architectureBudget is { } b && clock.Elapsed >= b),
            known);
        var bestGeneration = generations.MinBy(g => g.BestFitness);
        var architecture = bestGeneration?.Best ?? ArchitectureGenome.Default;

        observer?.Phase?.Invoke("stages 1 and 3, labels: TPE search");
        var space = PipelineSearchSpace.Create();
        var log = new TrialLog(trialsPath, space);
        var replay = settings.Resume ? log.Read() : [];
        var objective = new PipelineObjective(data.Search, searchBase with { Sequence = architecture.Apply(searchBase.Sequence) });
        var searchBudget = settings.TimeBudget is { } total ? total * (1 - settings.FinalShare) - clock.Elapsed : (TimeSpan?)null;
        if (searchBudget < TimeSpan.Zero) searchBudget = TimeSpan.Zero;
        Trial? best = replay.Where(t => t.Completed).MinBy(t => t.Score);
        var search = new HyperparameterSearch(space, objective, new SearchSettings
        {
            Trials = settings.Trials,
            TimeBudget = searchBudget,
            Seed = settings.Seed,
            Workers = settings.Workers,
            Sampler = settings.Sampler,
            Pruning = settings.Pruning,
        });
        var trials = search.Run(replay, trial =>
        {
            log.Append(trial);
            if (trial.Completed && (best is null || trial.Score < best.Score)) best = trial;
            observer?.TrialEnded?.Invoke(trial, best);
        }, cancellationToken);

        var tuned = defaults with { Sequence = architecture.Apply(defaults.Sequence) };
        if (best is not null) tuned = PipelineSearchSpace.Apply(tuned, best.Parameters);
        var bestConfigPath = Path.Combine(settings.OutputDirectory, BestConfigFile);
        File.WriteAllText(bestConfigPath, JsonSerializer.Serialize(tuned, BundleJson.Options));

        observer?.Phase?.Invoke("held-out last fold: default configuration");
        var defaultHoldout = HoldoutEvaluation.Score(data, defaults, cancellationToken);
        observer?.Phase?.Invoke("held-out last fold: tuned configuration");
        var bestHoldout = HoldoutEvaluation.Score(data, tuned, cancellationToken);

        var result = new TuningResult
        {
            Best = tuned,
            Default = defaults,
            BestTrial = best,
            BestArchitecture = architecture,
            BestArchitectureFitness = bestGeneration?.BestFitness ?? double.NaN,
            Generations = generations,
            Trials = trials,
            ReplayedTrials = replay.Count,
            DefaultHoldout = defaultHoldout,
            BestHoldout = bestHoldout,
            Elapsed = clock.Elapsed,
            BestConfigPath = bestConfigPath,
            TrialsPath = trialsPath,
            SummaryPath = Path.Combine(settings.OutputDirectory, SummaryFile),
        };
        File.WriteAllText(result.SummaryPath, TuningSummary.Markdown(result, settings, data));
        return result;
    }
}
