namespace SignalEngine.Tuning;

/// <summary>
/// Tree-structured Parzen estimator (Bergstra et al. 2011), univariate: after <see cref="TpeOptions.StartupTrials"/>
/// random trials the completed trials are split at the gamma quantile of their scores into good and bad; per parameter
/// a Parzen density is fitted to each group (Gaussian kernels in the unit coordinate, truncated to [0, 1], plus a
/// uniform prior component, bandwidths from the gaps between neighbours as in Optuna; smoothed frequencies for a categorical), candidates are drawn from the good density l and
/// the one maximising l(x) / g(x) is taken. Pruned trials count as bad. Everything random comes from the caller's
/// Random, so the same history and seed give the same suggestion.
/// </summary>
public sealed class TpeSampler(TpeOptions options)
{
    public TpeOptions Options { get; } = options;

    public ParameterSet Suggest(SearchSpace space, IReadOnlyList<Trial> history, Random random)
    {
        var complete = history.Where(t => t.Completed).OrderBy(t => t.Score).ThenBy(t => t.Number).ToArray();
        var pruned = history.Where(t => t.State == TrialState.Pruned).ToArray();
        if (history.Count(t => t.State != TrialState.Failed) < Options.StartupTrials || complete.Length < 2) return space.Sample(random);

        var goodCount = Math.Clamp((int)Math.Ceiling(Options.Gamma * complete.Length), 1, complete.Length - 1);
        var good = complete.Take(goodCount).Select(t => t.Parameters).ToArray();
        var bad = complete.Skip(goodCount).Concat(pruned).Select(t => t.Parameters).ToArray();

        var values = new double[space.Parameters.Count];
        for (var j = 0; j < values.Length; j++)
        {
            var parameter = space.Parameters[j];
            values[j] = parameter.IsCategorical
                ? SuggestChoice(parameter.Choices.Count, good.Select(p => (int)p.Values[j]).ToArray(), bad.Select(p => (int)p.Values[j]).ToArray(), random)
                : parameter.FromUnit(SuggestUnit(good.Select(p => parameter.ToUnit(p.Values[j])).ToArray(), bad.Select(p => parameter.ToUnit(p.Values[j])).ToArray(), random));
        }
        return new ParameterSet(space, values);
    }

    private double SuggestUnit(double[] good, double[] bad, Random random)
    {
        var l = new ParzenDensity(good);
        var g = new ParzenDensity(bad);
        var best = 0.0;
        var bestRatio = double.NegativeInfinity;
        for (var c = 0; c < Options.Candidates; c++)
        {
            var x = l.Sample(random);
            var ratio = Math.Log(l.Density(x)) - Math.Log(g.Density(x));
            if (ratio > bestRatio)
            {
                bestRatio = ratio;
                best = x;
            }
        }
        return best;
    }

    private int SuggestChoice(int choices, int[] good, int[] bad, Random random)
    {
        // One pseudo-count per choice: the uniform prior that keeps every choice reachable.
        double[] Weights(int[] observed)
        {
            var w = Enumerable.Repeat(1.0, choices).ToArray();
            foreach (var o in observed) w[o]++;
            var total = w.Sum();
            return w.Select(x => x / total).ToArray();
        }
        var l = Weights(good);
        var g = Weights(bad);
        var best = 0;
        var bestRatio = double.NegativeInfinity;
        for (var c = 0; c < Options.Candidates; c++)
        {
            var u = random.NextDouble();
            var k = 0;
            while (k < choices - 1 && (u -= l[k]) > 0) k++;
            var ratio = Math.Log(l[k]) - Math.Log(g[k]);
            if (ratio > bestRatio)
            {
                bestRatio = ratio;
                best = k;
            }
        }
        return best;
    }

    /// <summary>
    /// Equal-weight Gaussian kernels on [0, 1] mixed with a uniform prior. Each kernel's bandwidth is the larger gap to
    /// its neighbours (the interval's ends for the outermost), at least 1 / (n + 1): so the density stays wide while
    /// observations are few and narrows only as they fill the space, which keeps a cluster of early good points from
    /// collapsing the search onto itself.
    /// </summary>
    private sealed class ParzenDensity
    {
        private readonly double[] _centres;
        private readonly double[] _bandwidth;
        private readonly double[] _mass;

        public ParzenDensity(double[] points)
        {
            _centres = points.Order().ToArray();
            var n = _centres.Length;
            var minimum = 1.0 / Math.Min(100, n + 1);
            _bandwidth = new double[n];
            for (var i = 0; i < n; i++)
            {
                var left = i > 0 ? _centres[i - 1] : 0;
                var right = i < n - 1 ? _centres[i + 1] : 1;
                _bandwidth[i] = Math.Clamp(Math.Max(_centres[i] - left, right - _centres[i]), minimum, 1);
            }
            _mass = _centres.Select((c, i) => NormalCdf((1 - c) / _bandwidth[i]) - NormalCdf(-c / _bandwidth[i])).ToArray();
        }

        public double Density(double x)
        {
            var sum = 1.0;
            for (var i = 0; i < _centres.Length; i++)
            {
                var z = (x - _centres[i]) / _bandwidth[i];
                sum += Math.Exp(-0.5 * z * z) / (_bandwidth[i] * Math.Sqrt(2 * Math.PI) * _mass[i]);
            }
            return sum / (_centres.Length + 1);
        }

        public double Sample(Random random)
        {
            var component = random.Next(_centres.Length + 1);
            if (component == _centres.Length) return random.NextDouble();
            for (var attempt = 0; attempt < 32; attempt++)
            {
                var x = _centres[component] + _bandwidth[component] * StandardNormal(random);
                if (x is >= 0 and <= 1) return x;
            }
            return _centres[component];
        }

        private static double StandardNormal(Random random) =>
            Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

        // Abramowitz and Stegun 7.1.26: absolute error under 1.5e-7, plenty for kernel mass.
        private static double NormalCdf(double z)
        {
            var x = Math.Abs(z) / Math.Sqrt(2);
            var t = 1 / (1 + 0.3275911 * x);
            var erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
            return 0.5 * (1 + Math.Sign(z) * erf);
        }
    }
}
