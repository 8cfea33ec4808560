using SignalEngine.Evaluation;

namespace SignalEngine.Tests.Evaluation;

/// <summary>Bars per year read from the timestamps, for markets with sessions, weekends and none of them.</summary>
public sealed class BacktestAnnualisationTests
{
    private static readonly DateTimeOffset Monday = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static bool Weekday(DateTimeOffset t) => t.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    private static DateTimeOffset[] Every(TimeSpan step, TimeSpan span, Func<DateTimeOffset, bool> open) =>
        Enumerable.Range(0, (int)(span / step)).Select(i => Monday + step * i).Where(open).ToArray();

    /// <summary>FX hours: open from Sunday 22:00 to Friday 22:00 UTC.</summary>
    private static bool FxOpen(DateTimeOffset t) => t.DayOfWeek switch
    {
        DayOfWeek.Saturday => false,
        DayOfWeek.Sunday => t.Hour >= 22,
        DayOfWeek.Friday => t.Hour < 22,
        _ => true,
    };

    private static bool EquitySession(DateTimeOffset t) => Weekday(t) && t.TimeOfDay >= new TimeSpan(9, 30, 0) && t.TimeOfDay < new TimeSpan(16, 0, 0);

    [Fact]
    public void HalfHourlyFxTradesRoundTheClockFiveDaysAWeek()
    {
        var year = Every(TimeSpan.FromMinutes(30), TimeSpan.FromDays(365), FxOpen);
        var twoWeeks = Every(TimeSpan.FromMinutes(30), TimeSpan.FromDays(14), FxOpen);

        // 48 bars a day, 5 days a week: 48 * 5 * 365.25 / 7 = 12,522.9; the old 6.5-hour session gave 252 * 13 = 3,276.
        Backtest.PeriodsPerYear(year).Should().BeApproximately(12_523, 12_523 * 0.01);
        Backtest.PeriodsPerYear(twoWeeks).Should().BeApproximately(48 * 5 * 365.25 / 7, 1e-6);
    }

    [Fact]
    public void HourlyCryptoTradesEveryHourOfTheYear()
    {
        Backtest.PeriodsPerYear(Every(TimeSpan.FromHours(1), TimeSpan.FromDays(200), _ => true)).Should().BeApproximately(24 * 365.25, 1);
        Backtest.PeriodsPerYear(Every(TimeSpan.FromHours(1), TimeSpan.FromDays(10), _ => true)).Should().BeApproximately(24 * 365.25, 1e-6);
    }

    [Fact]
    public void DailyEquitiesStayNearTwoHundredFiftyTwo()
    {
        // Weekdays less nine holidays a year, over four years.
        var holidays = new HashSet<int> { 1, 15, 50, 89, 148, 185, 246, 332, 360 };
        var equities = Every(TimeSpan.FromDays(1), TimeSpan.FromDays(4 * 365), t => Weekday(t) && !holidays.Contains(t.DayOfYear));

        // About 261 weekdays a year less the holidays that fall on one of them.
        Backtest.PeriodsPerYear(equities).Should().BeInRange(250, 255);
        Backtest.PeriodsPerYear(Every(TimeSpan.FromDays(1), TimeSpan.FromDays(30), Weekday)).Should().Be(252, "a short sample falls back to the convention");
    }

    [Fact]
    public void IntradayEquitiesCountTheirSessionNotTheDay()
    {
        // 5-minute bars 9:30 to 16:00: 78 a session.
        Backtest.PeriodsPerYear(Every(TimeSpan.FromMinutes(5), TimeSpan.FromDays(14), EquitySession)).Should().BeApproximately(252 * 78, 1e-6);
        Backtest.PeriodsPerYear(Every(TimeSpan.FromMinutes(5), TimeSpan.FromDays(400), EquitySession)).Should().BeApproximately(78 * 5 * 365.25 / 7, 78 * 5 * 365.25 / 7 * 0.01);
    }

    [Fact]
    public void WeeklyBarsAreCalendarTimeAndRepeatedTimestampsCountOnce()
    {
        Backtest.PeriodsPerYear(Every(TimeSpan.FromDays(7), TimeSpan.FromDays(700), _ => true)).Should().BeApproximately(365.25 / 7, 1e-9);

        var daily = Every(TimeSpan.FromDays(1), TimeSpan.FromDays(30), Weekday);
        Backtest.PeriodsPerYear([.. daily, .. daily]).Should().Be(252, "two instruments in long format share one calendar");
    }
}
