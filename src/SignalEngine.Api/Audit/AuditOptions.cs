using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Api.Audit;

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// Rolling audit file, one per UTC day: "logs/audit/audit-.json" writes logs/audit/audit-20260102.json (Serilog's
    /// naming). Relative to the content root; the folder is created on first write.
    /// </summary>
    [Required(AllowEmptyStrings = false)] public string Path { get; set; } = "logs/audit/audit-.json";
}
