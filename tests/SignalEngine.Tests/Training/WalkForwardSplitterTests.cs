using SignalEngine.Training;

namespace SignalEngine.Tests.Training;

public sealed class WalkForwardSplitterTests
{
    [Fact]
    public void Folds_are_anchored_consecutive_and_cover_the_test_span()
    {
        var folds = WalkForwardSplitter.Split(timeSteps: 1000, folds: 4, horizon: 10, embargo: 5, minTrainSteps: 200);

        folds.Should().HaveCount(4);
        folds[0].TestStart.Should().Be(215);
        folds[^1].TestEnd.Should().Be(1000);
        for (var k = 0; k < folds.Count; k++)
        {
            folds[k].TrainStart.Should().Be(0);
            folds[k].TrainEnd.Should().Be(folds[k].TestStart - 15);
            if (k > 0) folds[k].TestStart.Should().Be(folds[k - 1].TestEnd);
        }
        folds.Sum(f => f.TestCount).Should().Be(1000 - 215);
    }

    [Theory]
    [InlineData(10, 0)]
    [InlineData(10, 10)]
    [InlineData(1, 3)]
    public void No_training_label_window_reaches_into_the_test_period(int horizon, int embargo)
    {
        foreach (var fold in WalkForwardSplitter.Split(500, 3, horizon, embargo, 100))
        {
            // The last training sample's label looks at steps up to TrainEnd - 1 + horizon.
            var lastLabelStep = fold.TrainEnd - 1 + horizon;
            lastLabelStep.Should().BeLessThan(fold.TestStart - embargo, $"fold {fold.Index} leaks its label horizon into the test period");
        }
    }

    [Fact]
    public void Too_few_steps_is_a_clear_error()
    {
        FluentActions.Invoking(() => WalkForwardSplitter.Split(100, 4, 10, 10, 90))
            .Should().Throw<ArgumentException>().WithMessage("*100 time steps are too few for 4 walk-forward folds*");
    }
}
