namespace CustomerCraft.Insight;

/// <summary>Calendar periods in a time zone: which one an instant falls in, and where one starts.</summary>
internal static class LocalPeriods
{
    // Instants this close to the ends of the calendar cannot be placed in a week or month safely.
    private static readonly DateTimeOffset s_earliest = DateTimeOffset.MinValue.AddDays(8);
    private static readonly DateTimeOffset s_latest = DateTimeOffset.MaxValue.AddDays(-40);

    /// <summary>The local date the period holding <paramref name="instant"/> starts on, or <see langword="null"/> for an instant that cannot be placed.</summary>
    public static DateOnly? StartDate(DateTimeOffset instant, MetricsPeriod period, TimeZoneInfo zone, DayOfWeek firstDayOfWeek)
    {
        if (instant < s_earliest || instant > s_latest)
        {
            return null;
        }

        DateOnly date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
        return period switch
        {
            MetricsPeriod.Day => date,
            MetricsPeriod.Week => date.AddDays(-(((int)date.DayOfWeek - (int)firstDayOfWeek + 7) % 7)),
            MetricsPeriod.Month => new DateOnly(date.Year, date.Month, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, null),
        };
    }

    /// <summary>The local date the period after the one starting on <paramref name="start"/> starts on.</summary>
    public static DateOnly NextStart(DateOnly start, MetricsPeriod period) => period switch
    {
        MetricsPeriod.Day => start.AddDays(1),
        MetricsPeriod.Week => start.AddDays(7),
        MetricsPeriod.Month => start.AddMonths(1),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, null),
    };

    /// <summary>
    /// The first instant of local <paramref name="date"/> in <paramref name="zone"/>, at the zone's
    /// offset then: local midnight; its first occurrence when midnight repeats; and when midnight is
    /// skipped (daylight saving time starting at midnight), the instant the clocks jump.
    /// </summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone)
    {
        DateTime midnight = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(midnight))
        {
            return FirstInstantOf(date, midnight, zone);
        }

        if (zone.IsAmbiguousTime(midnight))
        {
            TimeSpan earliest = TimeSpan.MinValue;
            foreach (TimeSpan offset in zone.GetAmbiguousTimeOffsets(midnight))
            {
                if (offset > earliest)
                {
                    earliest = offset; // the larger offset is the earlier instant
                }
            }

            return new DateTimeOffset(midnight, earliest);
        }

        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    private static DateTimeOffset FirstInstantOf(DateOnly date, DateTime midnight, TimeZoneInfo zone)
    {
        // UTC offsets stay within +-14 hours: 15 hours either side brackets the day's start.
        long low = midnight.Ticks - TimeSpan.TicksPerHour * 15;  // still the day before
        long high = midnight.Ticks + TimeSpan.TicksPerHour * 15; // already the day
        while (high - low > 1)
        {
            long middle = low + ((high - low) / 2);
            if (LocalDate(middle, zone) >= date)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return TimeZoneInfo.ConvertTime(new DateTimeOffset(high, TimeSpan.Zero), zone);
    }

    private static DateOnly LocalDate(long utcTicks, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(new DateTimeOffset(utcTicks, TimeSpan.Zero), zone).DateTime);
}
