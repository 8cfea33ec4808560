using SignalEngine.Tuning;

namespace SignalEngine.Tests.Tuning;

/// <summary>
/// A cheap objective with a known optimum 0: a shifted quadratic in a uniform, a log-uniform and an integer parameter,
/// plus a categorical branch where only "b" reaches the minimum. Three rungs, each adding a third of the value, so the
/// pruner has something to compare.
/// </summary>
internal sealed class ShiftedQuadratic : ISearchObjective
{
    public static SearchSpace Space { get; } = new(
        SearchParameter.Uniform("x", -5, 5),
        SearchParameter.LogUniform("rate", 1e-4, 1),
        SearchParameter.Integer("n", 0, 40),
        SearchParameter.Categorical("branch", "a", "b", "c"));

    public int Rungs => 3;

    public int Evaluations { get; private set; }

    public static double Value(ParameterSet p)
    {
        var x = p["x"] - 1.3;
        var r = Math.Log10(p["rate"]) + 2.5;
        var n = (p["n"] - 27) / 10.0;
        var branch = p.Choice("branch") switch { "b" => 0.0, "a" => 3.0, _ => 6.0 };
        return x * x + r * r + n * n + branch;
    }

    public IEnumerable<double> Evaluate(ParameterSet parameters, CancellationToken cancellationToken)
    {
        Evaluations++;
        var value = Value(parameters);
        for (var rung = 1; rung <= Rungs; rung++) yield return value * rung / Rungs;
    }
}
