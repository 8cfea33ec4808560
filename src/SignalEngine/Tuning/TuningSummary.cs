using System.Globalization;
using System.Text;

namespace SignalEngine.Tuning;

/// <summary>summary.md of a tune run.</summary>
public static class TuningSummary
{
    public static string Markdown(TuningResult r, TuningSettings s, TuningData data)
    {
        var ci = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        var ended = r.Trials.Where(t => t.Number >= 0).ToArray();

        Line($"# Tuning summary: {Path.GetFileName(s.DataPath)}");
        Line();
        Line(string.Create(ci, $"- seed {s.Seed}, workers {s.Workers}, {r.Elapsed.TotalMinutes:0.0} min this invocation{(s.TimeBudget is { } b ? $" (budget {b.TotalMinutes:0.#} min)" : "")}{(s.MaxBars is { } m ? $", last {m} bars per instrument" : "")}"));
        Line(string.Create(ci, $"- search bars: time steps 0..{data.HoldoutStart - 1}; held-out last fold: time steps {data.HoldoutStart}..{data.TimeSteps - 1} ({s.HoldoutFraction:P0}), never seen by a trial"));
        Line(string.Create(ci, $"- trials: {ended.Length} ({r.ReplayedTrials} replayed from trials.csv): {ended.Count(t => t.State == TrialState.Complete)} complete, {ended.Count(t => t.State == TrialState.Pruned)} stopped early, {ended.Count(t => t.State == TrialState.Failed)} failed"));
        Line(string.Create(ci, $"- cheap trials: stage 2 trained for {Math.Min(s.SearchEpochs, r.Default.Sequence.Epochs)} epochs in the search (the config and the held-out comparison use {r.Default.Sequence.Epochs})"));
        Line();
        Line("## Held-out last fold");
        Line();
        Line("Pipeline multiclass log loss on the held-out fold, stages 1 and 2 trained on everything before it (purged), stage 3 on the out-of-fold outputs of the search bars. " +
             "Climatology forecasts the training period's label frequencies; skill = 1 - log loss / climatology's. The label settings differ between the two configurations, " +
             "so their raw log losses score different labels: compare the skill. The default runs stage 2's LSTM and Transformer; the tuned configuration runs the evolved architecture alone.");
        Line();
        Line("| configuration | log loss | climatology log loss | skill | coverage | bars |");
        Line("|---|---|---|---|---|---|");
        void Row(string name, FoldScore f) => Line(string.Create(ci, $"| {name} | {f.LogLoss:0.0000} | {f.ClimatologyLogLoss:0.0000} | {f.Skill:+0.0000;-0.0000} | {f.Coverage:P1} | {f.Samples} |"));
        Row("default", r.DefaultHoldout);
        Row("tuned", r.BestHoldout);
        Line();
        Line("## Objective");
        Line();
        Line("TPE minimises the mean over walk-forward folds 2..K of the search bars of the pipeline's log loss relative to climatology's for the same labels " +
             "(stage 3 for fold k fitted on folds before k), so label configurations are compared fairly; a trial is stopped after a fold when it is worse than " +
             string.Create(ci, $"the {s.Pruning.KeepQuantile:0.##} quantile of earlier trials after that fold."));
        if (r.BestTrial is { } bt)
        {
            Line(string.Create(ci, $"Best trial {bt.Number}: relative log loss {bt.Score:0.0000} (skill {1 - bt.Score:+0.0000;-0.0000}): {bt.Parameters}"));
        }
        Line();
        Line("## Stage 2 architecture (evolutionary search)");
        Line();
        Line(string.Create(ci, $"Fitness: walk-forward BUY/SELL log loss on actionable bars + {s.SizePenalty} x log10(weights). Best: {r.BestArchitecture} (fitness {r.BestArchitectureFitness:0.0000})."));
        Line();
        Line("| generation | best fitness | mean fitness | evaluated | best genome |");
        Line("|---|---|---|---|---|");
        foreach (var g in r.Generations) Line(string.Create(ci, $"| {g.Generation} | {g.BestFitness:0.0000} | {g.MeanFitness:0.0000} | {g.Evaluated} | {g.Best} |"));
        Line();
        Line($"The configuration: `{Path.GetFileName(r.BestConfigPath)}` (train with `signalengine train --config {Path.GetFileName(r.BestConfigPath)}`).");
        return md.ToString();
    }
}
