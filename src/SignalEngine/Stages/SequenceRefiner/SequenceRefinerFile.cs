using SignalEngine.Features;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>
/// The JSON written next to a refiner's TorchSharp weights: everything needed to rebuild the network and feed it
/// (architecture, window length, feature order, the standardisation) and how it was trained.
/// </summary>
internal sealed record SequenceRefinerFile
{
    public const int CurrentFormat = 1;

    public required int Format { get; init; }
    public required string Kind { get; init; }
    public required SequenceModelOptions Architecture { get; init; }
    public required IReadOnlyList<string> Features { get; init; }
    public required double[] Mean { get; init; }
    public required double[] Scale { get; init; }
    public required string Baseline { get; init; }
    public SequenceTrainingSummary? Training { get; init; }

    public FeatureSchema Schema => new(Features);

    public void Validate(string path)
    {
        if (Format != CurrentFormat)
            throw new InvalidDataException($"{path}: format {Format} is not the supported format {CurrentFormat}");
        if (Features is null || Features.Count == 0)
            throw new InvalidDataException($"{path}: no feature names");
        if (Mean is null || Scale is null || Mean.Length != Features.Count || Scale.Length != Features.Count)
            throw new InvalidDataException($"{path}: the standardisation does not match the {Features.Count} features");
        if (Mean.Any(v => !double.IsFinite(v)) || Scale.Any(v => !double.IsFinite(v) || v <= 0))
            throw new InvalidDataException($"{path}: the standardisation holds a non-finite mean or a non-positive scale");
        if (Architecture is null)
            throw new InvalidDataException($"{path}: no architecture");
        try
        {
            SequenceNetworks.Validate(Architecture);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
