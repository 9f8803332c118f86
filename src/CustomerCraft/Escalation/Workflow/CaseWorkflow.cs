using System.Diagnostics;
using System.Globalization;
using CustomerCraft.Diagnostics;
using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Escalation.Sla;
using CustomerCraft.Identifiers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using CustomerCraft.Policy;
using CustomerCraft.Storage;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Escalation.Workflow;

/// <summary>The <see cref="ICaseWorkflow"/> over an <see cref="ICaseStore"/> and the empowerment engine.</summary>
internal sealed class CaseWorkflow : ICaseWorkflow
{
    /// <summary>Cases claimed per store round trip while processing deadlines.</summary>
    internal const int DueBatchSize = 100;

    /// <summary>How long a claim on a due case lasts; a worker that dies holds it no longer than this.</summary>
    internal static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(5);

    /// <summary>Bounds the retries of an approval after unrelated concurrent changes (a note added meanwhile).</summary>
    private const int MaxApprovalRounds = 8;

    /// <summary>Bounds the grant attempts (keys) one approval can use up; each failed save voids one.</summary>
    private const int MaxGrantAttempts = 1_000;

    /// <summary>How old an unrecorded approval grant must be before it is taken to be abandoned and voided.</summary>
    internal static readonly TimeSpan AbandonedGrantAge = TimeSpan.FromMinutes(5);

    private static readonly string[] s_triggers = Enum.GetNames<CaseTrigger>();
    private static readonly CaseTrigger[] s_allTriggers = Enum.GetValues<CaseTrigger>();
    private static readonly string[] s_states = Enum.GetNames<CaseState>();
    private static readonly string[] s_timers = Enum.GetNames<SlaTimerKind>();

    private readonly ICaseStore _store;
    private readonly IResolutionAuthority _authority;
    private readonly IBudgetLedger _ledger;
    private readonly PolicyProvider _policy;
    private readonly TimeProvider _time;
    private readonly CustomerCraftTelemetry _telemetry;
    private readonly ICaseObserver[] _observers;
    private readonly ILogger _logger;
    private readonly IdRules _ids;
    private readonly int _maxNoteLength;

    public CaseWorkflow(
        ICaseStore store,
        IResolutionAuthority authority,
        IBudgetLedger ledger,
        PolicyProvider policy,
        TimeProvider time,
        CustomerCraftTelemetry telemetry,
        IEnumerable<ICaseObserver> observers,
        ILogger<CaseWorkflow>? logger = null,
        IdRules? ids = null,
        IOptions<CustomerCraftOptions>? options = null)
    {
        _ids = ids ?? IdRules.Default;
        _maxNoteLength = options?.Value.Escalation.MaxNoteLength ?? EscalationOptions.DefaultMaxNoteLength;
        _store = store;
        _authority = authority;
        _ledger = ledger;
        _policy = policy;
        _time = time;
        _telemetry = telemetry;
        _observers = [.. observers];
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    private EscalationPolicy Ladder => _policy.Current.Escalation;

    public async ValueTask<SupportCase> OpenAsync(OpenCaseRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireId(request.CustomerId, "request.CustomerId");
        if (request.CaseId is not null)
        {
            RequireId(request.CaseId, "request.CaseId");
        }

        CheckNote(request.Note, "request.Note");
        CheckNote(request.Subject, "request.Subject");

        if (!Enum.IsDefined(request.Priority))
        {
            throw new ArgumentOutOfRangeException("request.Priority", request.Priority, "Not a case priority.");
        }

        if (request.Owner is { } owner)
        {
            RankOf(owner, "request.Owner");
        }

        DateTimeOffset now = _time.GetUtcNow();
        var blank = new SupportCase
        {
            Id = request.CaseId ?? GrantIds.Next(now),
            CustomerId = request.CustomerId,
            Subject = request.Subject,
            Priority = request.Priority,
            State = CaseState.New,
        };
        var edit = new CaseEdit(blank, Ladder);
        edit.Open(now, request.Owner, request.Note);
        if (request.Owner is { } assignee)
        {
            edit.Fire(CaseTrigger.Assign, assignee, now, default);
        }

        SupportCase created = edit.BuildNew(now);
        await _store.CreateAsync(created, cancellationToken).ConfigureAwait(false);
        await AfterSaveAsync(null, created, edit, cancellationToken).ConfigureAwait(false);
        return created;
    }

    public ValueTask<SupportCase?> FindAsync(string caseId, CancellationToken cancellationToken = default)
    {
        RequireId(caseId, nameof(caseId));
        return _store.FindAsync(caseId, cancellationToken);
    }

    public ValueTask<IReadOnlyList<SupportCase>> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default) =>
        _store.QueryAsync(query, cancellationToken);

