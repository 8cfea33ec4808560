using SignalEngine.Data;
using SignalEngine.Features;
using SignalEngine.Tests.Support;

namespace SignalEngine.Tests.Features;

public sealed class FeatureBuilderTests
{
    private static readonly FeatureBuilder Builder = new(new FeatureOptions());

    private static BarSeries Ttrc() => CsvBarLoader.Load(RepositoryPaths.Data("ttrc.csv")).Series[0];

    private static BarSeries CloseOnly(double[] close) => new(
        "x", close.Select((_, i) => DateTimeOffset.UnixEpoch.AddMinutes(i)).ToArray(), close, null, null, null, null, []);

    [Fact]
    public void The_schema_follows_the_columns_that_exist()
    {
        Builder.SchemaFor(Ttrc()).Names.Should().Equal(
            "ret_1", "ret_5", "ret_10", "ret_20", "rsi_14", "macd", "macd_signal", "macd_hist", "bb_pctb_20", "rvol_20",
            "vol_regime", "atr_14", "volume_z_20");

        var closeOnly = CloseOnly([1, 2, 3]) with { Extras = [new NamedColumn("Funding Rate", [0, 0, 0]), new NamedColumn("rsi_14", [0, 0, 0])] };
        Builder.SchemaFor(closeOnly).Names.Should().Equal(
            "ret_1", "ret_5", "ret_10", "ret_20", "rsi_14", "macd", "macd_signal", "macd_hist", "bb_pctb_20", "rvol_20",
            "vol_regime", "funding_rate", "x_rsi_14");
    }

    [Fact]
    public void No_feature_looks_ahead()
    {
        var full = Builder.Build(Ttrc());
        var series = Ttrc();
        const int cut = 700;
        var prefix = Builder.Build(series with
        {
            Timestamps = series.Timestamps.Take(cut).ToArray(),
            Close = series.Close[..cut], Open = series.Open![..cut], High = series.High![..cut], Low = series.Low![..cut],
            Volume = series.Volume![..cut],
        });

        for (var t = 0; t < cut; t++) prefix.Rows[t].Should().Equal(full.Rows[t], $"bar {t} must not depend on later bars");
        prefix.Regimes.Should().Equal(full.Regimes.Take(cut));
    }

    [Fact]
    public void Rows_are_complete_after_the_warmup_and_in_range()
    {
        var frame = Builder.Build(Ttrc());

        frame.IsComplete(38).Should().BeFalse();
        Enumerable.Range(60, frame.Count - 60).Should().OnlyContain(t => frame.IsComplete(t));
        var rsi = frame.Schema.IndexOf("rsi_14");
        var regime = frame.Schema.IndexOf("vol_regime");
        frame.Rows.Skip(60).Should().OnlyContain(r => r[rsi] >= 0 && r[rsi] <= 100 && r[regime] >= 0 && r[regime] <= 1);
        frame.Regimes.Distinct().Should().BeEquivalentTo(MarketRegime.All);
        frame.Liquidity.Should().OnlyContain(v => double.IsFinite(v));
    }

    [Fact]
    public void Rsi_is_wilder_smoothed()
    {
        // Three up moves of 1 and one down move of 2 with period 4: gain 3/4, loss 2/4 -> RSI 60.
        // Next a +1 move: gain (0.75*3 + 1)/4 = 0.8125, loss 0.375 -> 100 * 0.8125 / 1.1875.
        var rsi = FeatureBuilder.Rsi([10, 11, 12, 13, 11, 12], 4);

        rsi.Take(4).Should().OnlyContain(v => double.IsNaN(v));
        rsi[4].Should().BeApproximately(60, 1e-12);
        rsi[5].Should().BeApproximately(100 * 0.8125 / 1.1875, 1e-12);
    }

    [Fact]
    public void Bollinger_atr_and_zscore_match_hand_values()
    {
        // Window [1, 2, 3]: mean 2, population sd sqrt(2/3); close 3 sits at (3 - (2 - 2sd)) / 4sd.
        var sd = Math.Sqrt(2.0 / 3);
        FeatureBuilder.BollingerPercentB([1, 2, 3], 3)[2].Should().BeApproximately((3 - (2 - 2 * sd)) / (4 * sd), 1e-12);

        // True ranges 2 (gap up from 10 to a 11..12 bar) and 3: ATR(2) = 2.5, over close 12.
        FeatureBuilder.Atr([10, 12, 13], [10, 11, 10], [10, 12, 12], 2)[2].Should().BeApproximately(2.5 / 12, 1e-12);

        FeatureBuilder.ZScore([1, 2, 3, 4, 5, 100], 5)[4].Should().BeApproximately(2 / Math.Sqrt(2.5), 1e-12);
    }

    [Fact]
    public void A_close_only_series_has_no_atr_or_volume_and_zero_liquidity()
    {
        var close = Enumerable.Range(0, 300).Select(i => 100 + Math.Sin(i / 7.0) * 5 + i * 0.01).ToArray();

        var frame = Builder.Build(CloseOnly(close));

        frame.Schema.Names.Should().NotContain(n => n.StartsWith("atr_") || n.StartsWith("volume_z_"));
        frame.Liquidity.Should().OnlyContain(v => v == 0);
        frame.IsComplete(299).Should().BeTrue();
    }

    [Theory]
    [InlineData(0.0, MarketRegime.Low)]
    [InlineData(0.5, MarketRegime.Normal)]
    [InlineData(0.9, MarketRegime.High)]
    public void Regimes_are_volatility_terciles(double percentile, string regime) =>
        FeatureBuilder.RegimeOf(percentile).Should().Be(regime);
}
