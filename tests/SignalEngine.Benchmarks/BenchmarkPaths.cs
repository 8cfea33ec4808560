namespace SignalEngine.Benchmarks;

/// <summary>Finds repository files from wherever BenchmarkDotNet runs the generated benchmark process.</summary>
public static class BenchmarkPaths
{
    public static string File(params string[] parts) => Path.Combine([Root.Value, .. parts]);

    private static readonly Lazy<string> Root = new(() =>
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "SignalEngine.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("run the benchmarks from inside the repository (SignalEngine.sln not found)");
    });
}
