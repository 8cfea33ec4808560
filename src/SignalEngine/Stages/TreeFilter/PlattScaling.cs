namespace SignalEngine.Stages.TreeFilter;

/// <summary>
/// An affine map from an ensemble's raw score to calibrated log-odds. Being affine keeps TreeSHAP exact: the
/// calibrated contributions are the raw ones times <see cref="Slope"/>.
/// </summary>
internal sealed record PlattScaling(double Slope, double Intercept)
{
    public double LogOdds(double rawScore) => Slope * rawScore + Intercept;

    /// <summary>
    /// Platt's (1999) maximum-likelihood fit with his smoothed targets, (n+ + 1)/(n+ + 2) and 1/(n- + 2), so a
    /// training set the trees separate perfectly still gets a finite slope. Newton steps with backtracking.
    /// </summary>
    public static PlattScaling Fit(IReadOnlyList<double> rawScores, IReadOnlyList<bool> labels)
    {
        var positives = labels.Count(l => l);
        var negatives = labels.Count - positives;
        var high = (positives + 1.0) / (positives + 2.0);
        var low = 1.0 / (negatives + 2.0);
        var slope = 1.0;
        var intercept = Math.Log((positives + 1.0) / (negatives + 1.0));
        var loss = Loss(rawScores, labels, high, low, slope, intercept);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double gradSlope = 0, gradIntercept = 0, hSS = 1e-12, hSI = 0, hII = 1e-12;
            for (var i = 0; i < rawScores.Count; i++)
            {
                var s = rawScores[i];
                var p = Sigmoid(slope * s + intercept);
                var residual = p - (labels[i] ? high : low);
                var curvature = p * (1 - p);
                gradSlope += residual * s;
                gradIntercept += residual;
                hSS += curvature * s * s;
                hSI += curvature * s;
                hII += curvature;
            }
            var determinant = hSS * hII - hSI * hSI;
            if (determinant <= 0) break;
            var stepSlope = (hII * gradSlope - hSI * gradIntercept) / determinant;
            var stepIntercept = (hSS * gradIntercept - hSI * gradSlope) / determinant;
            var improved = false;
            for (var shrink = 1.0; shrink > 1e-10; shrink /= 2)
            {
                var candidateSlope = slope - shrink * stepSlope;
                var candidateIntercept = intercept - shrink * stepIntercept;
                var candidateLoss = Loss(rawScores, labels, high, low, candidateSlope, candidateIntercept);
                if (candidateLoss < loss)
                {
                    improved = loss - candidateLoss > 1e-12 * Math.Max(1, loss);
                    slope = candidateSlope;
                    intercept = candidateIntercept;
                    loss = candidateLoss;
                    break;
                }
            }
            if (!improved) break;
        }
        return new PlattScaling(slope, intercept);
    }

    public static double Sigmoid(double logOdds) => 1 / (1 + Math.Exp(-logOdds));

    private static double Loss(IReadOnlyList<double> rawScores, IReadOnlyList<bool> labels, double high, double low, double slope, double intercept)
    {
        var loss = 0.0;
        for (var i = 0; i < rawScores.Count; i++)
        {
            var z = slope * rawScores[i] + intercept;
            var target = labels[i] ? high : low;
            // -[t log sigmoid(z) + (1 - t) log(1 - sigmoid(z))], written to stay finite for large |z|.
            loss += Math.Max(z, 0) - z * target + Math.Log(1 + Math.Exp(-Math.Abs(z)));
        }
        return loss;
    }
}
