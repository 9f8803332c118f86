using System.Diagnostics.CodeAnalysis;
using CustomerCraft.Empowerment;

namespace CustomerCraft.Escalation;

/// <summary>
/// A support case as the escalation workflow sees it: who owns the customer, who holds the case
/// now, where it is on the ladder, its clocks and its whole timeline. Instances are immutable; each
/// move produces a new one with <see cref="Version"/> one higher, which the store checks on save.
/// </summary>
/// <remarks>
/// Only the workflow makes cases (<see cref="ICaseWorkflow.OpenAsync"/> and the moves after it), so
/// a case's state, level, clocks and timeline always agree: nothing outside the library can
/// construct one or change a property. A store that keeps cases outside
/// memory reads them back through <see cref="Storage.CaseRehydration.Restore"/>, which checks that
/// agreement.
/// </remarks>
public sealed class SupportCase
{
    // Internal so that a case in an arbitrary state cannot be fabricated; see the remarks.
    internal SupportCase()
    {
    }

    // The library's (and its tests') equivalent of a record's "with": copy, then set what changes.
    internal SupportCase(SupportCase original)
    {
        Id = original.Id;
        CustomerId = original.CustomerId;
        Subject = original.Subject;
        Priority = original.Priority;
        State = original.State;
        Level = original.Level;
        Owner = original.Owner;
        Handler = original.Handler;
        Version = original.Version;
        OpenedAt = original.OpenedAt;
        UpdatedAt = original.UpdatedAt;
        PendingApproval = original.PendingApproval;
        Timers = original.Timers;
        History = original.History;
    }

    /// <summary>The host's case id.</summary>
    public string Id { get; internal init; } = string.Empty;

    /// <summary>The customer the case is about.</summary>
    public string CustomerId { get; internal init; } = string.Empty;

    /// <summary>A short description for people.</summary>
    public string? Subject { get; internal init; }

    /// <summary>The priority SLA targets are chosen by.</summary>
    public CasePriority Priority { get; internal init; } = CasePriority.Normal;

    /// <summary>Where the case is in its life.</summary>
    public CaseState State { get; internal init; }

    /// <summary>The ladder level holding the case: 0 is the front line.</summary>
    public int Level { get; internal init; }

    /// <summary>The agent who owns the customer; settled cases come back to them.</summary>
    public CaseActor? Owner { get; internal init; }

    /// <summary>Who holds the case now; <see langword="null"/> while it waits in a level's queue.</summary>
    public CaseActor? Handler { get; internal init; }

    /// <summary>Incremented on every save; the store rejects a save based on an older version.</summary>
    public long Version { get; internal init; }

    /// <summary>When the case was opened.</summary>
    public DateTimeOffset OpenedAt { get; internal init; }

    /// <summary>When the case last changed.</summary>
    public DateTimeOffset UpdatedAt { get; internal init; }

    /// <summary>The approval the case is waiting for, while <see cref="State"/> is <see cref="CaseState.AwaitingApproval"/>.</summary>
    public PendingApproval? PendingApproval { get; internal init; }

    /// <summary>The SLA clocks that are running, paused or breached at the current level.</summary>
    public IReadOnlyList<SlaTimer> Timers { get; internal init; } = [];

    /// <summary>Everything that happened to the case, oldest first: the context every handoff carries.</summary>
    public IReadOnlyList<CaseEvent> History { get; internal init; } = [];

    /// <summary>The earliest pending warning or breach over <see cref="Timers"/>; stores index cases by it.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            DateTimeOffset? next = null;
            IReadOnlyList<SlaTimer> timers = Timers;
            for (int i = 0; i < timers.Count; i++)
            {
                if (timers[i].NextEventAt is { } at && (next is null || at < next))
                {
                    next = at;
                }
            }

            return next;
        }
    }
}

/// <summary>An approval a case waits for.</summary>
public sealed class PendingApproval
{
    /// <summary>Identifies this approval request; the grant made on approval is keyed by it.</summary>
    public required string ApprovalId { get; init; }

    /// <summary>The resolution asked for, as the requester would have granted it.</summary>
    public required ResolutionRequest Request { get; init; }

    /// <summary>Who asked.</summary>
    public required CaseActor RequestedBy { get; init; }

    /// <summary>When they asked.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>The lowest role the empowerment decision said can approve.</summary>
    public required string RequiredApproverRole { get; init; }

    /// <summary>The empowerment decision at the time of asking, for the approver to read.</summary>
    public required string DecisionSummary { get; init; }
}

