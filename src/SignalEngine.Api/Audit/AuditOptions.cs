using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Api.Audit;

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// Rolling audit file, one per UTC day: "logs/audit/audit-.json" writes logs/audit/audit-20260102.json (Serilog's
    /// naming). Relative to the content root; the folder is created on first write.
    /// "{host}" is replaced by the machine (container) name: replicas sharing one audit volume each write their own file,
    /// since the sink appends safely from one process only.
    /// </summary>
    [Required(AllowEmptyStrings = false)] public string Path { get; set; } = "logs/audit/audit-.json";

    /// <summary><see cref="Path"/> with "{host}" replaced by this machine's name.</summary>
    public string ResolvedPath => Path.Replace("{host}", Environment.MachineName, StringComparison.Ordinal);
}
