using Microsoft.ML;
using SignalEngine.Stages.TreeFilter;
using SignalEngine.Stages.TreeFilter.Shapley;
using Xunit.Abstractions;

namespace SignalEngine.Tests.Stages.TreeFilter;

public sealed class GradientBoostedTreeFilterTests(TrainedTreeFilterFixture trained, ITestOutputHelper output)
    : IClassFixture<TrainedTreeFilterFixture>
{
    private GradientBoostedTreeFilter Filter => trained.Filter;

    [Fact]
    public void WalkedTreesReproduceMlNetScoreOnHeldOutRowsForBothEnsembles()
    {
        var ml = new MLContext(0);
        Filter.Ensembles.Select(e => e.Name).Should().Equal("lightgbm", "fasttree");
        foreach (var (ensemble, model) in Filter.Ensembles.Zip(Filter.MlNetModels))
        {
            var scores = model.Score(ml, trained.TestRows);
            var worst = 0.0;
            for (var i = 0; i < trained.TestRows.Length; i++)
            {
                var walked = ensemble.RawScore(ToFloat(trained.TestRows[i]));
                // ML.NET sums the trees in double and returns Score as float: agreement is to float precision.
                ((float)walked).Should().BeApproximately(scores[i], 1e-6f * Math.Max(1, Math.Abs(scores[i])), $"{ensemble.Name} row {i}");
                worst = Math.Max(worst, Math.Abs(walked - scores[i]));
            }
            output.WriteLine($"{ensemble.Name}: {ensemble.Trees.Count} trees, bias {ensemble.Bias}, worst |walked - ML.NET| {worst:E2}");
            scores.Distinct().Should().HaveCountGreaterThan(10, "the comparison must cover many different leaves");
        }
    }

    [Fact]
    public void TreeShapEqualsBruteForceShapleyValuesForBothEnsembles()
    {
        foreach (var ensemble in Filter.Ensembles)
        {
            ensemble.Trees.Should().Contain(t => t.SplitFeatures.Distinct().Count() < t.NodeCount, "a feature split twice on one path must be covered");
            var leafTables = ensemble.Trees.Select(t => LeafPatternShap.TryBuild(t, int.MaxValue)!).ToArray();
            var path = new TreeShap.PathElement[TreeShap.PathBufferLength(ensemble.MaxDepth)];
            foreach (var row in trained.TestRows.Take(8).Select(ToFloat))
            {
                var expected = BruteForceShapley.Of(ensemble, row);
                var algorithmTwo = new double[row.Length];
                foreach (var tree in ensemble.Trees) TreeShap.Accumulate(tree, row, algorithmTwo, path);
                var tabulated = new double[row.Length];
                foreach (var table in leafTables) table.Accumulate(row, tabulated);
                var served = new double[row.Length];
                ensemble.AccumulateShap(row, served, path);
                for (var j = 0; j < row.Length; j++)
                {
                    var tolerance = 1e-9 * Math.Max(1, Math.Abs(expected[j]));
                    algorithmTwo[j].Should().BeApproximately(expected[j], tolerance, $"{ensemble.Name} feature {j}, Algorithm 2");
                    tabulated[j].Should().BeApproximately(expected[j], tolerance, $"{ensemble.Name} feature {j}, leaf tables");
                    served[j].Should().BeApproximately(expected[j], tolerance, $"{ensemble.Name} feature {j}, as served");
                }
            }
        }
    }

    [Fact]
    public void TabulatedTreeShapMatchesAlgorithmTwoOnThresholdsAndNonFiniteValues()
    {
        // Rows exactly on a threshold, just above one, or non-finite are where a table lookup could part from the walk.
        var random = new Random(7);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        foreach (var tree in Filter.Ensembles.SelectMany(e => e.Trees.OrderByDescending(t => t.NodeCount).Take(3)))
        {
            var grid = ThresholdGridShap.TryBuild(tree, PlantedThreshold.Schema.Count, 1 << 22);
            var leaves = LeafPatternShap.TryBuild(tree, int.MaxValue)!;
            var path = new TreeShap.PathElement[TreeShap.PathBufferLength(tree.Depth)];
            for (var i = 0; i < 300; i++)
            {
                var row = ToFloat(trained.TestRows[i % trained.TestRows.Length]);
                var node = random.Next(tree.NodeCount);
                row[tree.SplitFeatures[node]] = (i % 3) switch
                {
                    0 => tree.Thresholds[node],
                    1 => MathF.BitIncrement(tree.Thresholds[node]),
                    _ => specials[i % specials.Length],
                };
                var walked = new double[row.Length];
                TreeShap.Accumulate(tree, row, walked, path);
                var fromLeaves = new double[row.Length];
                leaves.Accumulate(row, fromLeaves);
                fromLeaves.Zip(walked).Should().OnlyContain(p => Math.Abs(p.First - p.Second) <= 1e-12, $"leaf tables, row {i}");
                if (grid is null) continue;
                var fromGrid = new double[row.Length];
                grid.Accumulate(row, fromGrid);
                fromGrid.Should().Equal(walked, $"grid, row {i}");
            }
        }
    }

    [Theory]
    [InlineData(0, 0L)]
    [InlineData(600, long.MaxValue)]
    [InlineData(1 << 16, 20_000L)]
    public void SmallerTableBudgetsFallBackWithTheSameValues(int treeTableLimit, long ensembleTableLimit)
    {
        foreach (var ensemble in Filter.Ensembles)
        {
            var budgeted = new BoostedEnsemble(ensemble.Name, ensemble.Trees, ensemble.Bias, ensemble.Calibration, treeTableLimit, ensembleTableLimit);
            var path = new TreeShap.PathElement[TreeShap.PathBufferLength(ensemble.MaxDepth)];
            var use = budgeted.Tabulated;
            output.WriteLine($"{ensemble.Name}: {use}");
            use.Entries.Should().BeLessThanOrEqualTo(ensembleTableLimit);
            if (treeTableLimit == 0) use.AlgorithmTwo.Should().Be(ensemble.Trees.Count);
            else if (ensembleTableLimit == long.MaxValue) use.Leaves.Should().BeGreaterThan(0);
            else use.Grid.Should().BeInRange(1, ensemble.Trees.Count - 1);
            foreach (var row in trained.TestRows.Take(40).Select(ToFloat))
            {
                var served = new double[row.Length];
                var fallback = new double[row.Length];
                ensemble.AccumulateShap(row, served, path);
                budgeted.AccumulateShap(row, fallback, path);
                fallback.Zip(served).Should().OnlyContain(p => Math.Abs(p.First - p.Second) <= 1e-12 * Math.Max(1, Math.Abs(p.Second)));
            }
        }
    }

    [Theory]
    [InlineData(BoostedEnsemble.DefaultTreeTableLimit, BoostedEnsemble.DefaultEnsembleTableLimit)]
    [InlineData(0, 0L)]
    [InlineData(1 << 16, 20_000L)]
    public void TheExplanationsPassYieldsTheRawScoreBitForBit(int treeTableLimit, long ensembleTableLimit)
    {
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        foreach (var ensemble in Filter.Ensembles)
        {
            var budgeted = new BoostedEnsemble(ensemble.Name, ensemble.Trees, ensemble.Bias, ensemble.Calibration, treeTableLimit, ensembleTableLimit);
            var path = new TreeShap.PathElement[TreeShap.PathBufferLength(ensemble.MaxDepth)];
            for (var i = 0; i < 200; i++)
            {
                var row = ToFloat(trained.TestRows[i % trained.TestRows.Length]);
                if (i % 4 == 3) row[i % row.Length] = specials[i % specials.Length];
                var phi = new double[row.Length];
                budgeted.AccumulateShap(row, phi, path).Should().Be(ensemble.RawScore(row), $"{ensemble.Name} row {i}");
            }
        }
    }

    [Fact]
    public void EvaluateAndExplainInOnePassGivesWhatEvaluateAndExplainGive()
    {
        foreach (var row in trained.TestRows.Take(100))
        {
            var both = Filter.EvaluateAndExplain(row);

            both.Result.Should().BeEquivalentTo(Filter.Evaluate(row), o => o.WithStrictOrdering());
            both.Explanation.Should().BeEquivalentTo(Filter.Explain(row), o => o.WithStrictOrdering());
        }
    }

    [Fact]
    public void ExplanationContributionsSumToTheScoreOnEveryRow()
    {
        foreach (var row in trained.TestRows)
        {
            var explanation = Filter.Explain(row);
            var result = Filter.Evaluate(row);
            explanation.Score.Should().Be(result.Score);
            explanation.BaseValue.Should().Be(Filter.BaseValue);
            var total = explanation.BaseValue + explanation.Contributions.Sum(c => c.Contribution);
            total.Should().BeApproximately(explanation.Score, 1e-9 * Math.Max(1, Math.Abs(explanation.Score)));
            foreach (var model in explanation.Models)
            {
                var modelTotal = model.BaseValue + model.Contributions.Sum(c => c.Contribution);
                modelTotal.Should().BeApproximately(model.RawScore, 1e-9 * Math.Max(1, Math.Abs(model.RawScore)));
            }
            explanation.Contributions.Select(c => c.Value).Should().Equal(row);
        }
    }

    [Fact]
    public void PlantedFeatureHasTheLargestMeanAbsoluteShapAndSplitGain()
    {
        var meanAbsolute = new double[PlantedThreshold.Schema.Count];
        foreach (var row in trained.TestRows)
        {
            var contributions = Filter.Explain(row).Contributions;
            for (var j = 0; j < meanAbsolute.Length; j++) meanAbsolute[j] += Math.Abs(contributions[j].Contribution) / trained.TestRows.Length;
        }
        output.WriteLine(string.Join(", ", PlantedThreshold.Schema.Names.Zip(meanAbsolute, (n, v) => $"{n} {v:F3}")));
        Array.IndexOf(meanAbsolute, meanAbsolute.Max()).Should().Be(PlantedThreshold.PlantedIndex);

        var importance = Filter.SplitGainImportance();
        importance.Select(i => i.Feature).Should().Equal(PlantedThreshold.Schema.Names);
        importance.Sum(i => i.Importance).Should().BeApproximately(1, 1e-12);
        importance.MaxBy(i => i.Importance)!.Feature.Should().Be("planted");
    }

    [Fact]
    public void PlantedEffectIsFoundOutOfSample()
    {
        var (rows, labels) = PlantedThreshold.Generate(1000, seed: 13);
        var correct = rows.Zip(labels).Count(p => Filter.Evaluate(p.First).ProbabilityActionable >= 0.5 == p.Second);
        var baseRate = Math.Max(labels.Count(l => l), labels.Count(l => !l));
        correct.Should().BeGreaterThan(baseRate + 100, "the planted threshold is worth far more than the base rate");
    }

    [Fact]
    public void ItemUnderTheThresholdIsHeldWithTheProbabilityInTheReason()
    {
        var filter = Reload(TrainedTreeFilterFixture.Options with { Threshold = 0.999, Rules = [] });
        var row = RowWith(planted: -0.8, rsi: 50.3);

        var result = filter.Evaluate(row);

        result.Passed.Should().BeFalse();
        result.RulesFired.Should().BeEmpty();
        result.Reason.Should().MatchRegex(@"^filtered at stage 1: p\(actionable\) 0\.\d\d under threshold 1\.00$");
        result.ProbabilityActionable.Should().BeLessThan(0.5);
    }

    [Fact]
    public void RuleVetoHoldsAnItemTheTreesWouldPassAndNamesTheValue()
    {
        var filter = Reload(TrainedTreeFilterFixture.Options with { Threshold = 0.0 });

        var vetoed = filter.Evaluate(RowWith(planted: 0.8, rsi: 50.3));
        var outsideBand = filter.Evaluate(RowWith(planted: 0.8, rsi: 60));

        vetoed.Passed.Should().BeFalse();
        vetoed.Reason.Should().Be("filtered at stage 1: rule rsi-neutral-band: rsi_14 = 50.3 in [47.5, 52.5]");
        vetoed.RulesFired.Should().ContainSingle().Which.Should().Be(
            new RuleHit("rsi-neutral-band", "rsi_14", 50.3, "in [47.5, 52.5]", "hold"));
        outsideBand.Passed.Should().BeTrue();
        outsideBand.Reason.Should().BeNull();
        outsideBand.RulesFired.Should().BeEmpty();
        outsideBand.Models.Select(m => m.Model).Should().Equal("lightgbm", "fasttree");
    }

    [Fact]
    public void RuleOnAFeatureOutsideTheSchemaIsIgnored()
    {
        var filter = Reload(TrainedTreeFilterFixture.Options with
        {
            Threshold = 0.0, Rules = [new RuleDefinition("vix-calm", "vix", double.NegativeInfinity, double.PositiveInfinity)],
        });

        var result = filter.Evaluate(RowWith(planted: 0.8, rsi: 50.3));

        result.Passed.Should().BeTrue();
        result.RulesFired.Should().BeEmpty();
    }

    [Fact]
    public void SaveThenLoadGivesIdenticalScoresAndExplanations()
    {
        trained.Artifacts.Should().Equal("stage1/lightgbm.zip", "stage1/fasttree.zip", "stage1/trees.json");
        var loaded = TreeFilterArtifacts.Load(trained.Directory, PlantedThreshold.Schema, TrainedTreeFilterFixture.Options, "test-1");

        loaded.Model.Should().Be(new SignalEngine.Stages.ModelStamp("lightgbm+fasttree", "test-1"));
        foreach (var row in trained.TestRows.Take(50))
        {
            loaded.Evaluate(row).Should().BeEquivalentTo(Filter.Evaluate(row), o => o.WithStrictOrdering());
            loaded.Explain(row).Should().BeEquivalentTo(Filter.Explain(row), o => o.WithStrictOrdering());
        }
    }

    [Fact]
    public void LoadingWithoutTheTreesFileSaysWhichFileIsMissing()
    {
        var copy = trained.CopyBundle();
        File.Delete(Path.Combine(copy, "stage1/trees.json"));

        var load = () => TreeFilterArtifacts.Load(copy, PlantedThreshold.Schema, TrainedTreeFilterFixture.Options, "v");

        load.Should().Throw<FileNotFoundException>().WithMessage("*stage1/trees.json*");
    }

    [Fact]
    public void LoadingWithoutAnMlNetModelSaysWhichFileIsMissing()
    {
        var copy = trained.CopyBundle();
        File.Delete(Path.Combine(copy, "stage1/fasttree.zip"));

        var load = () => TreeFilterArtifacts.Load(copy, PlantedThreshold.Schema, TrainedTreeFilterFixture.Options, "v");

        load.Should().Throw<FileNotFoundException>().WithMessage("*stage1/fasttree.zip*");
    }

    [Theory]
    [InlineData("stage1/trees.json", "{\"format\": 1, \"model\": ")]
    [InlineData("stage1/trees.json", "[1, 2, 3]")]
    [InlineData("stage1/lightgbm.zip", "not a zip")]
    public void LoadingACorruptFileSaysWhichFileIsBroken(string artifact, string content)
    {
        var copy = trained.CopyBundle();
        File.WriteAllText(Path.Combine(copy, artifact), content);

        var load = () => TreeFilterArtifacts.Load(copy, PlantedThreshold.Schema, TrainedTreeFilterFixture.Options, "v");

        load.Should().Throw<InvalidDataException>().WithMessage($"*{artifact}*");
    }

    [Fact]
    public void LoadingATreeWhoseChildPointsBackFailsInsteadOfLooping()
    {
        var copy = trained.CopyBundle();
        var path = Path.Combine(copy, "stage1/trees.json");
        var json = File.ReadAllText(path);
        var start = json.IndexOf("\"leftChildren\":[", StringComparison.Ordinal) + "\"leftChildren\":[".Length;
        var end = json.IndexOf(',', start);
        File.WriteAllText(path, json[..start] + "0" + json[end..]);

        var load = () => TreeFilterArtifacts.Load(copy, PlantedThreshold.Schema, TrainedTreeFilterFixture.Options, "v");

        load.Should().Throw<InvalidDataException>().WithMessage("*stage1/trees.json*tree 0*out of order*");
    }

    [Fact]
    public void LoadingTreesThatDisagreeWithTheMlNetModelFails()
    {
        var copy = trained.CopyBundle();
        File.Copy(Path.Combine(copy, "stage1/fasttree.zip"), Path.Combine(copy, "stage1/lightgbm.zip"), overwrite: true);

        var load = () => TreeFilterArtifacts.Load(copy, PlantedThreshold.Schema, TrainedTreeFilterFixture.Options, "v");

        load.Should().Throw<InvalidDataException>().WithMessage("*stage1/lightgbm.zip disagrees with stage1/trees.json*");
    }

    [Fact]
    public void LoadingUnderADifferentSchemaFails()
    {
        var schema = new SignalEngine.Features.FeatureSchema(PlantedThreshold.Schema.Names.Reverse().ToArray());

        var load = () => TreeFilterArtifacts.Load(trained.Directory, schema, TrainedTreeFilterFixture.Options, "v");

        load.Should().Throw<InvalidDataException>().WithMessage("*stage1/trees.json*feature schema*");
    }

    [Fact]
    public void SameRowsAndSeedGiveIdenticalTreesAndScores()
    {
        var again = TreeFilterTrainer.Train(
            trained.TrainRows, trained.TrainLabels, PlantedThreshold.Schema, TrainedTreeFilterFixture.Options, seed: 5, version: "test-1");
        var directory = trained.Directory + "-again";
        try
        {
            again.Save(directory);
            File.ReadAllText(Path.Combine(directory, "stage1/trees.json"))
                .Should().Be(File.ReadAllText(Path.Combine(trained.Directory, "stage1/trees.json")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        foreach (var row in trained.TestRows.Take(50))
        {
            again.Evaluate(row).Should().BeEquivalentTo(Filter.Evaluate(row), o => o.WithStrictOrdering());
        }
    }

    private GradientBoostedTreeFilter Reload(TreeFilterOptions options) =>
        TreeFilterArtifacts.Load(trained.Directory, PlantedThreshold.Schema, options, "test-1");

    private static double[] RowWith(double planted, double rsi)
    {
        var row = new double[PlantedThreshold.Schema.Count];
        row[PlantedThreshold.PlantedIndex] = planted;
        row[PlantedThreshold.RsiIndex] = rsi;
        return row;
    }

    private static float[] ToFloat(double[] row) => row.Select(v => (float)v).ToArray();
}
