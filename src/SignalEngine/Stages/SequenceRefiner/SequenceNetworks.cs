using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>The sequence model kinds stage 2 knows, and the checks every kind's architecture must pass.</summary>
internal static class SequenceNetworks
{
    public const string Lstm = "lstm";
    public const string Transformer = "transformer";

    /// <summary>The canonical (lower-case) kind, or an ArgumentException naming the known ones.</summary>
    public static string Kind(string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        return kind.Trim().ToLowerInvariant() switch
        {
            Lstm => Lstm,
            Transformer => Transformer,
            _ => throw new ArgumentException($"unknown sequence model kind '{kind}'; known: {Lstm}, {Transformer}", nameof(kind)),
        };
    }

    public static void Validate(SequenceModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        }
        catch (ValidationException e)
        {
            throw new ArgumentException($"sequence model options: {e.Message}", nameof(options), e);
        }
        if (options.HiddenSize % options.Heads != 0)
            throw new ArgumentException(
                $"sequence model options: HiddenSize {options.HiddenSize} is not a multiple of Heads {options.Heads}",
                nameof(options));
    }
}
