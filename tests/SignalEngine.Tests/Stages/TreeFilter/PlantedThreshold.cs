using SignalEngine.Features;

namespace SignalEngine.Tests.Stages.TreeFilter;

/// <summary>
/// Synthetic stage-1 data with a planted effect: an item is actionable mostly when "planted" is above 0.2, a
/// little more often with "momentum"; the other columns, rsi_14 included, are noise.
/// </summary>
public static class PlantedThreshold
{
    public static FeatureSchema Schema { get; } = new(["planted", "momentum", "noise_a", "noise_b", "noise_c", "noise_d", "noise_e", "rsi_14"]);

    public const int PlantedIndex = 0;
    public const int RsiIndex = 7;

    public static (double[][] Rows, bool[] Actionable) Generate(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new double[count][];
        var actionable = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var row = new double[Schema.Count];
            for (var j = 0; j < row.Length; j++) row[j] = 2 * random.NextDouble() - 1;
            row[RsiIndex] = 20 + 60 * random.NextDouble();
            var logOdds = 2.5 * (row[PlantedIndex] > 0.2 ? 1 : -1) + 0.8 * row[1];
            actionable[i] = random.NextDouble() < 1 / (1 + Math.Exp(-logOdds));
            rows[i] = row;
        }
        return (rows, actionable);
    }
}
