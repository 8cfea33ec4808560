using System.Text.Json;
using SignalEngine.Labels;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>
/// Stage 3 as a Bayesian model average over how fast it forgets: one <see cref="BayesianStackingMetaLearner"/> per
/// memory in <see cref="MetaLearnerOptions.Memories"/>, weighted by its prequential evidence, the log predictive
/// probability of each outcome scored before the member had learned from it. A long memory forecasts best where the
/// label frequencies and the stages' reliability hold still; a short one after they move (a trend that turns, base
/// rates that drift), where a long memory keeps forecasting the old regime for thousands of bars. Which one a series
/// needs is not known in advance, and the evidence says, as it accumulates, in training and in service alike.
/// </summary>
/// <remarks>
/// The evidence counts each outcome by the labels' uniqueness, as the members' likelihoods do (overlapping labels carry
/// less than one outcome's information each), and forgets at <see cref="MetaLearnerOptions.MemoryOutcomes"/>, so a change of regime can move
/// the weights again after a long quiet period. Each posterior draw of the average is the weighted mean of the members'
/// same-index draws, so the decision's posterior spread is that of the members, weighted.
/// <para>
/// With <see cref="MetaLearnerOptions.TiedDirectionScale"/> every memory comes twice: once with each input free to move
/// BUY and SELL apart, once with the two tied, so that the inputs say how likely acting is and the base rates say which
/// side. Measured on eight real series, the free models' side was worse than the base rates' constant split on five
/// (their weights on stage 2 and the context learn a direction the next period does not keep), better on three; which
/// holds where is what the evidence weighs, the same way it weighs the memories.
/// </para>
/// </remarks>
public sealed class MemoryAveragedStacking : IMetaLearner
{
    /// <summary>The same kind as its members (<see cref="BayesianStackingKind"/>); the file format tells them apart.</summary>
    public const string ModelName = BayesianStackingMetaLearner.ModelName;

    /// <summary>A stage 3 file of this format holds members; format 1 is one <see cref="BayesianStackingMetaLearner"/>.</summary>
    internal const int FileFormat = 2;

    /// <summary>Members whose weight is below this are skipped when forecasting (their draws would not move a digit shown).</summary>
    private const double NegligibleWeight = 1e-4;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly double[] _forecastWeights;

    private MemoryAveragedStacking(
        IReadOnlyList<BayesianStackingMetaLearner> members, IReadOnlyList<double> logEvidence, MetaLearnerOptions options, string version,
        IReadOnlyList<BayesianStackingMetaLearner>? previous = null)
    {
        if (members.Count == 0) throw new ArgumentException("at least one member is needed", nameof(members));
        if (logEvidence.Count != members.Count) throw new ArgumentException($"{logEvidence.Count} evidence values for {members.Count} members", nameof(logEvidence));
        if (logEvidence.Any(e => !double.IsFinite(e))) throw new ArgumentException("the evidence must be finite", nameof(logEvidence));
        if (members.Any(m => !m.InputNames.SequenceEqual(members[0].InputNames, StringComparer.Ordinal)))
            throw new ArgumentException("every member must stack the same inputs", nameof(members));
        if (members.Any(m => m.Options.PosteriorSamples != members[0].Options.PosteriorSamples || m.Options.CredibleLevel != members[0].Options.CredibleLevel))
            throw new ArgumentException("every member must draw the same number of posterior samples at the same credible level", nameof(members));
        Members = members;
        Previous = previous;
        LogEvidence = logEvidence;
        Options = options;
        Model = new ModelStamp(ModelName, version);
        var top = logEvidence.Max();
        var raw = logEvidence.Select(e => Math.Exp(e - top)).ToArray();
        var total = raw.Sum();
        Weights = raw.Select(w => w / total).ToArray();
        // What forecasts use, once rather than per item: negligible members skipped, the rest rescaled to sum to 1.
        var kept = Weights.Where(w => w >= NegligibleWeight).Sum();
        _forecastWeights = [.. Weights.Select(w => w >= NegligibleWeight ? w / kept : 0.0)];
    }

    public ModelStamp Model { get; }

    public IReadOnlyList<string> InputNames => Members[0].InputNames;

    public MetaLearnerOptions Options { get; }

    /// <summary>One stacking model per memory, in <see cref="MetaLearnerOptions.Memories"/> order, then, with
    /// <see cref="MetaLearnerOptions.TiedDirectionScale"/>, one per memory with its inputs' sides tied.</summary>
    public IReadOnlyList<BayesianStackingMetaLearner> Members { get; }

