using SignalEngine.Features;
using SignalEngine.Labels;

namespace SignalEngine.Pipeline;

/// <summary>
/// Where a schema keeps what the decision needs besides the stage outputs: vol_regime (stage 3's regime), the volume
/// z-score (its liquidity) and the realised volatility the barriers are set from. Training, evaluation and serving read
/// them the same way, so a decision never depends on where its inputs came from.
/// </summary>
/// <param name="Regime">Index of vol_regime, or -1.</param>
/// <param name="VolumeZ">Index of volume_z_n, or -1 for a series without volume.</param>
/// <param name="Volatility">Index of rvol_n (the label's volatility window when the schema has it, else the first rvol), or -1.</param>
public sealed record ContextColumns(int Regime, int VolumeZ, int Volatility)
{
    public static ContextColumns For(FeatureSchema schema, LabelConfig labels)
    {
        var names = schema.Names.ToList();
        var exact = schema.IndexOf($"rvol_{labels.VolatilityWindow}");
        return new ContextColumns(
            schema.IndexOf(FeatureBuilder.VolatilityRegime),
            names.FindIndex(n => n.StartsWith("volume_z_", StringComparison.Ordinal)),
            exact >= 0 ? exact : names.FindIndex(n => n.StartsWith("rvol_", StringComparison.Ordinal)));
    }

    /// <summary>The context a client sent, completed from the features: vol_regime (else normal), the volume z-score (else 0), rvol (else unknown).</summary>
    public ItemContext Of(IReadOnlyList<double> features, MarketContext? sent) => new(
        sent?.Regime ?? (Regime >= 0 && double.IsFinite(features[Regime]) ? FeatureBuilder.RegimeOf(features[Regime]) : MarketRegime.Normal),
        sent?.Liquidity ?? (VolumeZ >= 0 && double.IsFinite(features[VolumeZ]) ? features[VolumeZ] : 0.0),
        Volatility >= 0 ? features[Volatility] : double.NaN);
}
