namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// Computes where a budget's window starts. Calendar windows are computed in the policy's time
/// zone once per period and cached: converting to local time costs far more than the rest of an
/// evaluation, and the start of today only changes at midnight.
/// </summary>
internal sealed class BudgetWindows(TimeZoneInfo zone, DayOfWeek firstDayOfWeek)
{
    // One immutable entry per calendar window kind (Day, Week, Month), swapped atomically.
    private readonly CalendarPeriod?[] _cache = new CalendarPeriod?[4];

    /// <summary>
    /// The start of the window containing <paramref name="now"/>: <c>now - Length</c> for rolling
    /// windows; midnight of the current day, week or month in the policy's time zone for calendar
    /// windows.
    /// </summary>
    public DateTimeOffset Start(CompiledBudget budget, DateTimeOffset now)
    {
        if (budget.Window == BudgetWindow.Rolling)
        {
            // A window longer than all of recorded time simply covers everything.
            return now.UtcTicks - DateTimeOffset.MinValue.UtcTicks <= budget.Length.Ticks ? DateTimeOffset.MinValue : now - budget.Length;
        }

        int kind = (int)budget.Window;
        CalendarPeriod? period = Volatile.Read(ref _cache[kind]);
        if (period is null || now < period.Start || now >= period.End)
        {
            period = Compute(budget.Window, now);
            Volatile.Write(ref _cache[kind], period);
        }

        return period.Start;
    }

    private CalendarPeriod Compute(BudgetWindow window, DateTimeOffset now)
    {
        DateTime local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        DateTime start = window switch
        {
            BudgetWindow.Day => local.Date,
            BudgetWindow.Week => local.Date.AddDays(-(((int)local.DayOfWeek - (int)firstDayOfWeek + 7) % 7)),
            _ => new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified),
        };
        DateTime end = window switch
        {
            BudgetWindow.Day => start.AddDays(1),
            BudgetWindow.Week => start.AddDays(7),
            _ => start.AddMonths(1),
        };

        return new CalendarPeriod(AtLocal(start), AtLocal(end));
    }

    /// <summary>
    /// Where local midnight occurs twice (clocks go back at midnight), the period starts at the
    /// first occurrence, the earlier instant (the larger offset): starting at the second would
    /// leave the first hour's grants outside the budget. A midnight that does not exist (clocks
    /// go forward) gets the standard offset, which is the instant the day begins.
    /// </summary>
    private DateTimeOffset AtLocal(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        TimeSpan offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    private sealed record CalendarPeriod(DateTimeOffset Start, DateTimeOffset End);
}
