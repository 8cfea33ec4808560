using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Api.Serving;

/// <summary>Which model bundle the service starts with.</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>Bundle folder; relative to the content root (the repository root when run from there).</summary>
    [Required(AllowEmptyStrings = false)] public string BundlePath { get; set; } = "models/default";
}
