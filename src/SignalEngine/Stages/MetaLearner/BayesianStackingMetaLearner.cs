using System.Buffers;
using System.Text.Json;
using SignalEngine.Labels;
using SignalEngine.Numerics;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>
/// Stage 3: multinomial logistic regression of BUY / SELL / HOLD (HOLD the reference class) on the stage outputs and
/// the market context, with a Gaussian prior, a MAP fit and a Laplace posterior. Decisions use the posterior
/// predictive, averaged over a fixed set of posterior draws made once per model, so the same input always gives the
/// same decision and one instance serves concurrent requests.
/// </summary>
public sealed class BayesianStackingMetaLearner : IMetaLearner
{
    public const string ModelName = "bayesian-stacking";

    private const int FileFormat = 1;
    private const ulong DrawSeed = 0x5EED_57AC_C1A9UL;
    private const ulong RateSeed = 0xBA5E_7A7E_5EEDUL;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly double[] _mean;
    private readonly double[] _draws;
    private readonly ClassProbabilities[] _rateDraws;
    private readonly int _drawCount;

    private BayesianStackingMetaLearner(
        StackingDesign design,
        GaussianPrior posterior,
        MetaLearnerOptions options,
        string version,
        PosteriorMode? fit,
        ForecastPool pool,
        double labelUniqueness)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        if (posterior.Dimension != 2 * design.Dimension)
            throw new ArgumentException(
                $"the posterior has {posterior.Dimension} weights, the design needs {2 * design.Dimension}",
                nameof(posterior));

        Design = design;
        Posterior = posterior;
        Options = options;
        Model = new ModelStamp(ModelName, version);
        Fitting = fit;
        Pool = pool;
        if (!(labelUniqueness is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(labelUniqueness), labelUniqueness, "a uniqueness lies in (0, 1]");
        LabelUniqueness = labelUniqueness;
        _mean = [.. posterior.Mean];
        _drawCount = options.PosteriorSamples;
        _draws = DrawWeights(posterior, _drawCount);
        _rateDraws = pool.RateDraws(_drawCount, RateSeed);
    }

    public ModelStamp Model { get; }

    public IReadOnlyList<string> InputNames => Design.InputNames;

    public StackingDesign Design { get; }

    public MetaLearnerOptions Options { get; }

    /// <summary>The Laplace posterior: the MAP weights and the inverse negative Hessian of the log posterior there.
    /// Also the prior that <see cref="Update"/> starts from.</summary>
    public GaussianPrior Posterior { get; }

    /// <summary>How much of the stacking model the forecasts trust against stage 1 alone and the base rates.</summary>
    public ForecastPool Pool { get; }

    /// <summary>
    /// The weight of one outcome in the likelihood and the base-rate counts: the average uniqueness of the labels
    /// (López de Prado, AFML 4.4). Consecutive triple-barrier labels share most of their H-bar windows, so n of them
    /// carry far less than n independent outcomes' information, and a posterior that counted each fully would be
    /// sure of imbalances that are only the overlap's echo; a random walk's would trade.
    /// </summary>
    public double LabelUniqueness { get; }

    /// <summary>How the MAP fit converged; null for a model read from a file.</summary>
    internal PosteriorMode? Fitting { get; }

    /// <param name="sequenceModels">Sequence model names in the bundle's order, matching
    /// <see cref="MetaInput.SequenceProbabilities"/>.</param>
    /// <param name="prior">Over the stacked BUY then SELL weights; <see cref="GaussianPrior.Default"/> when null.</param>
    /// <param name="labelUniqueness">See <see cref="LabelUniqueness"/>: 1 / H for labels whose windows overlap fully.</param>
    public static BayesianStackingMetaLearner Fit(
        IReadOnlyList<MetaInput> inputs,
        IReadOnlyList<SignalAction> labels,
        IReadOnlyList<string> sequenceModels,
        MetaLearnerOptions options,
        string version,
        GaussianPrior? prior = null,
        double labelUniqueness = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var design = new StackingDesign(sequenceModels);
        prior ??= GaussianPrior.Default(design, options);
        var recency = Scaled(options.RecencyWeights(labels.Count), labelUniqueness);
        var (baseRates, outcomes) = ForecastPool.Counted(labels, recency);
        return FitWith(design, inputs, labels, options, version, prior, ChoosePool(design, inputs, labels, options, version, prior, labelUniqueness) with
        {
            BaseRates = baseRates,
            ShareUp = ForecastPool.ShareUpOf(baseRates),
            Outcomes = outcomes,
        }, labelUniqueness, recency);
    }

