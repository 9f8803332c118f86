namespace CustomerCraft.Empowerment.Policy;

/// <summary>Computes where a budget's window starts.</summary>
internal static class BudgetWindows
{
    /// <summary>
    /// The start of the window containing <paramref name="now"/>: <c>now - Length</c> for rolling
    /// windows; midnight of the current day, week or month in the policy's time zone for calendar
    /// windows.
    /// </summary>
    public static DateTimeOffset Start(CompiledBudget budget, DateTimeOffset now, PolicySnapshot snapshot)
    {
        if (budget.Window == BudgetWindow.Rolling)
        {
            // A window longer than all of recorded time simply covers everything.
            return now.UtcTicks - DateTimeOffset.MinValue.UtcTicks <= budget.Length.Ticks ? DateTimeOffset.MinValue : now - budget.Length;
        }

        TimeZoneInfo zone = snapshot.TimeZone;
        DateTime local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        DateTime start = budget.Window switch
        {
            BudgetWindow.Day => local.Date,
            BudgetWindow.Week => local.Date.AddDays(-(((int)local.DayOfWeek - (int)snapshot.FirstDayOfWeek + 7) % 7)),
            _ => new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified),
        };

        // Where local midnight occurs twice (clocks go back at midnight), the window starts at the
        // first occurrence, the earlier instant (the larger offset): starting at the second would
        // leave the first hour's grants outside the budget. A midnight that does not exist
        // (clocks go forward) gets the standard offset, which is the instant the day begins.
        TimeSpan offset = zone.IsAmbiguousTime(start) ? zone.GetAmbiguousTimeOffsets(start).Max() : zone.GetUtcOffset(start);
        return new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Unspecified), offset);
    }
}
