using System.ComponentModel.DataAnnotations;

namespace SignalEngine.Api.Security;

/// <summary>The roles a key can hold; <see cref="Admin"/> may do everything.</summary>
public static class Roles
{
    public const string Signals = "signals";
    public const string Outcomes = "outcomes";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Signals, Outcomes, Admin];
}

/// <summary>An API key as configured: who it is, the SHA-256 of the key (never the key), and what it may do.</summary>
public sealed class ApiKeyOptions
{
    [Required(AllowEmptyStrings = false)] public string Name { get; set; } = "";

    /// <summary>Lowercase or uppercase hex of SHA-256 over the key's UTF-8 bytes (<c>printf %s KEY | sha256sum</c>).</summary>
    [Required(AllowEmptyStrings = false)] public string Sha256 { get; set; } = "";

    public string[] Roles { get; set; } = [];
}

/// <summary>
/// Section "Auth": the keys that may call the API (Auth__Keys__0__Name, __Sha256, __Roles__0 from the environment).
/// With none configured, the service generates one admin key at first start and writes it to <see cref="GeneratedKeyPath"/>.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>Where the generated admin key is kept (mode 0600), relative to the content root; used only without <see cref="Keys"/>.</summary>
    [Required(AllowEmptyStrings = false)] public string GeneratedKeyPath { get; set; } = "data/admin.key";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var at = $"Auth:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name)) yield return new ValidationResult($"{at}:Name is required");
            if (key.Sha256.Length != 64 || !key.Sha256.All(Uri.IsHexDigit))
            {
                yield return new ValidationResult($"{at}:Sha256 must be the 64 hex digits of the key's SHA-256 (printf %s KEY | sha256sum)");
            }
            if (key.Roles.Length == 0) yield return new ValidationResult($"{at}:Roles: give at least one of {string.Join(", ", Roles.All)}");
            foreach (var role in key.Roles.Where(r => !Roles.All.Contains(r)))
            {
                yield return new ValidationResult($"{at}:Roles: unknown role '{role}', expected one of {string.Join(", ", Roles.All)}");
            }
        }
        foreach (var name in Keys.GroupBy(k => k.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            yield return new ValidationResult($"Auth:Keys: the name '{name}' is given to more than one key; audit events must tell keys apart");
        }
    }
}
