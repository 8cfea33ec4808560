namespace SignalEngine.Tests.Support;

/// <summary>Finds files of the repository the tests run from, wherever the test runner's working folder is.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Data(string file) => Path.Combine(Root, "data", file);

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "SignalEngine.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("SignalEngine.sln not found above " + AppContext.BaseDirectory);
    }
}
