using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;

namespace CustomerCraft.Samples.SupportDesk.Endpoints;

// What the API answers: plain records shaped for the page, built from the library's types.

/// <summary>A decision as the agent console shows it.</summary>
public sealed record DecisionView(
    DecisionOutcome Outcome,
    string Action,
    decimal Amount,
    string Currency,
    string? RequiredApproverRole,
    IReadOnlyList<DecisionReason> Reasons,
    IReadOnlyList<ActionHeadroom> Headroom,
    long PolicyVersion)
{
    public static DecisionView From(AuthorityDecision decision) => new(
        decision.Outcome, decision.Action, decision.Amount, decision.Currency, decision.RequiredApproverRole,
        decision.Reasons, decision.Headroom, decision.PolicyVersion);
}

/// <summary>The answer to a grant: granted (or replayed), or the decision that stopped it.</summary>
public sealed record GrantView(bool Granted, bool Replay, GrantRecord? Grant, DecisionView? Decision);

/// <summary>An approval waiting on the case.</summary>
public sealed record PendingApprovalView(
    string ApprovalId, string Action, decimal Amount, string RequestedBy, DateTimeOffset RequestedAt,
    string RequiredApproverRole, string DecisionSummary, DateTimeOffset? DueAt);

/// <summary>The last approver's answer on the case, for the agent who asked.</summary>
public sealed record ApprovalOutcomeView(string Outcome, string By, DateTimeOffset At, string? GrantId, string? Note);

/// <summary>A case as the agent console shows it.</summary>
public sealed record CaseView(
    string Id,
    string CustomerId,
    string? Subject,
    CasePriority Priority,
    CaseState State,
    int Level,
    string LevelName,
    CaseActor? Owner,
    CaseActor? Handler,
    long Version,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? NextDueAt,
    PendingApprovalView? PendingApproval,
    ApprovalOutcomeView? LastApproval,
    CaseMovesView Moves)
{
    public static CaseView From(SupportCase c, Ladder ladder, CaseMovesView moves) => new(
        c.Id, c.CustomerId, c.Subject, c.Priority, c.State, c.Level, ladder.NameOf(c.Level), c.Owner, c.Handler, c.Version,
        c.OpenedAt, c.UpdatedAt, c.NextDueAt,
        c.PendingApproval is { } p
            ? new PendingApprovalView(p.ApprovalId, p.Request.Action, p.Request.Amount, p.RequestedBy.Id, p.RequestedAt, p.RequiredApproverRole, p.DecisionSummary, ApprovalDueAt(c))
            : null,
        LastApprovalOutcome(c),
        moves);

    /// <summary>When the approval at the case's current level times out.</summary>
    public static DateTimeOffset? ApprovalDueAt(SupportCase c) =>
        c.Timers.FirstOrDefault(t => t.Kind == SlaTimerKind.Approval && t.Level == c.Level && t.BreachedAt is null)?.DueAt;

    private static ApprovalOutcomeView? LastApprovalOutcome(SupportCase c)
    {
        for (int i = c.History.Count - 1; i >= 0; i--)
        {
            CaseEvent e = c.History[i];
            if (e.Kind == CaseEventKind.Transition && e.Trigger is CaseTrigger.Approve or CaseTrigger.Reject)
            {
                return new ApprovalOutcomeView(e.Trigger == CaseTrigger.Approve ? "Approved" : "Rejected", e.Actor?.Id ?? "sla", e.At, e.GrantId, e.Note ?? e.Detail);
            }

            if (e.Kind == CaseEventKind.Transition && e.Trigger == CaseTrigger.RequestApproval)
            {
                return null; // a newer request is waiting: older answers are history
            }
        }

        return null;
    }
}

/// <summary>
/// What the signed-in user can do with the case now: the moves the case's workflow permits
/// (<see cref="ICaseWorkflow.GetPermittedTriggers"/>), narrowed by who may work it. The page offers
/// exactly these, so it never restates the state machine; <see cref="Blocked"/> says in a sentence
/// why nothing is offered.
/// </summary>
/// <param name="Check">A resolution can be checked and granted (the case can still be resolved).</param>
/// <param name="RequestApproval">What is over authority can be sent for approval.</param>
/// <param name="Resolve">The case can be resolved.</param>
/// <param name="Approve">This user can approve or reject the pending request.</param>
/// <param name="Permitted">Every move the workflow permits in the case's state, whoever makes it.</param>
/// <param name="Blocked">Why the resolution controls are off, in plain words; null when they are on.</param>
public sealed record CaseMovesView(bool Check, bool RequestApproval, bool Resolve, bool Approve, IReadOnlyList<CaseTrigger> Permitted, string? Blocked);

/// <summary>One entry of a case's timeline.</summary>
public sealed record TimelineEntryView(
    int Sequence, DateTimeOffset At, CaseEventKind Kind, CaseTrigger? Trigger, CaseState FromState, CaseState ToState, int Level,
    CaseActor? Actor, CaseActor? Handler, EscalationReason? Reason, string? Note, string? Detail, string? ApprovalId, string? GrantId, SlaTimerKind? Timer)
{
    public static TimelineEntryView From(CaseEvent e) => new(
        e.Sequence, e.At, e.Kind, e.Trigger, e.From, e.To, e.Level, e.Actor, e.Handler, e.Reason, e.Note, e.Detail, e.ApprovalId, e.GrantId, e.Timer);
}

/// <summary>One approval waiting in an approver's queue.</summary>
public sealed record QueueItemView(
    string CaseId, string CustomerId, string? Subject, CasePriority Priority, int Level, string LevelName,
    string Action, decimal Amount, string RequestedBy, DateTimeOffset RequestedAt, string RequiredApproverRole,
    string DecisionSummary, DateTimeOffset? DueAt, long Version, bool IsOwnRequest);

/// <summary>An approver's queue, with the server's clock so the page can count down without drift.</summary>
public sealed record QueueView(DateTimeOffset Now, string Role, IReadOnlyList<QueueItemView> Items);
