#:project ../tests/SignalEngine.Tests/SignalEngine.Tests.csproj
// Writes one of the CI tests' synthetic bar files (tests/SignalEngine.Tests/Support/SyntheticMarket.cs) at any length,
// for `evaluate` beyond what CI can afford; prints its path.
//   dotnet run scripts/synthetic-series.cs -- <name> <bars> <seed> [--turn-at N | --flip-every N] [--drift 0.003]
using SignalEngine.Tests.Support;

var arguments = new ScriptArguments(args, 3, "dotnet run scripts/synthetic-series.cs -- <name> <bars> <seed> [--turn-at N | --flip-every N] [--drift 0.003]");
if (!arguments.Complete()) return 2;
Console.WriteLine(SyntheticMarket.Write(arguments[0], arguments.Int(1), arguments.Int(2), plantEvents: false, driftAt: arguments.DriftSchedule()));
return 0;
