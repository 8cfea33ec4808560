using SignalEngine.Features;
using SignalEngine.Stages.MetaLearner;

namespace SignalEngine.Tests.Stages.MetaLearner;

public sealed class StackingDesignTests
{
    private readonly StackingDesign _design = new(SyntheticStacking.Models);

    [Fact]
    public void InputNamesCarryTheStagePrefixInTheDocumentedOrder()
    {
        _design.InputNames.Should().Equal(
            "bias",
            "stage1.logit",
            "stage2.lstm.logit",
            "stage2.transformer.logit",
            "stage2.abstained",
            "context.regime.low",
            "context.regime.high",
            "context.liquidity",
            "stage1.logit*regime.low",
            "stage1.logit*regime.high",
            "stage2.mean.logit*regime.low",
            "stage2.mean.logit*regime.high");
        _design.Dimension.Should().Be(12);
    }

    [Fact]
    public void HighRegimeRowHasLogitsOneHotClippedLiquidityAndInteractions()
    {
        var row = _design.Encode(new MetaInput(0.8, [0.6, null], MarketRegime.High, 7.5));

        var treeLogit = Math.Log(0.8 / 0.2);
        var lstmLogit = Math.Log(0.6 / 0.4);
        row.Should().Equal(
            [1.0, treeLogit, lstmLogit, 0.0, 0.0, 0.0, 1.0, 5.0, 0.0, treeLogit, 0.0, lstmLogit],
            (actual, expected) => Math.Abs(actual - expected) < 1e-12);
    }

    [Fact]
    public void EveryModelAbstainingSetsTheAbstainedInputAndZeroSequenceLogits()
    {
        var row = _design.Encode(new MetaInput(1.0, [null, null], MarketRegime.Low, -9.0));

        var clampedTree = Math.Log((1 - 1e-4) / 1e-4);
        row.Should().Equal(
            [1.0, clampedTree, 0.0, 0.0, 1.0, 1.0, 0.0, -5.0, clampedTree, 0.0, 0.0, 0.0],
            (actual, expected) => Math.Abs(actual - expected) < 1e-9);
    }

    [Fact]
    public void SequenceMeanInteractionAveragesThePresentModelsOnly()
    {
        var row = _design.Encode(new MetaInput(0.5, [0.7, 0.9], MarketRegime.Low, 0.0));

        var mean = 0.5 * (Math.Log(0.7 / 0.3) + Math.Log(0.9 / 0.1));
        row[_design.IndexOf(StackingDesign.SequenceMeanLogitLowInput)].Should().BeApproximately(mean, 1e-12);
        row[_design.IndexOf(StackingDesign.SequenceMeanLogitHighInput)].Should().Be(0.0);
        row[_design.IndexOf(StackingDesign.AbstainedInput)].Should().Be(0.0);
    }

    [Fact]
    public void UnknownRegimeIsAnArgumentException()
    {
        var act = () => _design.Encode(new MetaInput(0.5, [0.5, 0.5], "sideways", 0.0));

        act.Should().Throw<ArgumentException>().WithMessage("*sideways*");
    }

    [Fact]
    public void WrongNumberOfSequenceProbabilitiesIsAnArgumentException()
    {
        var act = () => _design.Encode(new MetaInput(0.5, [0.5], MarketRegime.Normal, 0.0));

        act.Should().Throw<ArgumentException>().WithMessage("*expected 2 sequence probabilities*");
    }

    [Fact]
    public void ProbabilityOutsideTheUnitIntervalIsAnArgumentException()
    {
        var act = () => _design.Encode(new MetaInput(double.NaN, [0.5, 0.5], MarketRegime.Normal, 0.0));

        act.Should().Throw<ArgumentException>().WithMessage("*tree probability*");
    }
}
