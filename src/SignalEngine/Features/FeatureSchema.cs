namespace SignalEngine.Features;

/// <summary>The ordered feature names a model bundle was trained on; requests must match it exactly.</summary>
public sealed record FeatureSchema(IReadOnlyList<string> Names)
{
    public int Count => Names.Count;

    public int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    public bool Equals(FeatureSchema? other) => other is not null && Names.SequenceEqual(other.Names);

    public override int GetHashCode() => Names.Aggregate(17, (h, n) => h * 31 + n.GetHashCode(StringComparison.Ordinal));
}
