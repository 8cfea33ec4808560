namespace SignalEngine.Numerics;

/// <summary>
/// Lower-triangular L with A = L Lᵀ for a small dense symmetric positive definite A. Stage 3 has 2 × 12 weights,
/// so plain O(n³) loops over a 24 × 24 matrix are cheaper than pulling in a linear algebra package.
/// </summary>
internal sealed class CholeskyFactor
{
    private readonly double[,] _lower;

    private CholeskyFactor(double[,] lower)
    {
        _lower = lower;
    }

    public int Size => _lower.GetLength(0);

    public double this[int row, int column] => _lower[row, column];

    /// <summary>Reads only the lower triangle of <paramref name="matrix"/>; the caller owns its symmetry.</summary>
    /// <exception cref="ArgumentException">The matrix is not square or not positive definite.</exception>
    public static CholeskyFactor Of(double[,] matrix) =>
        TryFactor(matrix, out var factor)
            ? factor
            : throw new ArgumentException("the matrix is not symmetric positive definite", nameof(matrix));

    public static bool TryFactor(double[,] matrix, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CholeskyFactor? factor)
    {
        factor = null;
        var n = matrix.GetLength(0);
        if (matrix.GetLength(1) != n) return false;

        var lower = new double[n, n];
        for (var j = 0; j < n; j++)
        {
            var diagonal = matrix[j, j];
            for (var k = 0; k < j; k++) diagonal -= lower[j, k] * lower[j, k];
            // The negated comparison also rejects NaN.
            if (!(diagonal > 0.0) || double.IsInfinity(diagonal)) return false;
            var pivot = Math.Sqrt(diagonal);
            lower[j, j] = pivot;

            for (var i = j + 1; i < n; i++)
            {
                var sum = matrix[i, j];
                for (var k = 0; k < j; k++) sum -= lower[i, k] * lower[j, k];
                lower[i, j] = sum / pivot;
            }
        }

        factor = new CholeskyFactor(lower);
        return true;
    }

    /// <summary>x with A x = b.</summary>
    public double[] Solve(ReadOnlySpan<double> rightHandSide)
    {
        var n = Size;
        if (rightHandSide.Length != n)
            throw new ArgumentException($"expected {n} values, got {rightHandSide.Length}", nameof(rightHandSide));

        var x = rightHandSide.ToArray();
        for (var i = 0; i < n; i++)
        {
            var sum = x[i];
            for (var k = 0; k < i; k++) sum -= _lower[i, k] * x[k];
            x[i] = sum / _lower[i, i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var sum = x[i];
            for (var k = i + 1; k < n; k++) sum -= _lower[k, i] * x[k];
            x[i] = sum / _lower[i, i];
        }

        return x;
    }

    /// <summary>A⁻¹, made exactly symmetric so that it can itself be factorised and serialised as a covariance.</summary>
    public double[,] Inverse()
    {
        var n = Size;
        var inverse = new double[n, n];
        var unit = new double[n];
        for (var column = 0; column < n; column++)
        {
            Array.Clear(unit);
            unit[column] = 1.0;
            var solved = Solve(unit);
            for (var row = 0; row < n; row++) inverse[row, column] = solved[row];
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var mean = 0.5 * (inverse[i, j] + inverse[j, i]);
                inverse[i, j] = mean;
                inverse[j, i] = mean;
            }
        }

        return inverse;
    }

    /// <summary>L z: maps independent standard normals to a draw with covariance A.</summary>
    public void MultiplyLower(ReadOnlySpan<double> z, Span<double> result)
    {
        var n = Size;
        for (var i = 0; i < n; i++)
        {
            var sum = 0.0;
            for (var k = 0; k <= i; k++) sum += _lower[i, k] * z[k];
            result[i] = sum;
        }
    }
}
