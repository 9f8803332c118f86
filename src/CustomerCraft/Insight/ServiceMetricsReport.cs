namespace CustomerCraft.Insight;

/// <summary>The service metrics of one group (everyone, an agent or a team) over one period (or all time).</summary>
public sealed class ServiceMetricsRow
{
    internal ServiceMetricsRow()
    {
    }

    /// <summary>
    /// The agent id or team id the row is about; <see langword="null"/> without grouping, and for the
    /// items that have no agent (a case without an owner) or no team.
    /// </summary>
    public string? Key { get; internal init; }

    /// <summary>The first instant of the period, at the time zone's offset then; <see langword="null"/> with <see cref="MetricsPeriod.All"/>.</summary>
    public DateTimeOffset? PeriodStart { get; internal init; }

    /// <summary>The first instant after the period (the next period's start); <see langword="null"/> with <see cref="MetricsPeriod.All"/>.</summary>
    public DateTimeOffset? PeriodEnd { get; internal init; }

    /// <summary>How many interactions fell in the row.</summary>
    public int Interactions { get; internal init; }

    /// <summary>How many cases fell in the row.</summary>
    public int Cases { get; internal init; }

    /// <summary>Customer satisfaction: the percentage of 4 and 5 ratings among valid 1 to 5 answers.</summary>
    public MetricValue Csat { get; internal init; } = MetricValue.Empty;

    /// <summary>Net promoter score: the percentage of 9 and 10 answers minus the percentage of 0 to 6 answers among valid 0 to 10 answers (-100 to 100).</summary>
    public MetricValue Nps { get; internal init; } = MetricValue.Empty;

    /// <summary>Customer effort score: the mean of valid 1 to 7 ease ratings (7 is easiest).</summary>
    public MetricValue Ces { get; internal init; } = MetricValue.Empty;

    /// <summary>First contact resolution: the percentage of interactions resolved at the first contact among those where it is known.</summary>
    public MetricValue FirstContactResolution { get; internal init; } = MetricValue.Empty;

    /// <summary>
    /// SLA compliance: the percentage of cases under an SLA (see <see cref="ServiceMetricsOptions.SlaApplies"/>)
    /// with no <see cref="Escalation.CaseEventKind.SlaBreach"/> on any clock.
    /// </summary>
    public MetricValue SlaCompliance { get; internal init; } = MetricValue.Empty;

    /// <summary>
    /// Escalation rate: the percentage of cases that left the front line's authority, by an
    /// <see cref="Escalation.CaseTrigger.Escalate"/> move or a <see cref="Escalation.CaseTrigger.RequestApproval"/>,
    /// at least once. <see cref="EscalatedCases"/> and <see cref="ApprovalRequestedCases"/> give the two kinds.
    /// </summary>
    public MetricValue EscalationRate { get; internal init; } = MetricValue.Empty;

    /// <summary>How many cases escalated up the ladder (at least one <see cref="Escalation.CaseTrigger.Escalate"/>, by a person or an SLA breach).</summary>
    public int EscalatedCases { get; internal init; }

    /// <summary>How many cases were sent for approval (at least one <see cref="Escalation.CaseTrigger.RequestApproval"/>).</summary>
    public int ApprovalRequestedCases { get; internal init; }

    /// <summary>The median and 90th percentile of approval turnaround.</summary>
    public TurnaroundMetric ApprovalTurnaround { get; internal init; } = TurnaroundMetric.Empty;
}

/// <summary>What <see cref="ServiceMetrics"/> computed: everyone over all time, and the rows asked for.</summary>
public sealed class ServiceMetricsReport
{
    internal ServiceMetricsReport()
    {
    }

    /// <summary>Who each row is about.</summary>
    public MetricsGrouping Grouping { get; internal init; }

    /// <summary>The periods rows are split into.</summary>
    public MetricsPeriod Period { get; internal init; }

    /// <summary>The time zone periods follow.</summary>
    public TimeZoneInfo TimeZone { get; internal init; } = TimeZoneInfo.Utc;

    /// <summary>Every interaction and case, without grouping or periods (undated ones included).</summary>
    public ServiceMetricsRow Overall { get; internal init; } = new();

    /// <summary>
    /// One row per group and period that has data, ordered by period, then by key (ordinal, the
    /// row without a key last). Without grouping and periods, the one row is <see cref="Overall"/>.
    /// </summary>
    public IReadOnlyList<ServiceMetricsRow> Rows { get; internal init; } = [];

    /// <summary>
    /// Interactions left out of <see cref="Rows"/> because their period is unknown (no turn with a
    /// timestamp); always 0 with <see cref="MetricsPeriod.All"/>. They still count in <see cref="Overall"/>.
    /// </summary>
    public int UndatedInteractions { get; internal init; }

    /// <summary>
    /// Cases left out of <see cref="Rows"/> because their period is unknown (no
    /// <see cref="Escalation.SupportCase.OpenedAt"/> and no timeline); always 0 with
    /// <see cref="MetricsPeriod.All"/>. They still count in <see cref="Overall"/>.
    /// </summary>
    public int UndatedCases { get; internal init; }
}
