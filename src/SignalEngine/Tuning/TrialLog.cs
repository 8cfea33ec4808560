using System.Globalization;
using System.Text;

namespace SignalEngine.Tuning;

/// <summary>
/// trials.csv: one line per ended trial, appended and flushed as it ends, so a killed search loses only the trials in
/// flight. Scores and real parameters are written round-trip exact, so replaying the file into the sampler gives the
/// same suggestions as the run that wrote it.
/// </summary>
public sealed class TrialLog(string path, SearchSpace space)
{
    private static readonly string[] Fixed = ["number", "state", "score", "seconds", "rungScores"];
    private readonly object _gate = new();

    public string Path { get; } = path;

    public string Header => string.Join(',', Fixed.Concat(space.Parameters.Select(p => p.Name)));

    public void Append(Trial trial)
    {
        var line = new StringBuilder()
            .Append(trial.Number.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(trial.State.ToString()).Append(',')
            .Append(Number(trial.Score)).Append(',')
            .Append(Number(trial.Seconds)).Append(',')
            .Append(string.Join(';', trial.RungScores.Select(Number)));
        for (var i = 0; i < space.Parameters.Count; i++) line.Append(',').Append(space.Parameters[i].Format(trial.Parameters.Values[i]));
        lock (_gate)
        {
            var exists = File.Exists(Path) && new FileInfo(Path).Length > 0;
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            using var writer = new StreamWriter(stream);
            if (!exists) writer.WriteLine(Header);
            writer.WriteLine(line.ToString());
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>The recorded trials; none when the file does not exist. A cut-off last line (killed mid-write) is skipped.</summary>
    public IReadOnlyList<Trial> Read()
    {
        if (!File.Exists(Path)) return [];
        var lines = File.ReadAllLines(Path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) return [];
        if (lines[0] != Header)
            throw new ArgumentException($"{Path} was written for another search space: header '{lines[0]}', expected '{Header}'");
        var trials = new List<Trial>();
        for (var i = 1; i < lines.Length; i++)
        {
            try
            {
                trials.Add(Parse(lines[i]));
            }
            catch (Exception e) when (i == lines.Length - 1 && e is FormatException or IndexOutOfRangeException or ArgumentException)
            {
                break;
            }
        }
        return trials;
    }

    private Trial Parse(string line)
    {
        var cells = line.Split(',');
        if (cells.Length != Fixed.Length + space.Parameters.Count) throw new FormatException($"{cells.Length} cells in '{line}'");
        var rungs = cells[4].Length == 0 ? [] : cells[4].Split(';').Select(ParseNumber).ToArray();
        var values = space.Parameters.Select((p, i) => p.Parse(cells[Fixed.Length + i])).ToArray();
        return new Trial(
            int.Parse(cells[0], CultureInfo.InvariantCulture), new ParameterSet(space, values), Enum.Parse<TrialState>(cells[1]),
            ParseNumber(cells[2]), rungs, ParseNumber(cells[3]));
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static double ParseNumber(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
