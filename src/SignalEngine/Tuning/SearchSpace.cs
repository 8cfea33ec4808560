namespace SignalEngine.Tuning;

/// <summary>The declared parameters of a search, in a fixed order (the order of trials.csv's columns).</summary>
public sealed class SearchSpace
{
    private readonly Dictionary<string, int> _index;

    public SearchSpace(params SearchParameter[] parameters)
    {
        if (parameters.Length == 0) throw new ArgumentException("a search space needs at least one parameter");
        Parameters = parameters;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!_index.TryAdd(parameters[i].Name, i)) throw new ArgumentException($"parameter '{parameters[i].Name}' is declared twice");
        }
    }

    public IReadOnlyList<SearchParameter> Parameters { get; }

    public SearchParameter this[string name] => Parameters[IndexOf(name)];

    public int IndexOf(string name) =>
        _index.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"no parameter '{name}' in the search space");

    /// <summary>Every parameter drawn independently and uniformly on its own scale.</summary>
    public ParameterSet Sample(Random random) => new(this, Parameters.Select(p => p.Sample(random)).ToArray());

    /// <summary>A parameter set from values by name (categoricals by choice), for fixed points such as the defaults.</summary>
    public ParameterSet Create(IReadOnlyDictionary<string, object> values) =>
        new(this, Parameters.Select(p => values[p.Name] switch
        {
            string choice => p.Parse(choice),
            var number => Convert.ToDouble(number, System.Globalization.CultureInfo.InvariantCulture),
        }).ToArray());
}
