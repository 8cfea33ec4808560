using BenchmarkDotNet.Running;
using SignalEngine.Benchmarks;

if (args is ["cpu"])
{
    CpuTime.Run();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
