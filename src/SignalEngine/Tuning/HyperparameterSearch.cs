using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SignalEngine.Tuning;

/// <summary>
/// Runs trials of an objective over a search space: TPE suggestions, successive-halving early stopping, up to
/// <see cref="SearchSettings.Workers"/> trials at once. Trial n draws its randomness from a generator seeded by
/// (seed, n) and sees the trials completed before it was suggested, so a run resumed from its replayed trials
/// continues exactly as an uninterrupted one-worker run would.
/// </summary>
public sealed class HyperparameterSearch(SearchSpace space, ISearchObjective objective, SearchSettings settings)
{
    private readonly TpeSampler _sampler = new(settings.Sampler);
    private readonly SuccessiveHalvingPruner _pruner = new(settings.Pruning);

    /// <param name="replay">Trials of an earlier run of this search (trials.csv), fed to the sampler and pruner first.</param>
    /// <param name="completed">Called under the search's lock as each trial ends, in completion order.</param>
    public IReadOnlyList<Trial> Run(IReadOnlyList<Trial>? replay = null, Action<Trial>? completed = null, CancellationToken cancellationToken = default)
    {
        var gate = new object();
        var history = (replay ?? []).OrderBy(t => t.Number).ToList();
        var next = history.Count == 0 ? 0 : history[^1].Number + 1;
        var clock = Stopwatch.StartNew();

        void Worker()
        {
            while (true)
            {
                int number;
                ParameterSet parameters;
                lock (gate)
                {
                    if (next >= settings.Trials || cancellationToken.IsCancellationRequested) return;
                    if (settings.TimeBudget is { } budget && clock.Elapsed >= budget) return;
                    number = next++;
                    parameters = _sampler.Suggest(space, history, TrialRandom(settings.Seed, number));
                }
                var trial = RunTrial(number, parameters, gate, history, cancellationToken);
                if (trial is null) return;
                lock (gate)
                {
                    history.Add(trial);
                    completed?.Invoke(trial);
                }
            }
        }

        var workers = Enumerable.Range(0, settings.Workers).Select(_ => Task.Factory.StartNew(Worker, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(workers);
        return history;
    }

    /// <summary>The generator of trial n: SplitMix64 of the seed and n, so it does not depend on the trials before.</summary>
    public static Random TrialRandom(int seed, int number)
    {
        var z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)number + 1);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return new Random((int)((z ^ (z >> 31)) & 0x7FFFFFFF));
    }

    private Trial? RunTrial(int number, ParameterSet parameters, object gate, List<Trial> history, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var rungs = new List<double>();
        var state = TrialState.Complete;
        try
        {
            foreach (var score in objective.Evaluate(parameters, cancellationToken))
            {
                rungs.Add(score);
                if (rungs.Count >= objective.Rungs) break;
                bool stop;
                lock (gate) stop = _pruner.ShouldStop(rungs.Count - 1, score, history);
                if (stop)
                {
                    state = TrialState.Pruned;
                    break;
                }
            }
            if (state == TrialState.Complete && (rungs.Count == 0 || !double.IsFinite(rungs[^1]))) state = TrialState.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException or ExternalException)
        {
            // A point where the pipeline cannot train (too few samples of a class, a native TorchSharp error) is a
            // failed trial, not a failed search: an exception escaping here would end its worker silently.
            state = TrialState.Failed;
        }
        var final = state == TrialState.Failed ? double.NaN : rungs[^1];
        return new Trial(number, parameters, state, final, rungs, Math.Round(clock.Elapsed.TotalSeconds, 3));
    }
}
