using SignalEngine.Data;

namespace SignalEngine.Features;

/// <summary>Derives the standard technical features from whatever columns a series has, without look-ahead.</summary>
public sealed class FeatureBuilder(FeatureOptions options)
{
    public FeatureOptions Options { get; } = options;

    public FeatureSchema SchemaFor(BarSeries series) => throw new NotImplementedException();

    public FeatureFrame Build(BarSeries series) => throw new NotImplementedException();

    /// <summary>The regime of a volatility percentile rank in [0, 1].</summary>
    public static string RegimeOf(double volatilityPercentile) => throw new NotImplementedException();
}
