using SignalEngine.Bundle;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;

namespace SignalEngine.Training;

/// <summary>One fold's out-of-fold stage outputs, in the form stage 3 is fitted on.</summary>
internal sealed record FoldOutput(
    WalkForwardFold Fold,
    IReadOnlyList<TrainingSample> Samples,
    IReadOnlyList<CandidateScore> Scores,
    IReadOnlyList<ItemContext> Contexts,
    IReadOnlyList<SignalAction> Labels)
{
    public IReadOnlyList<MetaInput> Inputs { get; } = Scores.Select((score, i) => score.ToMetaInput(Contexts[i])).ToArray();
}

/// <summary>One test fold of the nested walk-forward: stage 3 fitted on the earlier folds only, and its decisions.</summary>
internal sealed record NestedFold(FoldOutput Test, IReadOnlyList<FoldOutput> Earlier, IMetaLearner MetaLearner, IReadOnlyList<MetaDecision> Decisions);

/// <summary>
/// Purged walk-forward training of stages 1 and 2 and the nested walk-forward of stage 3: the one implementation
/// that training, evaluation and tuning share.
/// </summary>
internal sealed class FoldRunner(
    TrainingSet set,
    TrainingOptions options,
    string version,
    IProgress<TrainingProgress>? progress,
    CancellationToken cancellationToken,
    int? extraSteps = null,
    StageCatalog? catalog = null)
{
    /// <summary>Where each stage's kind, named by the options, trains from.</summary>
    public StageCatalog Catalog { get; } = catalog ?? StageCatalog.Default;

    private readonly int _total = options.Folds * (2 + options.Sequence.Models.Count) + (extraSteps ?? 4 + options.Sequence.Models.Count);
    private int _done;

    /// <summary>The decision rule every decision of this run follows: the options' labels and decision settings.</summary>
    public DecisionRule Rule { get; } = new(options.Labels, options.Decision);

    public void Step(string description)
    {
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new TrainingProgress(Math.Min(_done++, _total), _total, description));
    }

    public IReadOnlyList<WalkForwardFold> Folds() => WalkForwardSplitter.Split(
        set.TimeSteps, options.Folds, options.Labels.Horizon, options.EmbargoBars,
        minTrainSteps: Math.Max(4 * options.Sequence.WindowLength, set.TimeSteps / (options.Folds + 1)));

    public IReadOnlyList<FoldOutput> OutOfFold() => Folds().Select(fold => Run(fold, reportSteps: true)).ToArray();

    /// <summary>Stages 1 and 2 trained on the fold's (purged) past and scoring its test period.</summary>
    public FoldOutput Run(WalkForwardFold fold, bool reportSteps = false)
    {
        var train = set.InTimeRange(fold.TrainStart, fold.TrainEnd);
        var test = set.InTimeRange(fold.TestStart, fold.TestEnd);
        if (reportSteps) Step($"fold {fold.Index + 1}/{options.Folds}: stage 1 on {train.Count} samples");
        var tree = InFold(fold, train, () => TrainTreeFilter(train));
        var refiners = new List<ISequenceRefiner>();
        try
        {
            foreach (var kind in options.Sequence.Models)
            {
                if (reportSteps) Step($"fold {fold.Index + 1}/{options.Folds}: stage 2 {kind}");
                refiners.Add(InFold(fold, train, () => TrainRefiner(kind, train)));
            }
            if (reportSteps) Step($"fold {fold.Index + 1}/{options.Folds}: scoring {test.Count} test samples");
            var scores = StageComposer.Score(tree, refiners, test.Select(set.Row).ToArray(), test.Select(s => (double[][]?)set.Window(s)).ToArray());
            return new FoldOutput(fold, test, scores, test.Select(set.Context).ToArray(), test.Select(s => s.Label).ToArray());
        }
        finally
        {
            foreach (var refiner in refiners) refiner.Dispose();
        }
    }

    /// <summary>Stage 3 fitted on the given folds' out-of-fold outputs.</summary>
    public IMetaLearner FitMetaLearner(IReadOnlyList<FoldOutput> folds) =>
        Catalog.MetaLearner(options.Meta.Model).Fit(
            folds.SelectMany(f => f.Inputs).ToArray(), folds.SelectMany(f => f.Labels).ToArray(),
            options.Sequence.Models, options.Meta, version, LabelUniquenessOf(folds.SelectMany(f => f.Samples)));

    /// <summary>
    /// What one outcome counts in stage 3 (<see cref="BayesianStackingMetaLearner.LabelUniqueness"/>), unless the
    /// options fix it: the average uniqueness of the fitting labels, measured from the bars each one's outcome spanned
    /// (AFML 4.4), or 1 / H, the bound for fully overlapping labels, when there are none.
    /// </summary>
    public double LabelUniquenessOf(IEnumerable<TrainingSample> fitting) =>
        options.Meta.LabelUniqueness ?? (TrainingSet.Uniqueness(fitting) is var u && u > 0 ? Math.Min(1, u) : 1.0 / options.Labels.Horizon);

    /// <summary>
    /// Stage 3 fitted on <paramref name="earlier"/> only, deciding <paramref name="test"/> as it would run in service:
    /// an outcome becomes known H bars after its bar, and every <see cref="MetaLearnerOptions.SequentialUpdateOutcomes"/>
    /// known outcomes stage 3 is updated with them (<see cref="IMetaLearnerKind.Update"/>, the online learner's
    /// update), so a bar is decided by a model that has seen exactly the outcomes known at its close. The initial fit
    /// takes only the earlier outcomes known when the test period starts; the rest arrive during it.
    /// </summary>
    public NestedFold Nested(IReadOnlyList<FoldOutput> earlier, FoldOutput test)
    {
        var horizon = options.Labels.Horizon;
        var start = test.Fold.TestStart;
        var past = earlier.SelectMany(f => f.Samples.Select((s, i) => (Input: f.Inputs[i], Label: f.Labels[i], Known: s.TimeStep + horizon, Sample: s))).ToArray();
        var initial = past.Where(x => x.Known <= start).ToArray();
        // Folds shorter than the horizon leave nothing known at the start: stage 3 then starts from all earlier outcomes.
        if (initial.Length == 0) (initial, start) = (past, int.MaxValue);
        var kind = Catalog.MetaLearner(options.Meta.Model);
        var meta = kind.Fit(
            initial.Select(x => x.Input).ToArray(), initial.Select(x => x.Label).ToArray(), options.Sequence.Models, options.Meta, version, LabelUniquenessOf(initial.Select(x => x.Sample)));
        var pending = new Queue<(MetaInput Input, SignalAction Label, int Known)>(past.Where(x => x.Known > start).Select(x => (x.Input, x.Label, x.Known)));
        var decisions = new MetaDecision[test.Samples.Count];
        for (var i = 0; i < decisions.Length; i++)
        {
            var now = test.Samples[i].TimeStep;
            var known = pending.TakeWhile(x => x.Known <= now).Count();
            if (known >= options.Meta.SequentialUpdateOutcomes)
            {
                var arrived = Enumerable.Range(0, known).Select(_ => pending.Dequeue()).ToArray();
                meta = kind.Update(meta, arrived.Select(x => x.Input).ToArray(), arrived.Select(x => x.Label).ToArray(), version);
            }
            decisions[i] = StageComposer.Decide(meta, test.Scores[i], test.Contexts[i], Rule);
            pending.Enqueue((test.Inputs[i], test.Labels[i], now + horizon));
        }
        return new NestedFold(test, earlier, meta, decisions);
    }

    /// <summary>
    /// The nested walk-forward of stage 3: for each fold after the first, stage 3 fitted on the earlier folds' outputs
    /// only, so every decision it yields is out of sample for all three stages.
    /// </summary>
    public IEnumerable<NestedFold> Nested(IReadOnlyList<FoldOutput> oof)
    {
        for (var k = 1; k < oof.Count; k++) yield return Nested(oof.Take(k).ToArray(), oof[k]);
    }

    /// <summary>A stage that cannot learn from a fold's training data says which fold and what to change.</summary>
    private T InFold<T>(WalkForwardFold fold, IReadOnlyList<TrainingSample> train, Func<T> fit)
    {
        try
        {
            return fit();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"walk-forward fold {fold.Index + 1} of {options.Folds} trains on {train.Count} labelled bars, too few: {e.Message}. " +
                "Use fewer folds (--folds, or \"folds\" in the config), a shorter stage-2 window, or a longer history.", e);
        }
    }

    public ITreeFilter TrainTreeFilter(IReadOnlyList<TrainingSample> samples) =>
        Catalog.TreeFilter(options.TreeFilter.Model).Train(
            samples.Select(set.Row).ToArray(), samples.Select(s => s.Label != SignalAction.Hold).ToArray(),
            set.Schema, options.TreeFilter, options.Seed, version);

    /// <summary>
    /// Stage 2 learns direction given actionable, so it sees only the BUY and SELL samples: the most recent
    /// <see cref="SequenceModelOptions.MaxTrainingWindows"/> of them (a rolling window, which also bounds the cost
    /// on long histories).
    /// </summary>
    public ISequenceRefiner TrainRefiner(string kind, IReadOnlyList<TrainingSample> samples)
    {
        var actionable = samples.Where(s => s.Label != SignalAction.Hold).TakeLast(options.Sequence.MaxTrainingWindows).ToArray();
        return Catalog.SequenceRefiner(kind).Train(
            actionable.Select(set.Window).ToArray(), actionable.Select(s => s.Label == SignalAction.Buy).ToArray(),
            set.Schema, options.Sequence, options.Seed, version);
    }

    public BundleMetrics Metrics(IReadOnlyList<FoldOutput> oof)
    {
        Step("out-of-sample metrics (nested walk-forward for stage 3)");
        var scores = oof.SelectMany(f => f.Scores).ToArray();
        var labels = oof.SelectMany(f => f.Labels).ToArray();
        var nested = Nested(oof).ToArray();
        // The base rates each test fold would have been forecast with: its training period's label frequencies.
        var baseRateLogLoss = nested.Length == 0 ? double.NaN : nested.SelectMany(f =>
        {
            var (rates, _) = ForecastPool.Frequencies(set.InTimeRange(f.Test.Fold.TrainStart, f.Test.Fold.TrainEnd).Select(s => s.Label));
            return f.Test.Labels.Select(l => -Math.Log(rates.Of(l)));
        }).Average();
        return new BundleMetrics(
            new DataMetrics(set.Samples.Count, labels.Length, oof.Count),
            StageMetrics.TreeFilter(scores, labels),
            options.Sequence.Models.Select((model, m) => (model, StageMetrics.Refiner(scores, labels, m))).ToDictionary(x => x.model, x => x.Item2),
            StageMetrics.Pipeline(nested.SelectMany(f => f.Decisions).ToArray(), nested.SelectMany(f => f.Test.Labels).ToArray(), baseRateLogLoss));
    }
}
