namespace CustomerCraft.Insight;

/// <summary>Who the rows of a <see cref="ServiceMetricsReport"/> are about.</summary>
public enum MetricsGrouping
{
    /// <summary>No grouping: one row per period (or one row in all) for everyone.</summary>
    None,

    /// <summary>One row per agent: <see cref="Coaching.Interaction.AgentId"/> for interactions, the case owner's <see cref="Escalation.CaseActor.Id"/> for cases.</summary>
    Agent,

    /// <summary>
    /// One row per team: <see cref="Coaching.Interaction.TeamId"/> for interactions (or the team of
    /// its agent when that is not set), the team of the case owner for cases (see
    /// <see cref="ServiceMetricsOptions.TeamOfAgent"/>).
    /// </summary>
    Team,
}

/// <summary>The calendar periods the rows of a <see cref="ServiceMetricsReport"/> are split into, in <see cref="ServiceMetricsOptions.TimeZone"/>.</summary>
public enum MetricsPeriod
{
    /// <summary>No split: every row covers all the data.</summary>
    All,

    /// <summary>One row per local calendar day (23 or 25 hours long on days when daylight saving time starts or ends).</summary>
    Day,

    /// <summary>One row per local calendar week, starting on <see cref="ServiceMetricsOptions.FirstDayOfWeek"/> (Monday by default, as in ISO 8601).</summary>
    Week,

    /// <summary>One row per local calendar month.</summary>
    Month,
}
