using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignalEngine.Stages.TreeFilter;

/// <summary>stage1/trees.json: the extracted trees with their training covers and each ensemble's calibration.</summary>
internal sealed record TreeFilterFile(int Format, string Model, IReadOnlyList<string> Features, IReadOnlyList<EnsembleFile> Ensembles)
{
    /// <summary>The file's JSON shape: camelCase, compact (the trees are large), non-finite numbers as named literals.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

internal sealed record EnsembleFile(string Name, string Artifact, double Bias, double PlattSlope, double PlattIntercept, IReadOnlyList<TreeFile> Trees);

internal sealed record TreeFile(
    int[] SplitFeatures, float[] Thresholds, int[] LeftChildren, int[] RightChildren,
    double[] LeafValues, double[] SplitGains, double[] NodeCovers, double[] LeafCovers);
