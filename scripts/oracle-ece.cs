#:project ../tests/SignalEngine.Tests/SignalEngine.Tests.csproj
// The ECE that the true probabilities themselves show on the CI tests' drift series, over many realisations of the
// series: what no engine can beat (tests/SignalEngine.Tests/Support/TrueProbabilityCalibration.cs says how).
//   dotnet run scripts/oracle-ece.cs -- <bars> <first evaluated bar> <last> [--turn-at N | --flip-every N] [--drift 0.003] [--replicates 200]
using System.Globalization;
using SignalEngine.Tests.Support;

string? Value(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
int? Int(string name) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: dotnet run scripts/oracle-ece.cs -- <bars> <first evaluated bar> <last> [--turn-at N | --flip-every N] [--drift 0.003] [--replicates 200]");
    return 2;
}
var (bars, first, last) = (int.Parse(args[0], CultureInfo.InvariantCulture), int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
var size = Value("drift") is { } d ? double.Parse(d, CultureInfo.InvariantCulture) : 0.003;
var replicates = Int("replicates") ?? 200;
Func<int, double> drift = (Int("turn-at"), Int("flip-every")) switch
{
    ({ } turn, _) => t => t < turn ? size : -size,
    (_, { } every) => t => t / every % 2 == 0 ? size : -size,
    _ => _ => 0,
};

var ece = new TrueProbabilityCalibration(drift).Replicates(bars, first, last, replicates);
Console.WriteLine($"{replicates} realisations of {bars} bars, bars {first}..{last} evaluated; ECE of the true probabilities (10 equal-mass bins):");
for (var a = 0; a < TrueProbabilityCalibration.Actions.Count; a++)
{
    var sorted = ece.Select(e => e[a]).Order().ToArray();
    double Percentile(double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
    Console.WriteLine(FormattableString.Invariant(
        $"  {TrueProbabilityCalibration.Actions[a],-18} mean {sorted.Average():0.0000}  10th pct {Percentile(0.1):0.0000}  median {Percentile(0.5):0.0000}  90th pct {Percentile(0.9):0.0000}  at most 0.03 in {sorted.Count(e => e <= 0.03) / (double)sorted.Length:P0}"));
}
return 0;
