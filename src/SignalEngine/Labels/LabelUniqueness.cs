namespace SignalEngine.Labels;

/// <summary>
/// Average uniqueness of overlapping labels (López de Prado, Advances in Financial Machine Learning, 4.4): a label
/// that depends on the returns of bars t + 1 .. end shares each of those bars with every other label whose span covers
/// it; its uniqueness is the mean over its span of 1 / (the number of labels covering the bar). n labels of average
/// uniqueness u carry about as much information as n·u independent ones. Labels whose barriers are touched early
/// overlap less than the horizon suggests, so this lies between 1 / H (every span the full horizon) and 1.
/// </summary>
public static class LabelUniqueness
{
    /// <summary>The average uniqueness of labels given as (series, start bar, end bar) spans; NaN for no labels.</summary>
    /// <exception cref="ArgumentException">A span ends at or before its start.</exception>
    public static double Average(IEnumerable<(int Series, int Start, int End)> spans)
    {
        var total = 0.0;
        var count = 0;
        foreach (var series in spans.GroupBy(s => s.Series))
        {
            var labels = series.ToArray();
            foreach (var (_, start, end) in labels)
            {
                if (end <= start) throw new ArgumentException($"a label span must end after its start: {start}..{end}");
            }
            var first = labels.Min(l => l.Start);
            var concurrency = new int[labels.Max(l => l.End) - first + 2];
            // A difference array: +1 where a span's returns begin (start + 1), -1 after its end.
            foreach (var (_, start, end) in labels)
            {
                concurrency[start + 1 - first]++;
                concurrency[end + 1 - first]--;
            }
            for (var k = 1; k < concurrency.Length; k++) concurrency[k] += concurrency[k - 1];
            foreach (var (_, start, end) in labels)
            {
                var sum = 0.0;
                for (var bar = start + 1; bar <= end; bar++) sum += 1.0 / concurrency[bar - first];
                total += sum / (end - start);
                count++;
            }
        }
        return count == 0 ? double.NaN : total / count;
    }
}
