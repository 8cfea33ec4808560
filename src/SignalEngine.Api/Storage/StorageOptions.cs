using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Api.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>"sqlite" (embedded, the default); the deployment issue adds a shared database behind the same store.</summary>
    [Required, RegularExpression("^sqlite$", ErrorMessage = "Storage:Provider must be 'sqlite'")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>SQLite file; relative to the content root. Created, with its folder, on first start.</summary>
    [Required(AllowEmptyStrings = false)] public string SqlitePath { get; set; } = "data/signals.db";
}
