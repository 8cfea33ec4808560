using System.Diagnostics;
using System.Security.Cryptography;
using SignalEngine.Tests.Support;

namespace SignalEngine.Tests.Setup;

public sealed class SetupScriptTests
{
    [Fact]
    public void SecondRunChangesNothingAndOnlyChecks()
    {
        Run().ExitCode.Should().Be(0, "the first run makes the machine ready (the test command already ran it once)");
        var before = AptState();
        var clock = Stopwatch.StartNew();

        var second = Run();

        clock.Stop();
        second.ExitCode.Should().Be(0, second.Output);
        second.Output.Should().Contain("ready").And.NotContain("installing");
        AptState().Should().Be(before, "a ready machine's apt sources, pins and installed packages stay as they are");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "a ready machine is only checked, never updated");
    }

    private static (int ExitCode, string Output) Run()
    {
        var start = new ProcessStartInfo("bash", RepositoryPaths.File("scripts", "setup.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private static string AptState()
    {
        var files = new[] { "/var/lib/dpkg/status" }
            .Concat(Directory.Exists("/etc/apt/sources.list.d") ? Directory.GetFiles("/etc/apt/sources.list.d") : [])
            .Concat(Directory.Exists("/etc/apt/preferences.d") ? Directory.GetFiles("/etc/apt/preferences.d") : [])
            .Where(File.Exists)
            .Order(StringComparer.Ordinal);
        return string.Join("\n", files.Select(f => f + " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));
    }
}