    /// <summary>
    /// The members as they were before their latest update: what scores the next outcomes. The outcomes an update brings
    /// are those of bars just before the ones the next update brings, and their label windows overlap, so a member that
    /// has just learned them would forecast the next ones with knowledge no forecast made at their bars had: a short
    /// memory, which learns most from them, would gain evidence it never earned. Null after a load or a fit: the first
    /// update then moves no weight.
    /// </summary>
    public IReadOnlyList<BayesianStackingMetaLearner>? Previous { get; }

    /// <summary>Each member's log evidence: its uniqueness-weighted, forgetting, prequential log predictive probability.</summary>
    public IReadOnlyList<double> LogEvidence { get; }

    /// <summary>The members' posterior weights: their evidence, normalised (a uniform prior over the memories).</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>
    /// The members fitted on all items, their starting evidence from a prequential pass over the latest
    /// <see cref="MetaLearnerOptions.PoolHoldoutShare"/> of them: each member fitted on the earlier items, then scored and
    /// updated every <see cref="MetaLearnerOptions.SequentialUpdateOutcomes"/> outcomes through the later ones, as it would
    /// run in service. Too few items for that pass: every memory starts equally likely.
    /// </summary>
    public static MemoryAveragedStacking Fit(
        IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels, IReadOnlyList<string> sequenceModels, MetaLearnerOptions options,
        string version, double labelUniqueness)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var memberOptions = MemberOptions(options);
        var heldOut = (int)(inputs.Count * options.PoolHoldoutShare);
        var cut = inputs.Count - heldOut;
        var evidence = new double[memberOptions.Length];
        if (heldOut >= BayesianStackingMetaLearner.MinimumPoolItems && cut >= BayesianStackingMetaLearner.MinimumPoolItems && labels.Take(cut).Distinct().Count() == 3)
        {
            var (earlier, earlierLabels) = (inputs.Take(cut).ToArray(), labels.Take(cut).ToArray());
            var probes = memberOptions.Select(o => BayesianStackingMetaLearner.Fit(earlier, earlierLabels, sequenceModels, o, version, labelUniqueness: labelUniqueness)).ToArray();
            var probe = new MemoryAveragedStacking(probes, evidence, options, version);
            for (var start = cut; start < inputs.Count; start += options.SequentialUpdateOutcomes)
            {
                var count = Math.Min(options.SequentialUpdateOutcomes, inputs.Count - start);
                probe = probe.Update(inputs.Skip(start).Take(count).ToArray(), labels.Skip(start).Take(count).ToArray(), version);
            }
            evidence = [.. probe.LogEvidence];
        }
        var members = memberOptions.Select(o => BayesianStackingMetaLearner.Fit(inputs, labels, sequenceModels, o, version, labelUniqueness: labelUniqueness)).ToArray();
        return new MemoryAveragedStacking(members, evidence, options, version);
    }

    /// <summary>
    /// The evidence of each member grows by its log predictive probability of the new outcomes, scored before any member
    /// learns from them, counted by uniqueness and forgetting at <see cref="MetaLearnerOptions.MemoryOutcomes"/>; then every member updates
    /// (<see cref="BayesianStackingMetaLearner.Update"/>).
    /// </summary>
    public MemoryAveragedStacking Update(IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels, string version)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Count != labels.Count) throw new ArgumentException($"{inputs.Count} inputs but {labels.Count} labels", nameof(labels));
        var decay = Options.DecayPerOutcome();
        var evidence = LogEvidence.ToArray();
        if (Previous is { } scorers)
        {
            var recency = Options.RecencyWeights(inputs.Count);
            for (var m = 0; m < Members.Count; m++)
            {
                var gained = 0.0;
                for (var i = inputs.Count - 1; i >= 0; i--)
                    gained += recency[i] * Math.Log(Math.Max(scorers[m].PredictProbabilities(inputs[i]).Of(labels[i]), 1e-15));
                evidence[m] = Math.Pow(decay, inputs.Count) * LogEvidence[m] + Members[m].LabelUniqueness * gained;
            }
            var top = evidence.Max();
            for (var m = 0; m < evidence.Length; m++) evidence[m] -= top;
        }
        return new MemoryAveragedStacking([.. Members.Select(member => member.Update(inputs, labels, version))], evidence, Options, version, previous: Members);
    }

    /// <summary>Every member forecasting its base rates alone (<see cref="BayesianStackingMetaLearner.ForecastingBaseRates"/>), the evidence kept.</summary>
    public MemoryAveragedStacking ForecastingBaseRates() =>
        new([.. Members.Select(m => m.ForecastingBaseRates())], LogEvidence, Options, Model.Version, Previous?.Select(m => m.ForecastingBaseRates()).ToArray());

    /// <inheritdoc />
    public MetaPosterior Predict(MetaInput input)
    {
        var design = Members[0].Design;
        var d = design.Dimension;
        Span<double> x = stackalloc double[d];
        design.Encode(input, x);
        var draws = Members[0].Options.PosteriorSamples;
        var (buy, sell, hold) = (new double[draws], new double[draws], new double[draws]);
        Span<double> logits = stackalloc double[2 * d];
        for (var m = 0; m < Members.Count; m++)
        {
            if (_forecastWeights[m] > 0) Members[m].AddWeighted(x, input.TreeProbability, _forecastWeights[m], buy, sell, hold, logits);
        }
        var (meanBuy, meanSell, meanHold) = (0.0, 0.0, 0.0);
        for (var s = 0; s < draws; s++) (meanBuy, meanSell, meanHold) = (meanBuy + buy[s], meanSell + sell[s], meanHold + hold[s]);
        var contributions = new LogitContribution[d];
        for (var j = 0; j < d; j++) contributions[j] = new LogitContribution(design.InputNames[j], x[j], logits[2 * j], logits[2 * j + 1], 0.0);
        return new MetaPosterior(
            new ClassProbabilities(meanBuy / draws, meanSell / draws, meanHold / draws), buy, sell, hold, Members[0].Options.CredibleLevel, contributions);
    }

    /// <summary>
    /// The members' options: the average's own, each memory in place of <see cref="MetaLearnerOptions.MemoryOutcomes"/>,
    /// in <see cref="MetaLearnerOptions.Memories"/> order; then, with <see cref="MetaLearnerOptions.TiedDirectionScale"/>,
    /// each memory again with its inputs' sides tied.
    /// </summary>
    private static MetaLearnerOptions[] MemberOptions(MetaLearnerOptions options)
    {
        if (options.Memories is not { Count: > 0 } memories || memories.Any(m => !(m > 0 && double.IsFinite(m))))
            throw new ArgumentException($"the memories averaged over must be positive and finite: [{string.Join(", ", options.Memories ?? [])}]", nameof(options));
        var free = memories.Select(memory => options with { MemoryOutcomes = memory, Memories = null, TiedDirectionScale = null });
        var tied = options.TiedDirectionScale is { } scale ? free.Select(o => o with { DirectionScale = scale }) : [];
        return [.. free, .. tied];
    }

    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = new MemoryAverageFile(FileFormat, ModelName, Options, [.. LogEvidence], [.. Members.Select(m => m.ToFile())]);
        File.WriteAllText(path, JsonSerializer.Serialize(file, JsonOptions));
    }

    /// <summary>Whether the stage 3 file at <paramref name="path"/> is a memory average (its format); false for anything
    /// unreadable, so the single model's loader says what is wrong with it.</summary>
    public static bool IsAverageFile(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(nameof(MemoryAverageFile.Format), out var format)
                && format.ValueKind == JsonValueKind.Number && format.TryGetInt32(out var value) && value == FileFormat;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a stage 3 model of this kind; the message names it and says why.</exception>
    public static MemoryAveragedStacking Load(string path, string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: stage 3 model file not found", path);
        try
        {
            var file = JsonSerializer.Deserialize<MemoryAverageFile>(File.ReadAllText(path), JsonOptions) ?? throw new InvalidDataException("empty stage 3 model file");
            if (file.Format != FileFormat) throw new InvalidDataException($"format {file.Format} is not the memory average's {FileFormat}");
            if (file.Model != ModelName) throw new InvalidDataException($"model '{file.Model}' is not {ModelName}");
            if (file.Options is null || file.LogEvidence is null || file.Members is null) throw new InvalidDataException("a required field is missing");
            Validator.ValidateObject(file.Options, new ValidationContext(file.Options), validateAllProperties: true);
            // A file from before the tied members holds one member per memory, and its options read the default scale.
            var options = file.Members.Length == file.Options.Memories?.Count ? file.Options with { TiedDirectionScale = null } : file.Options;
            var expected = MemberOptions(options).Length;
            if (file.Members.Length != expected)
                throw new InvalidDataException($"{file.Members.Length} members for the {expected} that the options' {options.Memories?.Count ?? 0} memories make");
            return new MemoryAveragedStacking([.. file.Members.Select(m => BayesianStackingMetaLearner.FromFile(m, version))], file.LogEvidence, options, version);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or ArgumentException or ValidationException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: not a readable {ModelName} model ({e.Message})", e);
        }
    }
}

internal sealed record MemoryAverageFile(int Format, string Model, MetaLearnerOptions Options, double[] LogEvidence, StackingModelFile[] Members);

