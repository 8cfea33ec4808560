using SignalEngine.Numerics;

namespace SignalEngine.Tests.Numerics;

public sealed class CholeskyFactorTests
{
    // The textbook example: A = L Lᵀ with L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]], det A = 36.
    private static readonly double[,] Matrix =
    {
        { 4, 12, -16 },
        { 12, 37, -43 },
        { -16, -43, 98 },
    };

    [Fact]
    public void FactorIsTheHandComputedLowerTriangle()
    {
        var factor = CholeskyFactor.Of(Matrix);

        double[,] expected = { { 2, 0, 0 }, { 6, 1, 0 }, { -8, 5, 3 } };
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++) factor[i, j].Should().BeApproximately(expected[i, j], 1e-12);
        }
    }

    [Fact]
    public void SolveRecoversTheVectorThatProducedTheRightHandSide()
    {
        // A (1, 2, 3) = (4 + 24 - 48, 12 + 74 - 129, -16 - 86 + 294).
        var x = CholeskyFactor.Of(Matrix).Solve([-20, -43, 192]);

        x.Should().Equal([1.0, 2.0, 3.0], (actual, expected) => Math.Abs(actual - expected) < 1e-10);
    }

    [Fact]
    public void InverseIsTheHandComputedAdjugateOverTheDeterminant()
    {
        var inverse = CholeskyFactor.Of(Matrix).Inverse();

        double[,] adjugate = { { 1777, -488, 76 }, { -488, 136, -20 }, { 76, -20, 4 } };
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                inverse[i, j].Should().BeApproximately(adjugate[i, j] / 36.0, 1e-9);
                inverse[i, j].Should().Be(inverse[j, i]);
            }
        }
    }

    [Fact]
    public void MultiplyLowerAppliesTheFactor()
    {
        var result = new double[3];
        CholeskyFactor.Of(Matrix).MultiplyLower([1, 1, 1], result);

        result.Should().Equal(2.0, 7.0, 0.0);
    }

    [Fact]
    public void IndefiniteMatrixIsRejected()
    {
        double[,] indefinite = { { 1, 2 }, { 2, 1 } };

        CholeskyFactor.TryFactor(indefinite, out _).Should().BeFalse();
        var act = () => CholeskyFactor.Of(indefinite);
        act.Should().Throw<ArgumentException>().WithMessage("*positive definite*");
    }
}
