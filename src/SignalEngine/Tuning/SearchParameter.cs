using System.Globalization;

namespace SignalEngine.Tuning;

/// <summary>
/// One dimension of a search space. Every value is held as a double: numbers as themselves, a categorical as the
/// index of its choice. Samplers work in a unit coordinate u in [0, 1] (linear, or logarithmic for log-uniform).
/// </summary>
public sealed record SearchParameter
{
    private SearchParameter(string name, ParameterScale scale, double low, double high, double step, IReadOnlyList<string> choices)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains(',') || name.Contains('"')) throw new ArgumentException($"parameter name '{name}' cannot hold ',' or '\"'", nameof(name));
        if (!(low <= high)) throw new ArgumentException($"{name}: low {low} is above high {high}");
        Name = name;
        Scale = scale;
        Low = low;
        High = high;
        Step = step;
        Choices = choices;
    }

    public string Name { get; }
    public ParameterScale Scale { get; }
    public double Low { get; }
    public double High { get; }

    /// <summary>Grid spacing of the values; 0 for a continuous parameter.</summary>
    public double Step { get; }
    public IReadOnlyList<string> Choices { get; }

    public bool IsCategorical => Scale == ParameterScale.Categorical;

    public static SearchParameter Integer(string name, int low, int high, int step = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        return new(name, ParameterScale.Integer, low, high, step, []);
    }

    public static SearchParameter Uniform(string name, double low, double high, double step = 0) =>
        new(name, ParameterScale.Uniform, low, high, step, []);

    public static SearchParameter LogUniform(string name, double low, double high)
    {
        if (!(low > 0)) throw new ArgumentException($"{name}: a log-uniform parameter needs a positive low, not {low}");
        return new(name, ParameterScale.LogUniform, low, high, 0, []);
    }

    public static SearchParameter Categorical(string name, params string[] choices)
    {
        if (choices.Length == 0) throw new ArgumentException($"{name}: a categorical parameter needs at least one choice");
        if (choices.Distinct().Count() != choices.Length) throw new ArgumentException($"{name}: choices repeat");
        return new(name, ParameterScale.Categorical, 0, choices.Length - 1, 1, choices);
    }

    /// <summary>A value drawn uniformly on the parameter's own scale.</summary>
    public double Sample(Random random) =>
        IsCategorical ? random.Next(Choices.Count) : FromUnit(random.NextDouble());

    /// <summary>The unit coordinate of a numeric value (integers span [Low - step/2, High + step/2] so each gets equal mass).</summary>
    public double ToUnit(double value)
    {
        var (lo, hi) = UnitRange();
        if (hi <= lo) return 0.5;
        return Scale == ParameterScale.LogUniform ? (Math.Log(value) - lo) / (hi - lo) : (value - lo) / (hi - lo);
    }

    /// <summary>The value at unit coordinate u, snapped to the parameter's grid and kept in [Low, High].</summary>
    public double FromUnit(double u)
    {
        if (IsCategorical) return Math.Clamp(Math.Floor(u * Choices.Count), 0, Choices.Count - 1);
        var (lo, hi) = UnitRange();
        var x = lo + Math.Clamp(u, 0, 1) * (hi - lo);
        var value = Scale == ParameterScale.LogUniform ? Math.Exp(x) : x;
        if (Step > 0) value = Low + Math.Round((value - Low) / Step) * Step;
        return Math.Clamp(value, Low, High);
    }

    public string Format(double value) => Scale switch
    {
        ParameterScale.Categorical => Choices[(int)value],
        ParameterScale.Integer => ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture),
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public double Parse(string text)
    {
        if (IsCategorical)
        {
            var index = Choices.ToList().IndexOf(text);
            return index >= 0 ? index : throw new FormatException($"{Name}: '{text}' is not one of {string.Join(", ", Choices)}");
        }
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private (double Low, double High) UnitRange() => Scale switch
    {
        ParameterScale.LogUniform => (Math.Log(Low), Math.Log(High)),
        ParameterScale.Integer => (Low - Step / 2.0, High + Step / 2.0),
        _ => (Low, High),
    };
}