/// <summary>
/// One SLA clock. Time is counted in <see cref="Clock"/> time: the clock consumes its target while
/// running and stops consuming while paused (when the case waits for the customer).
/// </summary>
public sealed class SlaTimer
{
    /// <summary>Creates an empty instance for the required properties to be set on (stores deserialise it this way).</summary>
    public SlaTimer()
    {
    }

    // The library's (and its tests') equivalent of a record's "with": copy, then set what changes.
    [SetsRequiredMembers]
    internal SlaTimer(SlaTimer other)
    {
        Kind = other.Kind;
        Level = other.Level;
        Target = other.Target;
        Clock = other.Clock;
        Consumed = other.Consumed;
        RunningSince = other.RunningSince;
        DueAt = other.DueAt;
        NextWarningAt = other.NextWarningAt;
        WarningsRaised = other.WarningsRaised;
        BreachedAt = other.BreachedAt;
    }

    /// <summary>Which clock this is.</summary>
    public required SlaTimerKind Kind { get; init; }

    /// <summary>The ladder level the target belongs to.</summary>
    public required int Level { get; init; }

    /// <summary>The target.</summary>
    public required TimeSpan Target { get; init; }

    /// <summary>Calendar time or business hours.</summary>
    public required SlaClock Clock { get; init; }

    /// <summary>Target time used up before <see cref="RunningSince"/>.</summary>
    public TimeSpan Consumed { get; init; }

    /// <summary>When the clock last started running; <see langword="null"/> while paused or stopped.</summary>
    public DateTimeOffset? RunningSince { get; init; }

    /// <summary>When the target will be breached if the clock keeps running.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>When the next warning is due, if one is left.</summary>
    public DateTimeOffset? NextWarningAt { get; init; }

    /// <summary>How many warning fractions have been raised.</summary>
    public int WarningsRaised { get; init; }

    /// <summary>When the breach was processed, if it was.</summary>
    public DateTimeOffset? BreachedAt { get; init; }

    /// <summary>The next instant something is due on this clock, or <see langword="null"/> when paused or done.</summary>
    public DateTimeOffset? NextEventAt => BreachedAt is not null || RunningSince is null ? null : NextWarningAt ?? DueAt;
}

/// <summary>One entry in a case's timeline.</summary>
public sealed class CaseEvent
{
    /// <summary>Creates an empty instance for the required properties to be set on (stores deserialise it this way).</summary>
    public CaseEvent()
    {
    }

    // The library's (and its tests') equivalent of a record's "with": copy, then set what changes.
    [SetsRequiredMembers]
    internal CaseEvent(CaseEvent other)
    {
        Sequence = other.Sequence;
        At = other.At;
        Kind = other.Kind;
        Trigger = other.Trigger;
        From = other.From;
        To = other.To;
        Level = other.Level;
        Actor = other.Actor;
        Handler = other.Handler;
        Reason = other.Reason;
        Note = other.Note;
        ApprovalId = other.ApprovalId;
        GrantId = other.GrantId;
        Timer = other.Timer;
        Detail = other.Detail;
    }

    /// <summary>Position in the timeline, from 1.</summary>
    public required int Sequence { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>What kind of entry this is.</summary>
    public required CaseEventKind Kind { get; init; }

    /// <summary>The move, for <see cref="CaseEventKind.Transition"/> entries.</summary>
    public CaseTrigger? Trigger { get; init; }

    /// <summary>The state before.</summary>
    public required CaseState From { get; init; }

    /// <summary>The state after.</summary>
    public required CaseState To { get; init; }

    /// <summary>The ladder level after.</summary>
    public required int Level { get; init; }

    /// <summary>Who acted; <see langword="null"/> when the SLA monitor did.</summary>
    public CaseActor? Actor { get; init; }

    /// <summary>Who held the case after.</summary>
    public CaseActor? Handler { get; init; }

    /// <summary>Why the case went up, for escalations.</summary>
    public EscalationReason? Reason { get; init; }

    /// <summary>What the actor wrote.</summary>
    public string? Note { get; init; }

    /// <summary>The approval this entry is about.</summary>
    public string? ApprovalId { get; init; }

    /// <summary>The empowerment grant made, for approvals.</summary>
    public string? GrantId { get; init; }

    /// <summary>The clock, for SLA entries.</summary>
    public SlaTimerKind? Timer { get; init; }

    /// <summary>Facts for the next reader: the decision asked about, the clock and target, the rejection reason.</summary>
    public string? Detail { get; init; }
}
