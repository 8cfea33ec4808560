using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>Trains the two ML.NET ensembles single-threaded and seeded, and extracts their trees.</summary>
internal static class MlNetTreeTrainer
{
    public const string LightGbm = "lightgbm";
    public const string FastTree = "fasttree";
    public const string FeaturesColumn = nameof(TreeRow.Features);

    public static IReadOnlyList<string> EnsembleNames { get; } = [LightGbm, FastTree];

    public static (MlNetModel Model, RegressionTreeEnsemble Trees) Train(
        MLContext ml, string name, IDataView data, TreeFilterOptions options, int seed)
    {
        switch (name)
        {
            case LightGbm:
                var lightGbm = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                {
                    NumberOfIterations = options.NumberOfTrees,
                    NumberOfLeaves = options.NumberOfLeaves,
                    LearningRate = options.LearningRate,
                    MinimumExampleCountPerLeaf = options.MinimumExampleCountPerLeaf,
                    Booster = new GradientBooster.Options { FeatureFraction = options.FeatureFraction },
                    UseCategoricalSplit = false,
                    NumberOfThreads = 1,
                    Deterministic = true,
                    Seed = seed,
                    Silent = true,
                }).Fit(data);
                return (new MlNetModel(name, lightGbm, data.Schema), lightGbm.Model.SubModel.TrainedTreeEnsemble);
            case FastTree:
                var fastTree = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    NumberOfTrees = options.NumberOfTrees,
                    NumberOfLeaves = options.NumberOfLeaves,
                    LearningRate = options.LearningRate,
                    MinimumExampleCountPerLeaf = options.MinimumExampleCountPerLeaf,
                    FeatureFraction = options.FeatureFraction,
                    NumberOfThreads = 1,
                    Seed = seed,
                    FeatureSelectionSeed = seed,
                    DiskTranspose = false,
                }).Fit(data);
                return (new MlNetModel(name, fastTree, data.Schema), fastTree.Model.SubModel.TrainedTreeEnsemble);
            default:
                throw new ArgumentException($"unknown tree ensemble '{name}'", nameof(name));
        }
    }

    /// <summary>ML.NET's trees in walkable form, leaf values times tree weight, covers still empty.</summary>
    public static List<DecisionTree> Extract(RegressionTreeEnsemble ensemble)
    {
        var trees = new List<DecisionTree>(ensemble.Trees.Count);
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.CategoricalSplitFlags.Any(flag => flag))
            {
                throw new InvalidOperationException("stage 1 trees must split on numeric thresholds only, but ML.NET produced a categorical split");
            }
            var weight = ensemble.TreeWeights[t];
            trees.Add(new DecisionTree(
                [.. tree.NumericalSplitFeatureIndexes], [.. tree.NumericalSplitThresholds], [.. tree.LeftChild], [.. tree.RightChild],
                tree.LeafValues.Select(v => v * weight).ToArray(), [.. tree.SplitGains],
                new double[tree.NumberOfNodes], new double[tree.NumberOfLeaves]));
        }
        return trees;
    }

    public static IDataView ToDataView(MLContext ml, IReadOnlyList<double[]> rows, IReadOnlyList<bool>? labels, int featureCount)
    {
        var definition = SchemaDefinition.Create(typeof(TreeRow));
        definition[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var items = new TreeRow[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            items[i] = new TreeRow { Features = ToFloat(rows[i]), Label = labels is not null && labels[i] };
        }
        return ml.Data.LoadFromEnumerable(items, definition);
    }

    public static float[] ToFloat(double[] row)
    {
        var features = new float[row.Length];
        for (var j = 0; j < row.Length; j++) features[j] = (float)row[j];
        return features;
    }

    internal sealed class TreeRow
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }
}
