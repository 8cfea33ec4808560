namespace SignalEngine.Data;

/// <summary>Bad input data, located precisely enough to fix: file, 1-based line, column name.</summary>
public sealed class BarDataException(string file, int line, string? column, string problem)
    : Exception(column is null ? $"{file}:{line}: {problem}" : $"{file}:{line}, column '{column}': {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string? Column { get; } = column;
    public string Problem { get; } = problem;
}
