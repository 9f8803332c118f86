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
            return now - budget.Length;
        }

        TimeZoneInfo zone = snapshot.TimeZone;
        DateTime local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        DateTime start = budget.Window switch
        {
            BudgetWindow.Day => local.Date,
            BudgetWindow.Week => local.Date.AddDays(-(((int)local.DayOfWeek - (int)snapshot.FirstDayOfWeek + 7) % 7)),
            _ => new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified),
        };

        return new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Unspecified), zone.GetUtcOffset(start));
    }
}
