namespace SignalEngine.Stages.SequenceRefiner;

/// <summary>
/// Per-feature standardisation of T x F windows with the mean and standard deviation of the training windows'
/// rows, so the all-zero standardised window is the training-mean window (the attribution baseline).
/// </summary>
internal sealed class WindowScaler
{
    public WindowScaler(double[] mean, double[] scale)
    {
        Mean = mean;
        Scale = scale;
    }

    public double[] Mean { get; }
    public double[] Scale { get; }
    public int Features => Mean.Length;

    public static WindowScaler Fit(IReadOnlyList<double[][]> windows, int features)
    {
        var sum = new double[features];
        var sumSquares = new double[features];
        long rows = 0;
        foreach (var window in windows)
        {
            foreach (var row in window)
            {
                for (var f = 0; f < features; f++)
                {
                    sum[f] += row[f];
                    sumSquares[f] += row[f] * row[f];
                }
                rows++;
            }
        }
        var mean = new double[features];
        var scale = new double[features];
        for (var f = 0; f < features; f++)
        {
            mean[f] = sum[f] / rows;
            var variance = Math.Max(0, sumSquares[f] / rows - mean[f] * mean[f]);
            // A constant feature carries no information: leave it centred rather than divide by zero.
            scale[f] = variance > 1e-24 ? Math.Sqrt(variance) : 1.0;
        }
        return new WindowScaler(mean, scale);
    }

    /// <summary>Standardised windows packed row-major as [window, step, feature] for one tensor.</summary>
    public float[] Transform(IReadOnlyList<double[][]> windows, int length)
    {
        var features = Features;
        var packed = new float[windows.Count * length * features];
        var i = 0;
        foreach (var window in windows)
        {
            for (var t = 0; t < length; t++)
            {
                var row = window[t];
                for (var f = 0; f < features; f++) packed[i++] = (float)((row[f] - Mean[f]) / Scale[f]);
            }
        }
        return packed;
    }
}
