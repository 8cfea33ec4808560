namespace SignalEngine.Tuning;

/// <summary>One point of a search space: a value per parameter, in the space's order.</summary>
public sealed class ParameterSet
{
    public ParameterSet(SearchSpace space, IReadOnlyList<double> values)
    {
        if (values.Count != space.Parameters.Count)
            throw new ArgumentException($"{values.Count} values for {space.Parameters.Count} parameters");
        Space = space;
        Values = values;
    }

    public SearchSpace Space { get; }
    public IReadOnlyList<double> Values { get; }

    public double this[string name] => Values[Space.IndexOf(name)];

    public int Int(string name) => (int)Math.Round(this[name]);

    public string Choice(string name) => Space[name].Choices[(int)this[name]];

    public bool SameValues(ParameterSet other) => Values.SequenceEqual(other.Values);

    public override string ToString() =>
        string.Join(", ", Space.Parameters.Select((p, i) => $"{p.Name}={p.Format(Values[i])}"));
}
