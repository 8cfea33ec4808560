using BenchmarkDotNet.Running;
using SignalEngine.Benchmarks;
using SignalEngine.Benchmarks.EndToEnd;

// `e2e` and `soak` drive the real service over HTTP (see EndToEnd/); anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "e2e" => await EndToEndBenchmark.RunAsync(args[1..]),
    "soak" => await SoakBenchmark.RunAsync(args[1..]),
    "parts" => RequestPathBenchmarks.Parts(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(RequestPathBenchmarks).Assembly).Run(args);
    return 0;
}
