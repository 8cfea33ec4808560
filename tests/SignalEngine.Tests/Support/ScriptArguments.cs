using System.Globalization;

namespace SignalEngine.Tests.Support;

/// <summary>The arguments of the scripts in scripts/ that run the tests' support code: positionals first, then
/// <c>--name value</c> options, numbers in the invariant culture.</summary>
public sealed class ScriptArguments(string[] args, int positionals, string usage)
{
    /// <summary>False, after printing the usage line to stderr, when fewer than the positionals were given.</summary>
    public bool Complete()
    {
        if (args.Length >= positionals) return true;
        Console.Error.WriteLine($"usage: {usage}");
        return false;
    }

    public string this[int position] => args[position];

    public int Int(int position) => int.Parse(args[position], CultureInfo.InvariantCulture);

    public string? Option(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();

    public int? Int(string name) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

    public double Double(string name, double fallback) => Option(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The drift schedule of <c>--turn-at N</c> or <c>--flip-every N</c> and <c>--drift</c> (0.003 a bar); null for neither.</summary>
    public Func<int, double>? DriftSchedule() => SyntheticMarket.DriftSchedule(Int("turn-at"), Int("flip-every"), Double("drift", 0.003));
}
