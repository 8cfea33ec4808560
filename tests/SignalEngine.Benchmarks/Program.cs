using BenchmarkDotNet.Running;
using SignalEngine.Benchmarks;
using SignalEngine.Benchmarks.EndToEnd;

// `e2e` and `soak` drive the real service over HTTP (see EndToEnd/); `cpu` reports process CPU time per batch;
// anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "e2e" => await EndToEndBenchmark.RunAsync(args[1..]),
    "soak" => await SoakBenchmark.RunAsync(args[1..]),
    "parts" => RequestPathBenchmarks.Parts(args[1..]),
    "cpu" when args.Length == 1 => Cpu(),
    _ => Run(args),
};

static int Cpu()
{
    CpuTime.Run();
    return 0;
}

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(RequestPathBenchmarks).Assembly).Run(args);
    return 0;
}
