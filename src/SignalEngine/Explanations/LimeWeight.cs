namespace SignalEngine.Explanations;

/// <summary>One feature's term in a LIME surrogate.</summary>
/// <param name="Value">The feature's value in the explained row.</param>
/// <param name="Scale">The scale its perturbations were drawn with (typically its training standard deviation).</param>
/// <param name="Coefficient">Change of the score per one <paramref name="Scale"/> of the feature: comparable across features, rank by its magnitude.</param>
/// <param name="Slope">Change of the score per unit of the feature's own value (Coefficient / Scale; 0 when the scale is 0).</param>
public sealed record LimeWeight(string Feature, double Value, double Scale, double Coefficient, double Slope);
