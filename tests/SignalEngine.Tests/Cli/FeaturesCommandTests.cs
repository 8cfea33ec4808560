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

    [Fact]
    public void SeriesFormGivesTheItemsFormsInputsWithEachBarSentOnce()
    {
        var bundle = RepositoryPaths.File("models", "default");
        var manifest = SignalEngine.Bundle.BundleLoader.ReadManifest(bundle);
        var schema = new SignalEngine.Features.FeatureSchema(manifest.FeatureSchema);
        var paths = new[] { "items", "series" }.Select(form => Path.Combine(_folder, form + ".json")).ToArray();

        Run("--data", RepositoryPaths.Data("ttrc.csv"), "--bundle", bundle, "--last", "20", "--out", paths[0]).Should().Be(0);
        Run("--data", RepositoryPaths.Data("ttrc.csv"), "--bundle", bundle, "--last", "20", "--form", "series", "--out", paths[1]).Should().Be(0);

        var read = paths.Select(p => SignalEngine.Api.Input.FeatureBatchReader.Read(File.ReadAllBytes(p), schema, 100, manifest.WindowLength - 1)).ToArray();
        read.Should().OnlyContain(r => r.IsValid);
        read[1].Paths.Should().OnlyContain(p => p.StartsWith("series[0].rows[", StringComparison.Ordinal));
        read[1].Items.Should().BeEquivalentTo(read[0].Items, o => o.WithStrictOrdering());
        new FileInfo(paths[1]).Length.Should().BeLessThan(new FileInfo(paths[0]).Length / 5, "history is sent once, not once per item");
        var run = () => Run("--data", RepositoryPaths.Data("ttrc.csv"), "--form", "columns");
        run.Should().Throw<UsageException>().Which.Message.Should().Contain("--form");
    }
}
