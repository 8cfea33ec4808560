#:project ../tests/SignalEngine.Tests/SignalEngine.Tests.csproj
// The ECE that the true probabilities themselves show on the CI tests' drift series, over many realisations of the
// series: what no engine can beat (tests/SignalEngine.Tests/Support/TrueProbabilityCalibration.cs says how).
//   dotnet run scripts/oracle-ece.cs -- <bars> <first evaluated bar> <last> [--turn-at N | --flip-every N] [--drift 0.003] [--replicates 200]
using SignalEngine.Tests.Support;

var arguments = new ScriptArguments(args, 3,
    "dotnet run scripts/oracle-ece.cs -- <bars> <first evaluated bar> <last> [--turn-at N | --flip-every N] [--drift 0.003] [--replicates 200]");
if (!arguments.Complete()) return 2;
var (bars, first, last) = (arguments.Int(0), arguments.Int(1), arguments.Int(2));
var replicates = arguments.Int("replicates") ?? 200;
var drift = arguments.DriftSchedule() ?? (_ => 0);

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
