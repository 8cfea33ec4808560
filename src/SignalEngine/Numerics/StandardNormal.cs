namespace SignalEngine.Numerics;

/// <summary>The standard normal distribution's density and cumulative distribution function.</summary>
public static class StandardNormal
{
    private const double InverseSqrtTwoPi = 0.398942280401432677939946059934;

    // Hart's coefficients for |x| below 7.07, the highest power first.
    private static ReadOnlySpan<double> HartNumerator =>
        [3.52624965998911E-02, 0.700383064443688, 6.37396220353165, 33.912866078383, 112.079291497871, 221.213596169931, 220.206867912376];

    private static ReadOnlySpan<double> HartDenominator =>
        [8.83883476483184E-02, 1.75566716318264, 16.064177579207, 86.7807322029461, 296.564248779674, 637.333633378831, 793.826512519948, 440.413735824752];

    public static double Density(double x) => InverseSqrtTwoPi * Math.Exp(-0.5 * x * x);

    /// <summary>
    /// Φ(x) by Hart's double-precision rational approximation as given by West (2005, "Better approximations to
    /// cumulative normal functions"): about 1e-14 absolute error everywhere, and the lower tail is computed directly
    /// rather than as 1 - Φ(-x), so probabilities near 0 keep a relative precision of about 1e-8.
    /// </summary>
    public static double Cdf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        var z = Math.Abs(x);
        double tail;
        if (z > 37)
        {
            tail = 0;
        }
        else
        {
            var exponential = Math.Exp(-0.5 * z * z);
            if (z < 7.07106781186547)
            {
                tail = exponential * Polynomial(HartNumerator, z) / Polynomial(HartDenominator, z);
            }
            else
            {
                // Continued fraction for the far tail.
                var fraction = z + 0.65;
                fraction = z + 4 / fraction;
                fraction = z + 3 / fraction;
                fraction = z + 2 / fraction;
                fraction = z + 1 / fraction;
                tail = exponential / fraction / 2.506628274631;
            }
        }
        return x > 0 ? 1 - tail : tail;
    }

    /// <summary>The polynomial with these coefficients (highest power first) at z, by Horner's rule.</summary>
    private static double Polynomial(ReadOnlySpan<double> coefficients, double z)
    {
        var value = coefficients[0];
        foreach (var coefficient in coefficients[1..]) value = value * z + coefficient;
        return value;
    }
}
