using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Api.Storage;

public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// <summary>"sqlite" (embedded, the default, one process) or "postgres" (shared by several replicas).</summary>
    [Required, RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be 'sqlite' or 'postgres'")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>SQLite file; relative to the content root. Created, with its folder, on first start.</summary>
    [Required(AllowEmptyStrings = false)] public string SqlitePath { get; set; } = "data/signals.db";

    /// <summary>Npgsql connection string, for example "Host=db;Port=5432;Database=signalengine;Username=signalengine;Password=...".</summary>
    public string? PostgresConnectionString { get; set; }

    public bool IsPostgres => Provider == "postgres";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsPostgres && string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            yield return new ValidationResult(
                "Storage:PostgresConnectionString is required when Storage:Provider is 'postgres'",
                [nameof(PostgresConnectionString)]);
        }
    }
}
