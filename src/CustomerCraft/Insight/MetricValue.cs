namespace CustomerCraft.Insight;

/// <summary>
/// One metric over a set: its value, how many answers or items it is based on, and how many
/// answers were left out because they were out of range.
/// </summary>
/// <param name="Value">
/// The value (a percentage from 0 to 100 for shares, -100 to 100 for NPS, the mean rating for
/// CES); <see langword="null"/> when <paramref name="Count"/> is 0. Never NaN.
/// </param>
/// <param name="Count">How many valid answers (or items) the value is based on.</param>
/// <param name="Excluded">
/// How many answers were given but left out as invalid (for example a satisfaction of 0 or 6):
/// bad data the host should look at, not part of <paramref name="Count"/>.
/// </param>
public sealed record MetricValue(double? Value, int Count, int Excluded)
{
    /// <summary>A metric over an empty set: no value, nothing counted, nothing excluded.</summary>
    public static MetricValue Empty { get; } = new(null, 0, 0);
}

/// <summary>
/// How long approvals took, from <see cref="Escalation.CaseTrigger.RequestApproval"/> to the
/// <see cref="Escalation.CaseTrigger.Approve"/> or <see cref="Escalation.CaseTrigger.Reject"/>
/// that decided them (a person's decision or a timeout's), in calendar time. Percentiles use
/// linear interpolation between closest ranks (docs/metrics.md).
/// </summary>
/// <param name="Median">The median (50th percentile); <see langword="null"/> when <paramref name="Count"/> is 0.</param>
/// <param name="Percentile90">The 90th percentile; <see langword="null"/> when <paramref name="Count"/> is 0.</param>
/// <param name="Count">How many decided approvals were measured.</param>
/// <param name="Excluded">
/// How many approval entries were left out as inconsistent: a decision without a matching request,
/// a second decision or request for the same approval id, a request without an id, or a decision
/// recorded before its request.
/// </param>
/// <param name="TimedOut">How many of the <paramref name="Count"/> approvals were rejected by a timeout (no actor) rather than by a person.</param>
/// <param name="Undecided">How many requested approvals have no decision: still pending, or withdrawn when the case escalated.</param>
public sealed record TurnaroundMetric(TimeSpan? Median, TimeSpan? Percentile90, int Count, int Excluded, int TimedOut, int Undecided)
{
    /// <summary>No approvals at all.</summary>
    public static TurnaroundMetric Empty { get; } = new(null, null, 0, 0, 0, 0);
}
