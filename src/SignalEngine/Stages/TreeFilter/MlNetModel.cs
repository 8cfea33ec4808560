using Microsoft.ML;
using Microsoft.ML.Data;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>A trained or loaded ML.NET binary classifier, kept so the bundle carries the real ML.NET model.</summary>
internal sealed record MlNetModel(string Name, ITransformer Transformer, DataViewSchema InputSchema)
{
    /// <summary>ML.NET's own raw Score column for the rows; ML.NET scores in float.</summary>
    public float[] Score(MLContext ml, IReadOnlyList<double[]> rows)
    {
        var data = MlNetTreeTrainer.ToDataView(ml, rows, null, ((VectorDataViewType)InputSchema[MlNetTreeTrainer.FeaturesColumn].Type).Size);
        return Transformer.Transform(data).GetColumn<float>("Score").ToArray();
    }
}
