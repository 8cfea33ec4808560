using System.Globalization;

namespace SignalEngine.Tuning;

/// <summary>
/// architectures.csv: every genome the evolution evaluated with its fitness, appended as each ends. A resumed run
/// reads it back as known fitness, so the seeded evolution replays to where it stopped without retraining.
/// </summary>
public sealed class ArchitectureLog(string path)
{
    private const string Header = "fitness,kind,layers,hiddenSize,heads,dropout,windowLength,learningRate";
    private readonly object _gate = new();

    public void Append(ArchitectureGenome g, double fitness)
    {
        var line = string.Join(',', R(fitness), g.Kind, g.Layers, g.HiddenSize, g.Heads, R(g.Dropout), g.WindowLength, R(g.LearningRate));
        lock (_gate)
        {
            var exists = File.Exists(path) && new FileInfo(path).Length > 0;
            File.AppendAllText(path, (exists ? "" : Header + Environment.NewLine) + line + Environment.NewLine);
        }
    }

    public IReadOnlyDictionary<ArchitectureGenome, double> Read()
    {
        var known = new Dictionary<ArchitectureGenome, double>();
        if (!File.Exists(path)) return known;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var c = line.Split(',');
            if (c.Length != 8) continue;
            try
            {
                known[new ArchitectureGenome(c[1], I(c[2]), I(c[3]), I(c[4]), D(c[5]), I(c[6]), D(c[7]))] = D(c[0]);
            }
            catch (FormatException)
            {
                // A line cut off by a kill: that genome is evaluated again.
            }
        }
        return known;
    }

    private static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);
    private static int I(string s) => int.Parse(s, CultureInfo.InvariantCulture);
    private static double D(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