    private static double[] Scaled(double[] weights, double factor)
    {
        for (var i = 0; i < weights.Length; i++) weights[i] *= factor;
        return weights;
    }

    /// <summary>Items the pool must be chosen on, at least; with fewer held out, stacking alone is served.</summary>
    public const int MinimumPoolItems = 50;

    /// <summary>
    /// The pool weights: a stacking fit on the earlier items scores the latest <see cref="MetaLearnerOptions.PoolHoldoutShare"/>
    /// of them, and the weights that forecast those best win. The served model is then refitted on all items.
    /// </summary>
    private static ForecastPool ChoosePool(
        StackingDesign design, IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels, MetaLearnerOptions options, string version, GaussianPrior prior,
        double labelUniqueness)
    {
        var heldOut = (int)(inputs.Count * options.PoolHoldoutShare);
        var cut = inputs.Count - heldOut;
        if (heldOut < MinimumPoolItems || cut < MinimumPoolItems) return ForecastPool.StackingOnly;
        var earlier = labels.Take(cut).ToArray();
        if (earlier.Distinct().Count() < 3) return ForecastPool.StackingOnly;
        var recency = Scaled(options.RecencyWeights(cut), labelUniqueness);
        var probe = FitWith(design, inputs.Take(cut).ToArray(), earlier, options, version, prior, ForecastPool.StackingOnly, labelUniqueness, recency);
        var later = inputs.Skip(cut).ToArray();
        var (baseRates, _) = ForecastPool.Counted(earlier, recency);
        return ForecastPool.Choose(
            later.Select(probe.StackingProbabilities).ToArray(), later.Select(i => i.TreeProbability).ToArray(), labels.Skip(cut).ToArray(),
            baseRates, ForecastPool.ShareUpOf(baseRates), options.RecencyWeights(later.Length));
    }

