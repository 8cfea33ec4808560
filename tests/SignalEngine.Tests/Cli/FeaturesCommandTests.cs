using System.Text.Json;
using SignalEngine.Cli;
using SignalEngine.Tests.Support;

namespace SignalEngine.Tests.Cli;

/// <summary>`features` against the two shipped bundles: each fits its data, and a misfit names the one that fits.</summary>
public sealed class FeaturesCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "signalengine-tests", "features-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int Run(params string[] args) => FeaturesCommand.Run(Arguments.Parse(["features", .. args]));

    [Fact]
    public void CloseOnlyBarsGetABodyFromTheShippedCloseBundle()
    {
        var body = Path.Combine(_folder, "close.json");

        Run("--data", RepositoryPaths.Data("eustockmarkets.csv"), "--bundle", RepositoryPaths.File("models", "close"), "--out", body)
            .Should().Be(0);

        var items = JsonDocument.Parse(File.ReadAllText(body)).RootElement.GetProperty("items").EnumerateArray().ToArray();
        items.Select(i => i.GetProperty("instrument").GetString()).Should().BeEquivalentTo(["DAX", "SMI", "CAC", "FTSE"]);
        items.Select(i => i.GetProperty("features").TryGetProperty("atr_14", out _)).Should().OnlyContain(has => !has, "close-only bars have no ATR");
    }

    [Fact]
    public void DataLackingTheBundlesColumnsNamesTheBundleThatFitsAndWritesNothing()
    {
        var body = Path.Combine(_folder, "default.json");

        var run = () => Run("--data", RepositoryPaths.Data("eustockmarkets.csv"), "--bundle", RepositoryPaths.File("models", "default"), "--out", body);

        run.Should().Throw<UsageException>().Which.Message.Should().Contain("atr_14").And.Contain("--bundle")
            .And.Contain(Path.Combine("models", "close"));
        File.Exists(body).Should().BeFalse("nothing half-written is left behind");
    }
}
