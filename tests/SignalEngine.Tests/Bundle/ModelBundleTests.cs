using SignalEngine.Bundle;
using SignalEngine.Labels;
using SignalEngine.Pipeline;
using SignalEngine.Stages;
using SignalEngine.Stages.MetaLearner;
using SignalEngine.Stages.SequenceRefiner;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Tests.Support;

namespace SignalEngine.Tests.Bundle;

[Collection(TrainedBundleCollection.Name)]
public sealed class ModelBundleTests(SmallBundleFixture fixture)
{
    [Fact]
    public void CopiedBundleLoadsAndGivesIdenticalSignals()
    {
        var copy = CopyOfBundle();
        var items = RequestItems.LastBars(fixture, 40, fixture.Manifest.WindowLength - 1);

        using var loaded = ModelBundle.Load(copy);
        var original = new SignalPipeline(fixture.Bundle.Stages).Run(items);
        var reloaded = new SignalPipeline(loaded.Stages).Run(items);

        // libtorch's CPU kernels may round the last bits differently from one call to the next (memory alignment),
        // so stage 2 (float32) and what follows it are compared to 1e-6 rather than bit for bit; stage 1 is exact.
        reloaded.Select(r => r.Signal.Action).Should().Equal(original.Select(r => r.Signal.Action));
        reloaded.Select(r => r.Signal.Stages.TreeFilter.Score).Should().Equal(original.Select(r => r.Signal.Stages.TreeFilter.Score));
        for (var i = 0; i < items.Count; i++)
        {
            reloaded[i].Signal.Confidence.Should().BeApproximately(original[i].Signal.Confidence, 1e-6);
            var before = original[i].Signal.Stages.Sequence.Select(s => s.ProbabilityUp).ToArray();
            var after = reloaded[i].Signal.Stages.Sequence.Select(s => s.ProbabilityUp).ToArray();
            after.Select(p => p is null).Should().Equal(before.Select(p => p is null));
            for (var m = 0; m < before.Length; m++)
            {
                if (before[m] is { } p) after[m]!.Value.Should().BeApproximately(p, 1e-6);
            }
        }
    }

    [Fact]
    public void ManifestRecordsSchemaDataHashAndOutOfSampleMetricsOfEveryStage()
    {
        var manifest = BundleLoader.ReadManifest(fixture.Directory);

        manifest.FeatureSchema.Should().Contain(["ret_1", "rsi_14", "vol_regime", "atr_14", "volume_z_20"]);
        manifest.TrainingDataSha256.Should().MatchRegex("^[0-9a-f]{64}$");
        manifest.Metrics.ToTable().Keys.Should().Contain(["stage1", "stage2.lstm", "stage2.transformer", "pipeline"]);
        manifest.Metrics.Stage1.Auc.Should().BeInRange(0, 1);
        manifest.Metrics.Data.OutOfSampleSamples.Should().BeGreaterThan(100);
        manifest.Artifacts.Select(a => a.Stage).Distinct().Should().BeEquivalentTo(["stage1", "stage2", "stage3"]);
    }

    [Fact]
    public void TamperedArtifactIsRejectedNamingTheFile()
    {
        var copy = CopyOfBundle();
        var artifact = BundleLoader.ReadManifest(copy).Artifacts.First(a => a.Stage == "stage3");
        File.AppendAllText(Path.Combine(copy, artifact.Path), " ");

        var load = () => ModelBundle.Load(copy);

        load.Should().Throw<BundleException>().WithMessage($"*{artifact.Path}*does not match*");
    }

    [Fact]
    public void MissingArtifactOrManifestIsOneClearLine()
    {
        var copy = CopyOfBundle();
        var artifact = BundleLoader.ReadManifest(copy).Artifacts.First(a => a.Stage == "stage2");
        File.Delete(Path.Combine(copy, artifact.Path));

        FluentActions.Invoking(() => ModelBundle.Load(copy))
            .Should().Throw<BundleException>().WithMessage($"*{artifact.Path}*missing*");
        File.Delete(Path.Combine(copy, BundleLoader.ManifestFile));
        FluentActions.Invoking(() => ModelBundle.Load(copy))
            .Should().Throw<BundleException>().Which.Message.Should().Contain("manifest not found").And.NotContain("\n");
    }

