using System.Diagnostics;
using SignalEngine.Api.Hosting;
using SignalEngine.Bundle;
using SignalEngine.Tests.Api.Support;
using SignalEngine.Tests.Support;

namespace SignalEngine.Tests.Api;

/// <summary>A service that cannot serve does not start: one clear line, no stack trace, a non-zero exit.</summary>
public sealed class StartupTests
{
    [Fact]
    public void MissingBundleFailsTheStartWithOneLine()
    {
        var missing = Path.Combine(Path.GetTempPath(), "signalengine-tests", "no-such-bundle");
        using var app = new SignalEngineApplication(missing);

        var start = () => app.CreateClient();

        var failure = start.Should().Throw<Exception>().Which;
        var line = StartupFailure.OneLine(failure) ?? failure.ToString();
        line.Should().NotBeNull($"{failure.GetType().Name} should be a start-up failure with one line").And.Contain("no-such-bundle").And.Contain("not found");
        line.Should().NotContain("\n");
        Unwrap(failure).Should().BeOfType<BundleException>();
    }

    [Theory]
    [InlineData("Pipeline__BundlePath", "/nonexistent/signalengine/bundle", "bundle folder not found")]
    [InlineData("Api__MaxBatchItems", "0", "MaxBatchItems")]
    [InlineData("Storage__Provider", "postgres", "Storage:PostgresConnectionString is required")]
    public async Task ProcessWithABadSettingExitsNonZeroWithOneLineOnStandardError(string variable, string value, string expected)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "signalengine-tests", "process-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet", [ApiAssembly()])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                WorkingDirectory = folder,
                Environment =
                {
                    ["Storage__SqlitePath"] = Path.Combine(folder, "signals.db"),
                    ["Audit__Path"] = Path.Combine(folder, "audit", "audit-.json"),
                    ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                    [variable] = value,
                },
            };
            using var process = Process.Start(start)!;
            var stdoutRead = process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var stdout = await stdoutRead;

            process.ExitCode.Should().NotBe(0);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().ContainSingle($"stderr was:\n{stderr}\nstdout was:\n{stdout}")
                .Which.Should().StartWith("signalengine: cannot start:").And.Contain(expected);
            stdout.Should().NotContain("   at ");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerExceptions[0]) : e;

    /// <summary>The API's own build output (its runtimeconfig makes it runnable), next to the tests or in its project.</summary>
    private static string ApiAssembly()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "SignalEngine.Api.dll");
        if (File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json"))) return beside;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return RepositoryPaths.File("src", "SignalEngine.Api", "bin", configuration, "net10.0", "SignalEngine.Api.dll");
    }
}
