namespace CustomerCraft.Escalation;

/// <summary>Where a case is in its life.</summary>
public enum CaseState
{
    /// <summary>Opened, nobody has taken it yet.</summary>
    New,

    /// <summary>The owner (or the front line) is working it.</summary>
    InProgress,

    /// <summary>A resolution beyond the requester's authority waits for an approver at <see cref="SupportCase.Level"/>.</summary>
    AwaitingApproval,

    /// <summary>Handed up the ladder to <see cref="SupportCase.Level"/>.</summary>
    Escalated,

    /// <summary>Waiting for the customer; SLA clocks are paused.</summary>
    AwaitingCustomer,

    /// <summary>Settled; the customer has been told.</summary>
    Resolved,

    /// <summary>Finished for good.</summary>
    Closed,

    /// <summary>A resolved case the customer came back about.</summary>
    Reopened,
}

/// <summary>The moves a case can make. Which are allowed in which state is shown in docs/escalation.md.</summary>
public enum CaseTrigger
{
    /// <summary>Someone takes the case (at the front line this makes them its owner).</summary>
    Assign,

    /// <summary>A resolution beyond authority is sent for approval.</summary>
    RequestApproval,

    /// <summary>The approver grants the resolution.</summary>
    Approve,

    /// <summary>The approver turns the resolution down.</summary>
    Reject,

    /// <summary>A pending approval moves to the next level's approvers.</summary>
    RerouteApproval,

    /// <summary>The case goes up one level.</summary>
    Escalate,

    /// <summary>The case goes back to the agent who owns the customer.</summary>
    ReturnToOwner,

    /// <summary>The case waits for the customer.</summary>
    AwaitCustomer,

    /// <summary>The customer answered.</summary>
    CustomerReplied,

    /// <summary>The case is settled.</summary>
    Resolve,

    /// <summary>The case is finished.</summary>
    Close,

    /// <summary>A resolved case comes back.</summary>
    Reopen,
}

/// <summary>How urgent a case is; SLA targets are configured per priority.</summary>
public enum CasePriority
{
    /// <summary>Low priority.</summary>
    Low,

    /// <summary>Normal priority (the default).</summary>
    Normal,

    /// <summary>High priority.</summary>
    High,

    /// <summary>Urgent.</summary>
    Urgent,
}

/// <summary>Why a case went up the ladder.</summary>
public enum EscalationReason
{
    /// <summary>The resolution the customer needs is beyond the handler's authority.</summary>
    AuthorityExceeded,

    /// <summary>A service-level target was breached.</summary>
    SlaBreach,

    /// <summary>The customer asked for someone more senior.</summary>
    CustomerRequest,

    /// <summary>The customer's sentiment turned negative.</summary>
    NegativeSentiment,

    /// <summary>The problem needs more expertise.</summary>
    Complexity,

    /// <summary>The customer has contacted us about this before.</summary>
    RepeatContact,
}

/// <summary>Which clock an <see cref="SlaTimer"/> is.</summary>
public enum SlaTimerKind
{
    /// <summary>Until someone at the level acts on the case.</summary>
    Response,

    /// <summary>Until the case leaves the level resolved or returned.</summary>
    Resolution,

    /// <summary>Until the pending approval is decided.</summary>
    Approval,
}

/// <summary>What a <see cref="CaseEvent"/> records.</summary>
public enum CaseEventKind
{
    /// <summary>The case moved (see <see cref="CaseEvent.Trigger"/>).</summary>
    Transition,

    /// <summary>The case was opened.</summary>
    Opened,

    /// <summary>A note was added without moving the case.</summary>
    Note,

    /// <summary>A clock passed a warning fraction of its target.</summary>
    SlaWarning,

    /// <summary>A clock passed its target.</summary>
    SlaBreach,
}
