using CustomerCraft.Empowerment;

namespace CustomerCraft.Escalation;

/// <summary>
/// The escalation and approval workflow over cases. Every method loads the case, checks the move
/// against the state machine (a move not allowed in the state throws
/// <see cref="CaseTransitionException"/> and changes nothing), applies it with its clocks and
/// timeline entry, and saves it against the version it read (a concurrent change throws
/// <see cref="CaseConcurrencyException"/>). Pass <c>expectedVersion</c> to act only on the version
/// a person saw. Thread-safe.
/// </summary>
public interface ICaseWorkflow
{
    /// <summary>Opens a case at the front line, assigned to <see cref="OpenCaseRequest.Owner"/> when given.</summary>
    ValueTask<SupportCase> OpenAsync(OpenCaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>The case, or <see langword="null"/>.</summary>
    ValueTask<SupportCase?> FindAsync(string caseId, CancellationToken cancellationToken = default);

    /// <summary>Cases matching the query, the soonest due first: an approver's queue is <c>new CaseQuery { State = CaseState.AwaitingApproval, Level = 1 }</c>.</summary>
    ValueTask<IReadOnlyList<SupportCase>> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// The moves the case's state machine allows <paramref name="supportCase"/> to make now, in its
    /// state at its level (an escalation only where a higher level exists), in the order of
    /// <see cref="CaseTrigger"/>. It is the same table every move is checked against, so a client
    /// can offer exactly these and never restate the workflow. Who may make a move (the four-eyes
    /// rule, an approver's rank) is checked when it is made. Pure: reads no store.
    /// </summary>
    /// <param name="supportCase">The case, as read from <see cref="FindAsync"/> or returned by a move.</param>
    IReadOnlyList<CaseTrigger> GetPermittedTriggers(SupportCase supportCase);

    /// <summary>
    /// <paramref name="assignee"/> takes the case. At the front line they become its owner; higher up
    /// they handle it for their level and must rank at least as high as the level's role.
    /// </summary>
    ValueTask<SupportCase> AssignAsync(string caseId, CaseActor assignee, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a resolution beyond the requester's authority for approval. The request is evaluated
    /// now; only a <see cref="DecisionOutcome.RequiresApproval"/> decision can be sent (otherwise
    /// <see cref="ApprovalRefusedException"/>), and it goes to the lowest ladder level whose role
    /// covers the decision's approver role.
    /// </summary>
    ValueTask<SupportCase> RequestApprovalAsync(string caseId, ResolutionRequest request, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Approves the pending request: the resolution is granted (budgets reserved) under the
    /// approver's authority and the case returns to its owner. The approver must not be the
    /// requester, must rank at least as high as the level's role, and their own authority must
    /// cover the request (otherwise <see cref="ApprovalRefusedException"/>). The grant and the case
    /// never disagree: if recording the approval fails, the grant is voided.
    /// </summary>
    ValueTask<ApprovalResult> ApproveAsync(string caseId, CaseActor approver, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Rejects the pending request with a reason; the case returns to its owner.</summary>
    ValueTask<SupportCase> RejectAsync(string caseId, CaseActor approver, string reason, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Sends the case one level up the ladder (withdrawing a pending approval).</summary>
    ValueTask<SupportCase> EscalateAsync(string caseId, CaseActor actor, EscalationReason reason, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Hands an escalated case back to the agent who owns the customer.</summary>
    ValueTask<SupportCase> ReturnToOwnerAsync(string caseId, CaseActor actor, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>The case waits for the customer; its clocks pause.</summary>
    ValueTask<SupportCase> AwaitCustomerAsync(string caseId, CaseActor actor, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>The customer answered; the clocks resume.</summary>
    ValueTask<SupportCase> CustomerRepliedAsync(string caseId, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>The case is settled.</summary>
    ValueTask<SupportCase> ResolveAsync(string caseId, CaseActor actor, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>The case is finished.</summary>
    ValueTask<SupportCase> CloseAsync(string caseId, CaseActor actor, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>A resolved case comes back to its owner's front line.</summary>
    ValueTask<SupportCase> ReopenAsync(string caseId, CaseActor actor, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Adds a note to the timeline without moving the case.</summary>
    ValueTask<SupportCase> AddNoteAsync(string caseId, CaseActor actor, string note, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Raises the warnings and applies the breaches that are due (see docs/escalation.md for what
    /// each breach does). Idempotent, and safe to call from several workers or instances at once:
    /// each due event is applied once. The escalation monitor hosted service calls it periodically.
    /// </summary>
    ValueTask<SlaProcessingResult> ProcessDueAsync(CancellationToken cancellationToken = default);
}

/// <summary>What is needed to open a case.</summary>
public sealed record OpenCaseRequest
{
    /// <summary>The host's case id; a new id is made when not given.</summary>
    public string? CaseId { get; init; }

    /// <summary>The customer. Required.</summary>
    public required string CustomerId { get; init; }

    /// <summary>A short description.</summary>
    public string? Subject { get; init; }

    /// <summary>The priority (default <see cref="CasePriority.Normal"/>).</summary>
    public CasePriority Priority { get; init; } = CasePriority.Normal;

    /// <summary>The agent who owns the customer, when known at opening.</summary>
    public CaseActor? Owner { get; init; }

    /// <summary>The first note: the customer's story, in their words.</summary>
    public string? Note { get; init; }
}

/// <summary>The outcome of an approval.</summary>
public sealed class ApprovalResult
{
    internal ApprovalResult(SupportCase @case, GrantRecord grant)
    {
        Case = @case;
        Grant = grant;
    }

    /// <summary>The case, back with its owner.</summary>
    public SupportCase Case { get; }

    /// <summary>The empowerment grant that reserved the budgets.</summary>
    public GrantRecord Grant { get; }
}

/// <summary>What one <see cref="ICaseWorkflow.ProcessDueAsync"/> call did.</summary>
/// <param name="Cases">Cases whose due events this call applied.</param>
/// <param name="Warnings">Warnings raised.</param>
/// <param name="Breaches">Breaches applied.</param>
/// <param name="Conflicts">Cases skipped because someone else changed them meanwhile (their due events are re-read next time).</param>
public readonly record struct SlaProcessingResult(int Cases, int Warnings, int Breaches, int Conflicts);