    public IReadOnlyList<CaseTrigger> GetPermittedTriggers(SupportCase supportCase)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        int topLevel = Ladder.TopLevel;
        var permitted = new List<CaseTrigger>(capacity: 4);
        foreach (CaseTrigger trigger in s_allTriggers)
        {
            if (CaseStateMachine.TryFire(supportCase.State, supportCase.Level, topLevel, trigger, out _))
            {
                permitted.Add(trigger);
            }
        }

        return permitted;
    }

    public async ValueTask<SupportCase> AssignAsync(string caseId, CaseActor assignee, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        int rank = RankOf(assignee, nameof(assignee));
        CheckNote(note, nameof(note));
        SupportCase current = await LoadAsync(caseId, expectedVersion, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        CaseEdit edit = Begin(current, now);
        if (edit.Level > 0 && Ladder.Level(edit.Level) is { } level && rank < level.Rank)
        {
            throw new ArgumentException($"'{assignee.Id}' ({assignee.Role}) ranks below the role of level {level.DisplayName} ({level.Role}) that case '{caseId}' is at.", "assignee.Role");
        }

        edit.Fire(CaseTrigger.Assign, assignee, now, new MoveArgs(Note: note));
        return await CommitAsync(current, edit, now, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SupportCase> RequestApprovalAsync(string caseId, ResolutionRequest request, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Approver is not null)
        {
            throw new ArgumentException("Leave the approver empty when requesting approval; the workflow routes the request and the approver acts through ApproveAsync.", "request.Approver");
        }

        CheckNote(note, nameof(note));

        SupportCase current = await LoadAsync(caseId, expectedVersion, cancellationToken).ConfigureAwait(false);
        if (!_ids.AreSame(request.CustomerId, current.CustomerId))
        {
            throw new ArgumentException($"The request is for customer '{request.CustomerId}' but case '{caseId}' is about customer '{current.CustomerId}'.", "request.CustomerId");
        }

        EscalationPolicy ladder = Ladder;
        DateTimeOffset now = _time.GetUtcNow();
        CaseEdit edit = Begin(current, now);
        if (!CaseStateMachine.TryFire(edit.State, edit.Level, ladder.TopLevel, CaseTrigger.RequestApproval, out _))
        {
            throw new CaseTransitionException(caseId, edit.State, CaseTrigger.RequestApproval);
        }

        ResolutionRequest asked = request.IdempotencyKey is null ? request : request with { IdempotencyKey = null };
        AuthorityDecision decision = await _authority.EvaluateAsync(asked, cancellationToken).ConfigureAwait(false);
        if (decision.Outcome == DecisionOutcome.Allowed)
        {
            throw new ApprovalRefusedException(caseId, ApprovalRefusal.NotRequired, $"No approval needed: {Summarize(decision)}. '{request.AgentId}' can grant it directly.");
        }

        if (decision.Outcome == DecisionOutcome.Denied || decision.RequiredApproverRole is not { } approverRole)
        {
            throw new ApprovalRefusedException(caseId, ApprovalRefusal.Denied, $"The request cannot be approved by anyone: {Summarize(decision)}.");
        }

        PolicySnapshot snapshot = _policy.Current;
        int level = snapshot.RoleIndex.TryGetValue(approverRole, out int roleIndex) ? ladder.ApprovalLevelFor(snapshot.Roles[roleIndex].Rank) : -1;
        if (level < 0)
        {
            throw new ApprovalRefusedException(caseId, ApprovalRefusal.NoApprovalLevel, $"No level of the escalation ladder has a role ranking at least '{approverRole}', which this request needs ({Summarize(decision)}); add one under CustomerCraft:Escalation:Levels.");
        }

        var approval = new PendingApproval
        {
            ApprovalId = GrantIds.Next(now),
            Request = asked,
            RequestedBy = new CaseActor(request.AgentId, request.Role),
            RequestedAt = now,
            RequiredApproverRole = approverRole,
            DecisionSummary = Summarize(decision),
        };
        edit.Fire(CaseTrigger.RequestApproval, approval.RequestedBy, now, new MoveArgs(Note: note, Reason: EscalationReason.AuthorityExceeded, Approval: approval, Level: level));
        return await CommitAsync(current, edit, now, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<ApprovalResult> ApproveAsync(string caseId, CaseActor approver, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        int rank = RankOf(approver, nameof(approver));
        CheckNote(note, nameof(note));
        string? approvalId = null;
        GrantRecord? reserved = null;
        bool keepGrant = false;
        try
        {
            for (int round = 0; ; round++)
            {
                SupportCase current = await LoadAsync(caseId, round == 0 ? expectedVersion : null, cancellationToken).ConfigureAwait(false);
                // Deadlines that fell due first are applied first: an approval that timed out and moved
                // up is approved (or not) where it is now, whether or not the monitor has run.
                DateTimeOffset now = _time.GetUtcNow();
                CaseEdit edit = Begin(current, now);
                if (edit.State != CaseState.AwaitingApproval || edit.Approval is not { } pending)
                {
                    throw new CaseTransitionException(caseId, edit.State, CaseTrigger.Approve);
                }

                if (approvalId is not null && !string.Equals(approvalId, pending.ApprovalId, StringComparison.Ordinal))
                {
                    throw new CaseConcurrencyException(caseId, current.Version - 1, current.Version, "the approval request was replaced meanwhile");
                }

                approvalId = pending.ApprovalId;
                if (_ids.AreSame(approver.Id, pending.RequestedBy.Id) || _ids.AreSame(approver.Id, pending.Request.AgentId))
                {
                    throw new ApprovalRefusedException(caseId, ApprovalRefusal.OwnRequest, $"'{approver.Id}' asked for this approval and cannot approve it (four-eyes rule).");
                }

                if (Ladder.Level(edit.Level) is { } level && rank < level.Rank)
                {
                    throw new ApprovalRefusedException(caseId, ApprovalRefusal.InsufficientAuthority, $"'{approver.Id}' ({approver.Role}) ranks below the role of level {level.DisplayName} ({level.Role}) the approval waits at.");
                }

                // The grant is this call's own (never one another call made), so voiding it below can
                // never take the budget from under someone else's approval.
                reserved ??= await ReserveAsync(current, pending, approver, now, cancellationToken).ConfigureAwait(false);
                GrantRecord grant = reserved;
                edit.Fire(CaseTrigger.Approve, approver, now, new MoveArgs(
                    Note: note,
                    GrantId: grant.GrantId,
                    Detail: $"granted {grant.Action} {grant.Amount.ToString(CultureInfo.InvariantCulture)} {grant.Currency} under {approver.Role} authority (grant {grant.GrantId})"));
                SupportCase next = edit.Build(now);
                try
                {
                    await _store.SaveAsync(next, current.Version, cancellationToken).ConfigureAwait(false);
                }
                catch (CaseConcurrencyException) when (round + 1 < MaxApprovalRounds)
                {
                    // Someone else changed the case first. If it still waits for this approval the
                    // change was unrelated (a note): go round again with the same grant. Otherwise the
                    // grant is voided on the way out.
                    SupportCase? latest = await TryFindAsync(caseId).ConfigureAwait(false);
                    if (latest is { State: CaseState.AwaitingApproval, PendingApproval.ApprovalId: { } id } && string.Equals(id, pending.ApprovalId, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    throw;
                }
                catch (Exception ex) when (ex is not CaseConcurrencyException)
                {
                    // The save failed or its outcome is unknown (a timeout, a cancellation). The grant
                    // is voided only when the case is known not to record it: an approved case whose
                    // grant was voided is the one outcome that must never happen. A grant kept while
                    // the outcome is unknown is voided later if nothing records it (see ReserveAsync).
                    bool? saved = await WasSavedAsync(next, grant).ConfigureAwait(false);
                    keepGrant = saved != false;
                    if (saved == true)
                    {
                        await AfterSaveAsync(current, next, edit, CancellationToken.None).ConfigureAwait(false);
                        RecordTurnaround(pending, "approved", now);
                        return new ApprovalResult(next, grant);
                    }

                    throw;
                }

                keepGrant = true;
                await AfterSaveAsync(current, next, edit, cancellationToken).ConfigureAwait(false);
                RecordTurnaround(pending, "approved", now);
                return new ApprovalResult(next, grant);
            }
        }
        finally
        {
            if (reserved is not null && !keepGrant)
            {
                await CompensateAsync(caseId, reserved).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask<SupportCase> RejectAsync(string caseId, CaseActor approver, string reason, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        int rank = RankOf(approver, nameof(approver));
        RequireText(reason, nameof(reason));
        CheckNote(reason, nameof(reason));
        SupportCase current = await LoadAsync(caseId, expectedVersion, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        CaseEdit edit = Begin(current, now);
        if (edit.State == CaseState.AwaitingApproval && Ladder.Level(edit.Level) is { } level && rank < level.Rank)
        {
            throw new ApprovalRefusedException(caseId, ApprovalRefusal.InsufficientAuthority, $"'{approver.Id}' ({approver.Role}) ranks below the role of level {level.DisplayName} ({level.Role}) the approval waits at.");
        }

        edit.Fire(CaseTrigger.Reject, approver, now, new MoveArgs(Note: reason, Detail: $"rejected: {reason}"));
        return await CommitAsync(current, edit, now, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SupportCase> EscalateAsync(string caseId, CaseActor actor, EscalationReason reason, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        RankOf(actor, nameof(actor));
        CheckNote(note, nameof(note));
        if (!Enum.IsDefined(reason))
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not an escalation reason.");
        }

        SupportCase current = await LoadAsync(caseId, expectedVersion, cancellationToken).ConfigureAwait(false);
        return await MoveAsync(current, CaseTrigger.Escalate, actor, new MoveArgs(Note: note, Reason: reason), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<SupportCase> ReturnToOwnerAsync(string caseId, CaseActor actor, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        MoveAsync(caseId, CaseTrigger.ReturnToOwner, actor, note, expectedVersion, cancellationToken);

    public ValueTask<SupportCase> AwaitCustomerAsync(string caseId, CaseActor actor, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        MoveAsync(caseId, CaseTrigger.AwaitCustomer, actor, note, expectedVersion, cancellationToken);

    public async ValueTask<SupportCase> CustomerRepliedAsync(string caseId, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        CheckNote(note, nameof(note));
        SupportCase current = await LoadAsync(caseId, expectedVersion, cancellationToken).ConfigureAwait(false);
        return await MoveAsync(current, CaseTrigger.CustomerReplied, null, new MoveArgs(Note: note), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<SupportCase> ResolveAsync(string caseId, CaseActor actor, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        MoveAsync(caseId, CaseTrigger.Resolve, actor, note, expectedVersion, cancellationToken);

    public ValueTask<SupportCase> CloseAsync(string caseId, CaseActor actor, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        MoveAsync(caseId, CaseTrigger.Close, actor, note, expectedVersion, cancellationToken);

    public ValueTask<SupportCase> ReopenAsync(string caseId, CaseActor actor, string? note = null, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        MoveAsync(caseId, CaseTrigger.Reopen, actor, note, expectedVersion, cancellationToken);

    public async ValueTask<SupportCase> AddNoteAsync(string caseId, CaseActor actor, string note, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        RankOf(actor, nameof(actor));
        RequireText(note, nameof(note));
        CheckNote(note, nameof(note));
        SupportCase current = await LoadAsync(caseId, expectedVersion, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        CaseEdit edit = Begin(current, now);
        edit.Note(actor, now, note);
        return await CommitAsync(current, edit, now, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SlaProcessingResult> ProcessDueAsync(CancellationToken cancellationToken = default)
    {
        EscalationPolicy ladder = Ladder;
        DateTimeOffset now = _time.GetUtcNow();
        int cases = 0, warnings = 0, breaches = 0, conflicts = 0;
        while (true)
        {
            IReadOnlyList<SupportCase> due = await _store.ClaimDueAsync(now, DueBatchSize, ClaimLease, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < due.Count; i++)
            {
                SupportCase current = due[i];
                var edit = new CaseEdit(current, ladder);
                try
                {
                    edit.ApplyDue(now);
                    if (!edit.HasChanges)
                    {
                        continue;
                    }

                    await CommitAsync(current, edit, now, cancellationToken).ConfigureAwait(false);
                    cases++;
                    foreach ((SlaTimer _, bool breach) in edit.SlaEvents)
                    {
                        _ = breach ? breaches++ : warnings++;
                    }
                }
                catch (CaseConcurrencyException)
                {
                    // Someone else changed the case (or processed it) first; its new version has
                    // its own due time, which the next call reads.
                    conflicts++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.DueProcessingFailed(_logger, current.Id, ex);
                }
            }

            if (due.Count < DueBatchSize)
            {
                return new SlaProcessingResult(cases, warnings, breaches, conflicts);
            }
        }
    }

    private async ValueTask<SupportCase> MoveAsync(string caseId, CaseTrigger trigger, CaseActor actor, string? note, long? expectedVersion, CancellationToken cancellationToken)
    {
        CheckNote(note, nameof(note));
        RankOf(actor, nameof(actor));
        SupportCase current = await LoadAsync(caseId, expectedVersion, cancellationToken).ConfigureAwait(false);
        return await MoveAsync(current, trigger, actor, new MoveArgs(Note: note), cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<SupportCase> MoveAsync(SupportCase current, CaseTrigger trigger, CaseActor? actor, in MoveArgs args, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        CaseEdit edit = Begin(current, now);
        edit.Fire(trigger, actor, now, args);
        return CommitAsync(current, edit, now, cancellationToken);
    }

    /// <summary>
    /// Starts an edit with every deadline due by <paramref name="now"/> applied, so a person's move
    /// lands on the case as it stands (an overdue breach has already escalated it) and the timeline
    /// does not depend on when the monitor last ran.
    /// </summary>
    private CaseEdit Begin(SupportCase current, DateTimeOffset now)
    {
        var edit = new CaseEdit(current, Ladder);
        edit.ApplyDue(now);
        return edit;
    }

    private async ValueTask<SupportCase> CommitAsync(SupportCase current, CaseEdit edit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        SupportCase next = edit.Build(now);
        await _store.SaveAsync(next, current.Version, cancellationToken).ConfigureAwait(false);
        await AfterSaveAsync(current, next, edit, cancellationToken).ConfigureAwait(false);
        return next;
    }

    private async ValueTask<SupportCase> LoadAsync(string caseId, long? expectedVersion, CancellationToken cancellationToken)
    {
        RequireId(caseId, nameof(caseId));
        SupportCase current = await _store.FindAsync(caseId, cancellationToken).ConfigureAwait(false) ?? throw new CaseNotFoundException(caseId);
        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw new CaseConcurrencyException(caseId, expected, current.Version);
        }

        return current;
    }

    /// <summary>
    /// Grants the pending request under the approver's authority, under a key of its own: the
    /// approval id and an attempt number, taking the first number nobody has used. A voided attempt
    /// (compensated after a failed save) is skipped. A live grant under an attempt that the case does
    /// not record belongs to an approval in progress, so this call is a conflict; once it is older
    /// than <see cref="AbandonedGrantAge"/> it is taken to be abandoned (its caller died or lost its
    /// connection mid-way) and is voided.
    /// </summary>
    private async ValueTask<GrantRecord> ReserveAsync(SupportCase current, PendingApproval pending, CaseActor approver, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int races = 0;
        for (int attempt = 0; attempt < MaxGrantAttempts;)
        {
            string key = GrantKey(pending, attempt);
            GrantRecord? existing = await _ledger.FindByIdempotencyKeyAsync(key, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                if (!existing.IsVoided)
                {
                    if (now - existing.GrantedAt < AbandonedGrantAge)
                    {
                        throw new CaseConcurrencyException(current.Id, current.Version, current.Version, $"'{existing.ApproverId}' started approving it at {existing.GrantedAt.ToString("O", CultureInfo.InvariantCulture)}; an attempt that failed mid-way is abandoned after {AbandonedGrantAge.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes");
                    }

                    await _authority.VoidAsync(existing.GrantId, $"an abandoned approval attempt on case {current.Id}", cancellationToken).ConfigureAwait(false);
                }

                attempt++;
                continue;
            }

            ResolutionRequest request = pending.Request with
            {
                Approver = new ApproverAuthority(approver.Id, approver.Role),
                IdempotencyKey = key,
            };
            GrantResult result;
            try
            {
                result = await _authority.GrantAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex) when (ex.ParamName?.StartsWith("request.Approver", StringComparison.Ordinal) == true)
            {
                throw new ApprovalRefusedException(current.Id, ApprovalRefusal.InsufficientAuthority, $"'{approver.Id}' ({approver.Role}) cannot approve this request: {ex.Message}", ex);
            }
            catch (IdempotencyConflictException) when (++races < 4)
            {
                // Another call took this key a moment ago: look at what it holds.
                continue;
            }

            if (result.IsReplay)
            {
                // The same approver's other call (a double submit) took the key first: that grant is
                // not ours to record or to void; look at it as any other approval in progress.
                if (++races < 4)
                {
                    continue;
                }

                throw new CaseConcurrencyException(current.Id, current.Version, current.Version, $"'{approver.Id}' is approving it in another call");
            }

            if (result.IsGranted)
            {
                return result.Grant!;
            }

            throw new ApprovalRefusedException(current.Id, ApprovalRefusal.InsufficientAuthority, $"'{approver.Id}' ({approver.Role}) does not have the authority for this request: {(result.Decision is { } d ? Summarize(d) : "refused")}.");
        }

        throw new CaseWorkflowException(current.Id, $"Case '{current.Id}': {MaxGrantAttempts} grant attempts for approval '{pending.ApprovalId}' were voided; check the ledger for what keeps failing.");
    }

    private static string GrantKey(PendingApproval pending, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"approval:{pending.ApprovalId}:{attempt}");

    private async ValueTask<SupportCase?> TryFindAsync(string caseId)
    {
        try
        {
            return await _store.FindAsync(caseId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            return null;
        }
    }

    private async ValueTask<bool?> WasSavedAsync(SupportCase next, GrantRecord grant)
    {
        try
        {
            SupportCase? latest = await _store.FindAsync(next.Id, CancellationToken.None).ConfigureAwait(false);
            if (latest is null || latest.History.Count < next.History.Count)
            {
                return false;
            }

            return string.Equals(latest.History[next.History.Count - 1].GrantId, grant.GrantId, StringComparison.Ordinal);
        }
        catch (Exception)
        {
            // Unknown: keep the grant rather than risk voiding a recorded one.
            return null;
        }
    }

    private async ValueTask CompensateAsync(string caseId, GrantRecord grant)
    {
        try
        {
            await _authority.VoidAsync(grant.GrantId, $"the approval of case {caseId} could not be recorded", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ApprovalCompensationFailed(_logger, caseId, grant.GrantId, ex);
        }
    }

    /// <summary>Voids grants reserved for an approval that ended without being approved (left by an approver whose save failed or who died mid-way).</summary>
    private async ValueTask VoidOrphansAsync(string caseId, PendingApproval approval)
    {
        for (int attempt = 0; attempt < MaxGrantAttempts; attempt++)
        {
            try
            {
                GrantRecord? orphan = await _ledger.FindByIdempotencyKeyAsync(GrantKey(approval, attempt), CancellationToken.None).ConfigureAwait(false);
                if (orphan is null)
                {
                    return;
                }

                if (!orphan.IsVoided)
                {
                    await _authority.VoidAsync(orphan.GrantId, $"the approval of case {caseId} ended without being approved", CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                Log.ApprovalCompensationFailed(_logger, caseId, approval.ApprovalId, ex);
                return;
            }
        }
    }

    private async ValueTask AfterSaveAsync(SupportCase? previous, SupportCase current, CaseEdit edit, CancellationToken cancellationToken)
    {
        IReadOnlyList<CaseEvent> history = current.History;
        for (int i = history.Count - edit.NewEventCount; i < history.Count; i++)
        {
            CaseEvent entry = history[i];
            if (entry.Trigger is { } trigger)
            {
                _telemetry.Transitions.Add(1, new TagList
                {
                    { "trigger", s_triggers[(int)trigger] },
                    { "from", s_states[(int)entry.From] },
                    { "to", s_states[(int)entry.To] },
                });
            }
        }

        foreach ((SlaTimer timer, bool breach) in edit.SlaEvents)
        {
            var tags = new TagList { { "timer", s_timers[(int)timer.Kind] }, { "level", timer.Level } };
            if (breach)
            {
                _telemetry.SlaBreaches.Add(1, tags);
                Log.SlaBreached(_logger, current.Id, s_timers[(int)timer.Kind], timer.Level, current.State.ToString());
            }
            else
            {
                _telemetry.SlaWarnings.Add(1, tags);
            }
        }

        foreach ((PendingApproval approval, string outcome, DateTimeOffset at) in edit.EndedApprovals)
        {
            RecordTurnaround(approval, outcome, at);
            await VoidOrphansAsync(current.Id, approval).ConfigureAwait(false);
        }

        if (_observers.Length == 0)
        {
            return;
        }

        var change = new CaseChange(previous, current, edit.NewEvents());
        foreach (ICaseObserver observer in _observers)
        {
            try
            {
                await observer.OnCaseChangedAsync(change, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.CaseObserverFailed(_logger, current.Id, ex);
            }
        }
    }

    private void RecordTurnaround(PendingApproval approval, string outcome, DateTimeOffset at) =>
        _telemetry.ApprovalTurnaround.Record((at - approval.RequestedAt).TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    private int RankOf(CaseActor actor, string paramName)
    {
        if (actor is null)
        {
            throw new ArgumentNullException(paramName);
        }

        RequireId(actor.Id, $"{paramName}.Id");
        RequireText(actor.Role, $"{paramName}.Role");
        PolicySnapshot snapshot = _policy.Current;
        return snapshot.RoleIndex.TryGetValue(actor.Role, out int index)
            ? snapshot.Roles[index].Rank
            : throw new ArgumentException($"Role '{actor.Role}' is not configured under CustomerCraft:Empowerment:Roles.", $"{paramName}.Role");
    }

    private static void RequireText(string? value, string paramName)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("A value is required.", paramName);
        }
    }

    /// <summary>An id: required, then held to <see cref="IdRules.Validate"/>.</summary>
    private static void RequireId(string? value, string paramName)
    {
        RequireText(value, paramName);
        IdRules.Validate(value, paramName);
    }

    /// <summary>Free text kept in the case's history: no NUL or lone surrogate, and no longer than the configured cap.</summary>
    private void CheckNote(string? note, string paramName)
    {
        IdRules.ValidateText(note, paramName);
        if (note is not null && note.Length > _maxNoteLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{paramName} is {note.Length} characters long; CustomerCraft:Escalation:MaxNoteLength allows {_maxNoteLength}."),
                paramName);
        }
    }

    private static string Summarize(AuthorityDecision decision)
    {
        var text = new System.Text.StringBuilder(decision.ToString());
        foreach (DecisionReason reason in decision.Reasons)
        {
            if (!reason.Passed)
            {
                text.Append("; ").Append(reason.Message.TrimEnd('.'));
            }
        }

        return text.ToString();
    }
}
