#:project ../tests/SignalEngine.Tests/SignalEngine.Tests.csproj
// Writes one of the CI tests' synthetic bar files (tests/SignalEngine.Tests/Support/SyntheticMarket.cs) at any length,
// for `evaluate` beyond what CI can afford; prints its path.
//   dotnet run scripts/synthetic-series.cs -- <name> <bars> <seed> [--turn-at N | --flip-every N] [--drift 0.003]
using System.Globalization;
using SignalEngine.Tests.Support;

string? Value(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
int? Int(string name) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: dotnet run scripts/synthetic-series.cs -- <name> <bars> <seed> [--turn-at N | --flip-every N] [--drift 0.003]");
    return 2;
}
var drift = Value("drift") is { } d ? double.Parse(d, CultureInfo.InvariantCulture) : 0.003;
Func<int, double>? driftAt = (Int("turn-at"), Int("flip-every")) switch
{
    ({ } turn, _) => t => t < turn ? drift : -drift,
    (_, { } every) => t => t / every % 2 == 0 ? drift : -drift,
    _ => null,
};
Console.WriteLine(SyntheticMarket.Write(args[0], int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), plantEvents: false, driftAt: driftAt));
return 0;
