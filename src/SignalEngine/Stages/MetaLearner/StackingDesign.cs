using SignalEngine.Features;

namespace SignalEngine.Stages.MetaLearner;

/// <summary>
/// Turns a <see cref="MetaInput"/> into stage 3's design row. Every input name starts with the stage it comes from
/// ("bias", "stage1.", "stage2.", "context."), because the pipeline groups contributions by that prefix to say which
/// stage moved a decision most. The normal regime is the reference level of the regime one-hot.
/// </summary>
public sealed class StackingDesign
{
    public const string BiasInput = "bias";
    public const string TreeLogitInput = "stage1.logit";
    public const string AbstainedInput = "stage2.abstained";
    public const string LowRegimeInput = "context.regime.low";
    public const string HighRegimeInput = "context.regime.high";
    public const string LiquidityInput = "context.liquidity";
    public const string TreeLogitLowInput = "stage1.logit*regime.low";
    public const string TreeLogitHighInput = "stage1.logit*regime.high";
    public const string SequenceMeanLogitLowInput = "stage2.mean.logit*regime.low";
    public const string SequenceMeanLogitHighInput = "stage2.mean.logit*regime.high";

    /// <summary>Probabilities are clamped to [ε, 1 − ε] before the logit so a saturated stage stays finite.</summary>
    public const double ProbabilityFloor = 1e-4;

    /// <summary>Liquidity is a z-score; clipping keeps one illiquid outlier from dominating the logits.</summary>
    public const double LiquidityClip = 5.0;

    private readonly int _firstSequence;
    private readonly int _abstained;

    public StackingDesign(IReadOnlyList<string> sequenceModels)
    {
        ArgumentNullException.ThrowIfNull(sequenceModels);
        if (sequenceModels.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("sequence model names must not be empty", nameof(sequenceModels));
        if (sequenceModels.Distinct(StringComparer.Ordinal).Count() != sequenceModels.Count)
            throw new ArgumentException(
                $"sequence model names must be distinct: {string.Join(", ", sequenceModels)}", nameof(sequenceModels));

        SequenceModels = [.. sequenceModels];
        List<string> names = [BiasInput, TreeLogitInput];
        _firstSequence = names.Count;
        names.AddRange(SequenceModels.Select(model => $"stage2.{model}.logit"));
        _abstained = names.Count;
        names.AddRange(
        [
            AbstainedInput,
            LowRegimeInput,
            HighRegimeInput,
            LiquidityInput,
            TreeLogitLowInput,
            TreeLogitHighInput,
            SequenceMeanLogitLowInput,
            SequenceMeanLogitHighInput,
        ]);
        InputNames = names;
    }

    public IReadOnlyList<string> SequenceModels { get; }

    public IReadOnlyList<string> InputNames { get; }

    /// <summary>D, the length of a design row (weights per non-reference class).</summary>
    public int Dimension => InputNames.Count;

    public double[] Encode(MetaInput input)
    {
        var row = new double[Dimension];
        Encode(input, row);
        return row;
    }

    /// <exception cref="ArgumentException">A probability outside [0, 1] or not a number, a sequence probability
    /// count that differs from the model count, an unknown regime, or a non-finite liquidity.</exception>
    public void Encode(MetaInput input, Span<double> row)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (row.Length != Dimension)
            throw new ArgumentException($"the design row has {Dimension} inputs, got {row.Length}", nameof(row));
        if (input.SequenceProbabilities is null || input.SequenceProbabilities.Count != SequenceModels.Count)
            throw new ArgumentException(
                $"expected {SequenceModels.Count} sequence probabilities ({string.Join(", ", SequenceModels)}), " +
                $"got {input.SequenceProbabilities?.Count ?? 0}", nameof(input));
        if (!double.IsFinite(input.Liquidity))
            throw new ArgumentException($"liquidity must be finite, got {input.Liquidity}", nameof(input));

        var (low, high) = input.Regime switch
        {
            MarketRegime.Low => (1.0, 0.0),
            MarketRegime.Normal => (0.0, 0.0),
            MarketRegime.High => (0.0, 1.0),
            _ => throw new ArgumentException(
                $"unknown regime '{input.Regime}': expected one of {string.Join(", ", MarketRegime.All)}", nameof(input)),
        };

        var treeLogit = Logit(input.TreeProbability, "tree probability");
        var present = 0;
        var sequenceSum = 0.0;
        for (var m = 0; m < SequenceModels.Count; m++)
        {
            var probability = input.SequenceProbabilities[m];
            var logit = probability is { } p ? Logit(p, $"{SequenceModels[m]} probability") : 0.0;
            row[_firstSequence + m] = logit;
            if (probability is null) continue;
            present++;
            sequenceSum += logit;
        }

        var sequenceMean = present == 0 ? 0.0 : sequenceSum / present;
        row[0] = 1.0;
        row[1] = treeLogit;
        var i = _abstained;
        row[i++] = present == 0 ? 1.0 : 0.0;
        row[i++] = low;
        row[i++] = high;
        row[i++] = Math.Clamp(input.Liquidity, -LiquidityClip, LiquidityClip);
        row[i++] = treeLogit * low;
        row[i++] = treeLogit * high;
        row[i++] = sequenceMean * low;
        row[i] = sequenceMean * high;
    }

    public int IndexOf(string input)
    {
        for (var i = 0; i < InputNames.Count; i++)
        {
            if (string.Equals(InputNames[i], input, StringComparison.Ordinal)) return i;
        }

        throw new ArgumentException($"unknown stage 3 input '{input}'", nameof(input));
    }

    private static double Logit(double probability, string what)
    {
        if (!(probability >= 0.0 && probability <= 1.0))
            throw new ArgumentException($"{what} must lie in [0, 1], got {probability}");
        var p = Math.Clamp(probability, ProbabilityFloor, 1.0 - ProbabilityFloor);
        return Math.Log(p / (1.0 - p));
    }
}