    [Fact]
    public void ManifestNamesEachStageKindAndLoadingFindsItInTheCatalog()
    {
        var manifest = BundleLoader.ReadManifest(fixture.Directory);

        manifest.Hyperparameters.TreeFilter.Model.Should().Be(GradientBoostedTreeFilter.ModelName);
        manifest.Hyperparameters.Meta.Model.Should().Be(BayesianStackingMetaLearner.ModelName);
        fixture.Bundle.TreeFilter.Model.Name.Should().Be(manifest.Hyperparameters.TreeFilter.Model);
        fixture.Bundle.SequenceRefiners.Select(r => r.Model.Name).Should().Equal(manifest.Hyperparameters.Sequence.Models);
        fixture.Bundle.MetaLearner.Model.Name.Should().Be(manifest.Hyperparameters.Meta.Model);
    }

    [Fact]
    public void AStageKindThisBuildDoesNotKnowIsRefusedNamingItAndTheKnownOnes()
    {
        var copy = CopyOfBundle();
        RenameMetaLearner(copy, "gaussian-process");

        FluentActions.Invoking(() => ModelBundle.Load(copy))
            .Should().Throw<BundleException>().WithMessage("*unknown stage-3 model 'gaussian-process'*bayesian-stacking*");
    }

    [Fact]
    public void AnotherMetaLearnerKindIsOneRegistration()
    {
        var copy = CopyOfBundle();
        RenameMetaLearner(copy, TemperedStacking.KindName);
        var catalog = new StageCatalog()
            .Add(GradientBoostedTreeFilterKind.Instance)
            .Add(TorchSequenceRefinerKind.Lstm)
            .Add(TorchSequenceRefinerKind.Transformer)
            .Add(new TemperedStacking());

        using var loaded = ModelBundle.Load(copy, catalog);
        var items = RequestItems.LastBars(fixture, 5, fixture.Manifest.WindowLength - 1);
        var signals = new SignalPipeline(loaded.Stages).Run(items);

        loaded.MetaLearner.Model.Name.Should().Be(TemperedStacking.KindName);
        signals.Should().OnlyContain(s => s.Signal.Stages.Meta.Model == TemperedStacking.KindName);
    }

    private static void RenameMetaLearner(string bundle, string name)
    {
        var path = Path.Combine(bundle, BundleLoader.ManifestFile);
        var manifest = BundleLoader.ReadManifest(bundle);
        BundleLoader.WriteManifest(bundle, manifest with
        {
            Hyperparameters = manifest.Hyperparameters with { Meta = manifest.Hyperparameters.Meta with { Model = name } },
        });
        File.Exists(path).Should().BeTrue();
    }

    /// <summary>A stand-in for a different stage-3 kind: the stacking model's posterior under its own name.</summary>
    private sealed class TemperedStacking : IMetaLearnerKind
    {
        public const string KindName = "tempered-stacking";

        public string Name => KindName;

        public IMetaLearner Fit(IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels, IReadOnlyList<string> sequenceModels, MetaLearnerOptions options, string version) =>
            new Renamed(BayesianStackingKind.Instance.Fit(inputs, labels, sequenceModels, options, version), version);

        public IMetaLearner Update(IMetaLearner current, IReadOnlyList<MetaInput> inputs, IReadOnlyList<SignalAction> labels, string version) =>
            throw new NotSupportedException();

        public IMetaLearner Load(string path, string version) => new Renamed(BayesianStackingKind.Instance.Load(path, version), version);

        public void Save(IMetaLearner model, string path) => throw new NotSupportedException();

        private sealed class Renamed(IMetaLearner inner, string version) : IMetaLearner
        {
            public ModelStamp Model { get; } = new(KindName, version);

            public IReadOnlyList<string> InputNames => inner.InputNames;

            public MetaPosterior Predict(MetaInput input) => inner.Predict(input);
        }
    }

    private string CopyOfBundle()
    {
        var target = Path.Combine(Path.GetTempPath(), "signalengine-tests", "copy-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.GetFiles(fixture.Directory, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(fixture.Directory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }
}
