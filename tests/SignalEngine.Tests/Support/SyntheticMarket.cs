using System.Globalization;
using System.Text;

namespace SignalEngine.Tests.Support;

/// <summary>
/// Seeded synthetic bar files with a known answer. A random walk (daily log returns N(0, 1%)), optionally with
/// planted events: at an event bar the "event" column is 1 and the next <c>drift</c> bars trend by <c>trendPerBar</c> (log) a bar, in
/// the direction of the "hint" column three bars before the event. The hint is a fair coin on every bar, so the
/// event's own row says that something will happen (stage 1) but only its history says which way (stage 2).
/// </summary>
public static class SyntheticMarket
{
    /// <summary>Standard deviation of every bar's log-return noise.</summary>
    public const double Noise = 0.01;

    /// <summary>The drift schedules the scripts write: <paramref name="size"/> a bar until <paramref name="turnAt"/> and minus
    /// it after, or alternating every <paramref name="flipEvery"/> bars; null (no drift) for neither.</summary>
    public static Func<int, double>? DriftSchedule(int? turnAt, int? flipEvery, double size) => (turnAt, flipEvery) switch
    {
        ({ } turn, _) => t => t < turn ? size : -size,
        (_, { } every) => t => t / every % 2 == 0 ? size : -size,
        _ => null,
    };

    /// <param name="driftAt">Log drift of bar t outside planted trends (0 when null): a schedule of base rates.</param>
    public static string Write(
        string name, int bars, int seed, bool plantEvents, double eventRate = 0.15, int drift = 6, double trendPerBar = 0.012,
        Func<int, double>? driftAt = null)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("Date,Close,Event,Hint\n");
        var close = 100.0;
        var hints = new int[bars];
        var trend = 0.0;
        var trendLeft = 0;
        var lastEvent = -1000;
        var start = new DateTimeOffset(2000, 1, 3, 0, 0, 0, TimeSpan.Zero);
        for (var t = 0; t < bars; t++)
        {
            hints[t] = random.Next(2) == 0 ? -1 : 1;
            var isEvent = plantEvents && t >= 60 && t - lastEvent > drift + 2 && random.NextDouble() < eventRate;
            if (isEvent)
            {
                lastEvent = t;
                trend = trendPerBar * hints[t - 3];
                trendLeft = drift;
            }
            else if (trendLeft > 0)
            {
                close *= Math.Exp(trend + Noise * Gaussian(random));
                trendLeft--;
                Append(csv, start.AddDays(t), close, 0, hints[t]);
                continue;
            }
            close *= Math.Exp((driftAt?.Invoke(t) ?? 0) + Noise * Gaussian(random));
            Append(csv, start.AddDays(t), close, isEvent ? 1 : 0, hints[t]);
        }
        var path = Path.Combine(Path.GetTempPath(), "signalengine-tests", $"{name}-{seed}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static void Append(StringBuilder csv, DateTimeOffset date, double close, int isEvent, int hint) =>
        csv.Append(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd},{close:0.######},{isEvent},{hint}\n");

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
