using SignalEngine.Labels;

namespace SignalEngine.Api.Learning;

/// <summary>
/// How the service's own signals have done, from the outcomes clients reported: a signal is a hit when its realised
/// label is its action. The reliability diagram bins signals by confidence (the probability of the action they took)
/// and sets each bin's hit rate beside its mean confidence: a calibrated model's points lie on the diagonal.
/// </summary>
/// <param name="Scored">Signals with an outcome among the most recent <see cref="Window"/> outcomes.</param>
/// <param name="Acted">Of those, the BUY and SELL signals.</param>
/// <param name="HitRate">Share of scored signals whose outcome was their action; null with none scored.</param>
/// <param name="ActedHitRate">The same among BUY and SELL signals only; null with none.</param>
/// <param name="Reliability">Ten confidence bins of width 0.1; a bin without signals has null mean and hit rate.</param>
/// <param name="ByDay">Hit rate per UTC day of the signals' bar timestamps, oldest first.</param>
public sealed record OutcomeSummary(
    string? ModelVersion,
    int Window,
    int Scored,
    int Acted,
    double? HitRate,
    double? ActedHitRate,
    IReadOnlyList<ReliabilityBin> Reliability,
    IReadOnlyList<DailyHitRate> ByDay);

/// <summary>Signals whose confidence lies in [Lower, Upper) (the last bin includes 1), their mean confidence and hit rate.</summary>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double? MeanConfidence, double? HitRate);

/// <summary>The scored signals of one day: how many, how many hits, and the share.</summary>
public sealed record DailyHitRate(DateOnly Day, int Scored, int Hits, double HitRate);

public static class OutcomeStatistics
{
    public const int Bins = 10;

    public static OutcomeSummary Summarise(IReadOnlyList<(SignalAction Label, string SignalJson)> scored, string? modelVersion, int window)
    {
        var rows = scored.Select(s =>
        {
            using var signal = JsonDocument.Parse(s.SignalJson);
            var root = signal.RootElement;
            var action = Enum.Parse<SignalAction>(root.GetProperty("action").GetString()!, ignoreCase: true);
            return (Action: action, Confidence: root.GetProperty("confidence").GetDouble(),
                Day: DateOnly.FromDateTime(root.GetProperty("timestamp").GetDateTimeOffset().UtcDateTime), Hit: action == s.Label);
        }).ToArray();
        var acted = rows.Where(r => r.Action != SignalAction.Hold).ToArray();

        var bins = Enumerable.Range(0, Bins).Select(b =>
        {
            var inBin = rows.Where(r => Math.Min(Bins - 1, (int)Math.Floor(r.Confidence * Bins)) == b).ToArray();
            return new ReliabilityBin(b / (double)Bins, (b + 1) / (double)Bins, inBin.Length,
                inBin.Length == 0 ? null : inBin.Average(r => r.Confidence), Share(inBin.Select(r => r.Hit)));
        }).ToArray();
        var days = rows.GroupBy(r => r.Day).OrderBy(g => g.Key)
            .Select(g => new DailyHitRate(g.Key, g.Count(), g.Count(r => r.Hit), g.Count(r => r.Hit) / (double)g.Count()))
            .ToArray();
        return new OutcomeSummary(modelVersion, window, rows.Length, acted.Length, Share(rows.Select(r => r.Hit)), Share(acted.Select(r => r.Hit)), bins, days);
    }

    private static double? Share(IEnumerable<bool> hits)
    {
        var all = hits.ToArray();
        return all.Length == 0 ? null : all.Count(h => h) / (double)all.Length;
    }
}
