namespace SignalEngine.Cli;

/// <summary>"command --name value --flag" arguments; unknown or missing values are usage errors, not exceptions.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    private Arguments(string command) => Command = command;

    public string Command { get; }

    public static Arguments Parse(string[] args)
    {
        if (args.Length == 0) throw new UsageException("no command given");
        var parsed = new Arguments(args[0]);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{args[i]}'");
            var name = args[i][2..];
            string? value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            parsed._options[name] = value;
        }
        return parsed;
    }

    public string Required(string name) =>
        _options.TryGetValue(name, out var v) && v is not null ? v : throw new UsageException($"--{name} is required");

    public string? Optional(string name) => _options.TryGetValue(name, out var v) ? v ?? throw new UsageException($"--{name} needs a value") : null;

    public int? OptionalInt(string name) => Optional(name) is { } v
        ? int.TryParse(v, out var n) ? n : throw new UsageException($"--{name} must be an integer, got '{v}'")
        : null;

    public double? OptionalDouble(string name) => Optional(name) is { } v
        ? double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw new UsageException($"--{name} must be a number, not '{v}'")
        : null;

    public bool Flag(string name) => _options.ContainsKey(name);

    public void AllowOnly(params string[] names)
    {
        var unknown = _options.Keys.Except(names).ToArray();
        if (unknown.Length > 0) throw new UsageException($"unknown option --{unknown[0]} for '{Command}'");
    }
}

public sealed class UsageException(string message) : Exception(message);
