using CustomerCraft.Escalation;

namespace CustomerCraft.Insight;

/// <summary>How <see cref="ServiceMetrics.Compute(IEnumerable{Coaching.Interaction}, IEnumerable{SupportCase}, ServiceMetricsOptions)"/> groups and attributes the data.</summary>
public sealed class ServiceMetricsOptions
{
    /// <summary>Who each row is about: everyone (the default), each agent or each team.</summary>
    public MetricsGrouping Grouping { get; set; } = MetricsGrouping.None;

    /// <summary>The calendar periods rows are split into; <see cref="MetricsPeriod.All"/> (the default) does not split.</summary>
    public MetricsPeriod Period { get; set; } = MetricsPeriod.All;

    /// <summary>
    /// The time zone whose calendar days, weeks and months <see cref="Period"/> follows;
    /// <see langword="null"/> (the default) means UTC.
    /// </summary>
    public TimeZoneInfo? TimeZone { get; set; }

    /// <summary>The day weeks start on for <see cref="MetricsPeriod.Week"/>; Monday by default, as in ISO 8601.</summary>
    public DayOfWeek FirstDayOfWeek { get; set; } = DayOfWeek.Monday;

    /// <summary>
    /// The team of an agent id, or <see langword="null"/> when the agent has none. Cases carry no
    /// team, so with <see cref="MetricsGrouping.Team"/> a case goes to the team of its owner; an
    /// interaction goes to its <see cref="Coaching.Interaction.TeamId"/>, or to the team of its agent
    /// when that is not set. Without this function cases have no team.
    /// </summary>
    public Func<string, string?>? TeamOfAgent { get; set; }

    /// <summary>
    /// Whether a case is under a service-level agreement and so counts towards SLA compliance;
    /// <see langword="null"/> (the default) counts every case. Use it when some cases have no SLA
    /// targets (for example <c>c =&gt; c.Priority != CasePriority.Low</c>): a settled case's
    /// timeline does not say whether clocks ran for it, so the library cannot tell on its own.
    /// </summary>
    public Func<SupportCase, bool>? SlaApplies { get; set; }
}
