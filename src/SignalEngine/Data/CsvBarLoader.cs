namespace SignalEngine.Data;

/// <summary>The bars of a CSV file, one series per instrument, and the repairs made while reading it.</summary>
public sealed record BarLoadResult(IReadOnlyList<BarSeries> Series, IReadOnlyList<string> Warnings);

/// <summary>Reads bars from CSV. Bad input is a <see cref="BarDataException"/> naming the file, line and column.</summary>
public static class CsvBarLoader
{
    public static BarLoadResult Load(string path) => throw new NotImplementedException();

    public static BarLoadResult Load(TextReader reader, string sourceName) => throw new NotImplementedException();
}
