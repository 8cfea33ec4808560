namespace SignalEngine.Tuning;

/// <summary>How a search parameter's values are spread: what "uniform" means when it is sampled.</summary>
public enum ParameterScale
{
    Integer,
    Uniform,
    LogUniform,
    Categorical,
}