    /// <summary>
    /// Sequential Bayesian updating with exponential forgetting: a fit on new, time-ordered items whose prior is this
    /// model's Laplace posterior with the data's share of its precision decayed by one <see cref="MetaLearnerOptions.DecayPerOutcome"/>
    /// per new item (stabilised forgetting: what the data no longer supports falls back to the default prior, never
    /// past it). Agrees with one recency-weighted fit on old and new items together up to the Laplace approximation of
    /// the old batch; without forgetting (<see cref="MetaLearnerOptions.MemoryOutcomes"/> 0), with one unweighted fit.
    /// The pool's weights are re-chosen by their losses on the new items, scored before the fit
    /// (<see cref="ForecastPool.Rechosen"/>), and its base rates carried forward with the same forgetting. The online
    /// learner's candidates and the nested walk-forward's test periods both update through here.
    /// </summary>
    public BayesianStackingMetaLearner Update(
        IReadOnlyList<MetaInput> inputs,
        IReadOnlyList<SignalAction> labels,
        string version)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var decay = Options.DecayPerOutcome();
        // The pool is re-scored on the new outcomes before any part of the model has seen them.
        var pool = Pool
            .Rechosen(inputs.Select(StackingProbabilities).ToArray(), inputs.Select(i => i.TreeProbability).ToArray(), labels, decay)
            .Updated(labels, decay, LabelUniqueness);
        return FitWith(
            Design, inputs, labels, Options, version, Forgotten(Math.Pow(decay, labels.Count)), pool, LabelUniqueness,
            Scaled(Options.RecencyWeights(labels.Count), LabelUniqueness));
    }

    /// <summary>
    /// This model with its pool on the base rates alone, weights fixed (<see cref="ForecastPool.BaseRatesOnly"/>):
    /// every forecast the label frequencies, drawn from their posterior, carried forward by <see cref="Update"/>.
    /// </summary>
    public BayesianStackingMetaLearner ForecastingBaseRates() =>
        new(Design, Posterior, Options, Model.Version, Fitting, Pool.BaseRatesOnly(), LabelUniqueness);

    /// <summary>The stacking model's own posterior predictive class probabilities, before the pool mixes in its other forecasts.</summary>
    public ClassProbabilities StackingProbabilities(MetaInput input)
    {
        var d = Design.Dimension;
        Span<double> x = stackalloc double[d];
        Design.Encode(input, x);
        var (buy, sell) = (0.0, 0.0);
        for (var s = 0; s < _drawCount; s++)
        {
            var (b, l) = StackingObjective.Probabilities(_draws.AsSpan(s * 2 * d, 2 * d), x);
            buy += b;
            sell += l;
        }
        (buy, sell) = (buy / _drawCount, sell / _drawCount);
        return new ClassProbabilities(buy, sell, 1 - buy - sell);
    }

    /// <summary>The posterior with the data's precision scaled by <paramref name="keep"/>: keep·P + (1 − keep)·P₀, the mean
    /// moved accordingly, P₀ and its mean those of the default prior.</summary>
    private GaussianPrior Forgotten(double keep)
    {
        if (keep >= 1) return Posterior;
        var prior = GaussianPrior.Default(Design, Options);
        var n = Posterior.Dimension;
        var (precision, p0) = (Posterior.Precision, prior.Precision);
        var blended = new double[n, n];
        var moment = new double[n];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                blended[a, b] = keep * precision[a, b] + (1 - keep) * p0[a, b];
                moment[a] += keep * precision[a, b] * Posterior.Mean[b] + (1 - keep) * p0[a, b] * prior.Mean[b];
            }
        }
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < a; b++) blended[a, b] = blended[b, a] = 0.5 * (blended[a, b] + blended[b, a]);
        }
        var factor = CholeskyFactor.Of(blended);
        var covariance = factor.Inverse();
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < a; b++) covariance[a, b] = covariance[b, a] = 0.5 * (covariance[a, b] + covariance[b, a]);
        }
        return new GaussianPrior(factor.Solve(moment), covariance);
    }

    /// <inheritdoc />
    public MetaPosterior Predict(MetaInput input)
    {
        var d = Design.Dimension;
        Span<double> x = stackalloc double[d];
        Design.Encode(input, x);
        var (buy, sell, hold) = (new double[_drawCount], new double[_drawCount], new double[_drawCount]);
        var mean = Predict(x, input.TreeProbability, buy, sell, hold);

        var contributions = new LogitContribution[d];
        for (var j = 0; j < d; j++)
            contributions[j] = new LogitContribution(Design.InputNames[j], x[j], x[j] * _mean[j], x[j] * _mean[d + j], 0.0);
        return new MetaPosterior(mean, buy, sell, hold, Options.CredibleLevel, contributions);
    }

    /// <summary>Posterior predictive class probabilities of the pool, without the draws.</summary>
    public ClassProbabilities PredictProbabilities(MetaInput input)
    {
        Span<double> x = stackalloc double[Design.Dimension];
        Design.Encode(input, x);
        var perDraw = ArrayPool<double>.Shared.Rent(3 * _drawCount);
        try
        {
            return Predict(x, input.TreeProbability, perDraw.AsSpan(0, _drawCount), perDraw.AsSpan(_drawCount, _drawCount), perDraw.AsSpan(2 * _drawCount, _drawCount));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(perDraw);
        }
    }

    /// <summary>Mean negative log posterior predictive probability of the labels (nats per item).</summary>
    public double LogLoss(IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Count != labels.Count)
            throw new ArgumentException($"{inputs.Count} inputs but {labels.Count} labels", nameof(labels));
        if (inputs.Count == 0) throw new ArgumentException("log loss needs at least one item", nameof(inputs));

        var total = 0.0;
        for (var i = 0; i < inputs.Count; i++)
            total -= Math.Log(Math.Max(PredictProbabilities(inputs[i]).Of(labels[i]), 1e-15));
        return total / inputs.Count;
    }

    /// <summary>The posterior mean weight of an input in a class logit (zero for HOLD, the reference class).</summary>
    public double PosteriorMeanWeight(SignalAction action, string input)
    {
        var j = Design.IndexOf(input);
        return action switch
        {
            SignalAction.Buy => _mean[j],
            SignalAction.Sell => _mean[Design.Dimension + j],
            _ => 0.0,
        };
    }

    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        File.WriteAllText(path, JsonSerializer.Serialize(ToFile(), JsonOptions));
    }

    /// <summary>What <see cref="Save"/> writes: the options, the posterior, the pool and the uniqueness.</summary>
    internal StackingModelFile ToFile()
    {
        var n = Posterior.Dimension;
        return new StackingModelFile(
            FileFormat,
            ModelName,
            [.. Design.SequenceModels],
            [.. Design.InputNames],
            Options,
            [.. Posterior.Mean],
            [.. Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => Posterior.Covariance(i, j)).ToArray())],
            Pool,
            LabelUniqueness);
    }

    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a stage 3 model; the message names it and says why.</exception>
    public static BayesianStackingMetaLearner Load(string path, string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: stage 3 model file not found", path);

        StackingModelFile? file;
        try
        {
            file = JsonSerializer.Deserialize<StackingModelFile>(File.ReadAllText(path), JsonOptions);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: not a readable stage 3 model ({e.Message})", e);
        }

        try
        {
            return FromFile(file, version);
        }
        catch (Exception e) when (e is ArgumentException or ValidationException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    internal static BayesianStackingMetaLearner FromFile(StackingModelFile? file, string version)
    {
        if (file is null) throw new InvalidDataException("empty stage 3 model file");
        if (file.Format != FileFormat) throw new InvalidDataException($"unsupported format {file.Format}");
        if (file.Model != ModelName) throw new InvalidDataException($"model '{file.Model}' is not {ModelName}");
        if (file.SequenceModels is null || file.InputNames is null || file.Options is null ||
            file.PosteriorMean is null || file.PosteriorCovariance is null)
            throw new InvalidDataException("a required field is missing");

        Validator.ValidateObject(file.Options, new ValidationContext(file.Options), validateAllProperties: true);
        var design = new StackingDesign(file.SequenceModels);
        if (!design.InputNames.SequenceEqual(file.InputNames, StringComparer.Ordinal))
            throw new InvalidDataException(
                $"inputs [{string.Join(", ", file.InputNames)}] do not match this build's " +
                $"[{string.Join(", ", design.InputNames)}]");

        var n = file.PosteriorMean.Length;
        if (file.PosteriorCovariance.Length != n || file.PosteriorCovariance.Any(row => row is null || row.Length != n))
            throw new InvalidDataException($"the posterior covariance is not {n} x {n}");
        var covariance = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++) covariance[i, j] = file.PosteriorCovariance[i][j];
        }

        var posterior = new GaussianPrior(file.PosteriorMean, covariance);
        // A file written before pooling existed serves the stacking model alone, as it did then.
        var pool = file.Pool ?? ForecastPool.StackingOnly;
        if (!(Math.Abs(pool.Stacking + pool.StageOne + pool.BaseRate - 1) < 1e-9) || pool.Stacking < 0 || pool.StageOne < 0 || pool.BaseRate < 0)
            throw new InvalidDataException("the forecast pool's weights must be non-negative and sum to 1");
        // A file from before uniqueness was kept counted every outcome fully, and its updates keep doing so.
        return new BayesianStackingMetaLearner(design, posterior, file.Options, version, fit: null, pool, file.LabelUniqueness ?? 1);
    }

    private static BayesianStackingMetaLearner FitWith(
        StackingDesign design,
        IReadOnlyList<MetaInput> inputs,
        IReadOnlyList<SignalAction> labels,
        MetaLearnerOptions options,
        string version,
        GaussianPrior prior,
        ForecastPool pool,
        double labelUniqueness,
        IReadOnlyList<double>? itemWeights = null)
    {
        var mode = new StackingObjective(design, inputs, labels, prior, itemWeights).FindMode();
        var covariance = CholeskyFactor.Of(mode.NegativeHessian).Inverse();
        return new BayesianStackingMetaLearner(design, new GaussianPrior(mode.Mean, covariance), options, version, mode, pool, labelUniqueness);
    }

    /// <summary>Weight draws w = μ + L z in antithetic pairs (z, −z): the draws' mean is exactly the posterior
    /// mean, which halves the Monte Carlo noise of the predictive probabilities at no cost.</summary>
    private static double[] DrawWeights(GaussianPrior posterior, int count)
    {
        var n = posterior.Dimension;
        var draws = new double[count * n];
        var normals = new StandardNormalSource(DrawSeed);
        var z = new double[n];
        var offset = new double[n];
        for (var s = 0; s < count; s++)
        {
            if (s % 2 == 0)
            {
                for (var a = 0; a < n; a++) z[a] = normals.Next();
                posterior.CovarianceFactor.MultiplyLower(z, offset);
            }

            var sign = s % 2 == 0 ? 1.0 : -1.0;
            var draw = draws.AsSpan(s * n, n);
            for (var a = 0; a < n; a++) draw[a] = posterior.Mean[a] + sign * offset[a];
        }

        return draws;
    }

    /// <summary>
    /// Adds <paramref name="weight"/> times this model's per-draw pooled probabilities of the encoded item to the spans and
    /// its posterior-mean logit contributions to <paramref name="contributions"/> (BUY then SELL per input; none when it is
    /// empty): what a <see cref="MemoryAveragedStacking"/> sums over its members without a posterior of each.
    /// </summary>
    internal void AddWeighted(
        ReadOnlySpan<double> x, double treeProbability, double weight, Span<double> buy, Span<double> sell, Span<double> hold, Span<double> contributions)
    {
        var n = 2 * x.Length;
        for (var s = 0; s < _drawCount; s++)
        {
            var (b, l) = StackingObjective.Probabilities(_draws.AsSpan(s * n, n), x);
            var (pb, ps, ph) = Pool.Mix(b, l, 1.0 - b - l, treeProbability, _rateDraws[s]);
            buy[s] += weight * pb;
            sell[s] += weight * ps;
            hold[s] += weight * ph;
        }
        for (var j = 0; j < x.Length && !contributions.IsEmpty; j++)
        {
            contributions[2 * j] += weight * x[j] * _mean[j];
            contributions[2 * j + 1] += weight * x[j] * _mean[x.Length + j];
        }
    }

    /// <summary>Fills the per-draw pooled probabilities and returns their means.</summary>
    private ClassProbabilities Predict(ReadOnlySpan<double> x, double treeProbability, Span<double> buy, Span<double> sell, Span<double> hold)
    {
        buy.Clear();
        sell.Clear();
        hold.Clear();
        AddWeighted(x, treeProbability, 1.0, buy, sell, hold, []);
        var (holdSum, buySum, sellSum) = (0.0, 0.0, 0.0);
        for (var s = 0; s < _drawCount; s++)
        {
            holdSum += hold[s];
            buySum += buy[s];
            sellSum += sell[s];
        }

        return new ClassProbabilities(buySum / _drawCount, sellSum / _drawCount, holdSum / _drawCount);
    }
}

internal sealed record StackingModelFile(
    int Format,
    string Model,
    string[] SequenceModels,
    string[] InputNames,
    MetaLearnerOptions Options,
    double[] PosteriorMean,
    double[][] PosteriorCovariance,
    ForecastPool? Pool = null,
    double? LabelUniqueness = null);
