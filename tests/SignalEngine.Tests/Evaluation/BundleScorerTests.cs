using SignalEngine.Evaluation;
using SignalEngine.Scoring;
using SignalEngine.Tests.Support;

namespace SignalEngine.Tests.Evaluation;

[Collection(TrainedBundleCollection.Name)]
public sealed class BundleScorerTests(SmallBundleFixture fixture)
{
    [Fact]
    public void ScoresATrainedBundleOnBarsItNeverSawWithEveryStrategy()
    {
        // The fixture trained on the last 1,500 bars; the first 2,000 are data it never saw.
        var unseen = Path.Combine(Path.GetTempPath(), "signalengine-tests", $"ttrc-first-2000-{Guid.NewGuid():N}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(unseen)!);
        File.WriteAllLines(unseen, File.ReadLines(fixture.DataPath).Take(2001));

        var report = BundleScorer.Score(fixture.Directory, unseen, costBasisPoints: 5);

        report.ModelVersion.Should().Be(fixture.Manifest.Version);
        report.Strategies.Select(s => s.Strategy).Should().Equal(Strategies.All);
        report.EvaluatedBars.Should().BeGreaterThan(1500);
        report.Strategies.Should().OnlyContain(s => s.Metrics.Bars == report.EvaluatedBars && s.Reliability.Count == Calibration.DefaultBins);
        var files = ReportWriter.Write(report, Path.Combine(Path.GetDirectoryName(unseen)!, "score-" + Guid.NewGuid().ToString("N")[..8]), "test");
        files.Should().OnlyContain(f => File.Exists(f) && new FileInfo(f).Length > 0);
        System.Xml.Linq.XDocument.Load(files.Single(f => f.EndsWith("reliability.svg"))).Root!.Name.LocalName.Should().Be("svg");
    }

    [Fact]
    public void RefusesToScoreABundleOnItsOwnTrainingFile()
    {
        FluentActions.Invoking(() => BundleScorer.Score(fixture.Directory, fixture.DataPath, 5))
            .Should().Throw<ArgumentException>().WithMessage("*was trained on*never seen*");
    }
}
