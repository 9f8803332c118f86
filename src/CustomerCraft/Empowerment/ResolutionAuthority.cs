using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using CustomerCraft.Diagnostics;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Identifiers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerCraft.Empowerment;

/// <summary>
/// The empowerment engine: evaluates requests against the policy snapshot in force and the
/// budget ledger, and grants what is allowed through an atomic reservation.
/// </summary>
internal sealed class ResolutionAuthority : IResolutionAuthority
{
    private const int MaxReservationAttempts = 8;

    private readonly PolicyProvider _policy;
    private readonly IBudgetLedger _ledger;
    private readonly IDecisionLog _decisionLog;
    private readonly TimeProvider _time;
    private readonly CustomerCraftTelemetry _telemetry;
    private readonly ICurrencyConverter? _currencyConverter;
    private readonly ILogger _logger;
    private readonly IdRules _ids;

    public ResolutionAuthority(
        PolicyProvider policy,
        IBudgetLedger ledger,
        IDecisionLog decisionLog,
        TimeProvider time,
        CustomerCraftTelemetry telemetry,
        ICurrencyConverter? currencyConverter = null,
        ILogger<ResolutionAuthority>? logger = null,
        IdRules? ids = null)
    {
        _ids = ids ?? IdRules.Default;
        _policy = policy;
        _ledger = ledger;
        _decisionLog = decisionLog;
        _time = time;
        _telemetry = telemetry;
        _currencyConverter = currencyConverter;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public ValueTask<AuthorityDecision> EvaluateAsync(ResolutionRequest request, CancellationToken cancellationToken = default)
    {
        long started = _telemetry.EvaluationDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        ValueTask<AuthorityDecision> evaluation = EvaluateCoreAsync(_policy.Current, request, cancellationToken);
        if (evaluation.IsCompletedSuccessfully)
        {
            // The common case with the in-memory ledger: no second state machine.
            AuthorityDecision decision = evaluation.Result;
            Record(decision, started);
            return new ValueTask<AuthorityDecision>(decision);
        }

        return AwaitAndRecord(evaluation, started);

        async ValueTask<AuthorityDecision> AwaitAndRecord(ValueTask<AuthorityDecision> pending, long start)
        {
            AuthorityDecision decision = await pending.ConfigureAwait(false);
            Record(decision, start);
            return decision;
        }
    }

    public async ValueTask<GrantResult> GrantAsync(ResolutionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.IdempotencyKey))
        {
            throw new ArgumentException("A grant needs an IdempotencyKey so that a retry is never charged twice; use a key that identifies this resolution (for example the ticket id and a sequence).", "request.IdempotencyKey");
        }

        // The key reaches the ledger before the rest of the request is validated.
        IdRules.ValidateText(request.IdempotencyKey, "request.IdempotencyKey");

        using Activity? activity = CustomerCraftTelemetry.ActivitySource.StartActivity("CustomerCraft.Grant");
        GrantRecord? existing = await _ledger.FindByIdempotencyKeyAsync(request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return Replay(existing, request);
        }

        for (int attempt = 1; attempt <= MaxReservationAttempts; attempt++)
        {
            long started = _telemetry.EvaluationDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
            // A grant needs the outcome, not the headroom of every other action.
            AuthorityDecision decision = await EvaluateCoreAsync(_policy.Current, request, cancellationToken, allActionsHeadroom: false).ConfigureAwait(false);
            Record(decision, started);
            activity?.SetTag("customercraft.action", decision.Action);
            activity?.SetTag("customercraft.outcome", OutcomeTag(decision.Outcome));

            if (decision.Outcome != DecisionOutcome.Allowed)
            {
                _telemetry.Grants.Add(1, new("result", "refused"), new("action", decision.Action));
                Log.GrantRefused(_logger, decision.Action, decision.Outcome);
                await AppendToLogAsync(decision, DecisionRecordKind.Refused, grantId: null, cancellationToken).ConfigureAwait(false);
                return new GrantResult(null, decision, isReplay: false);
            }

            GrantRecord grant = CreateGrant(decision, request);
            ReservationResult result = await _ledger.TryReserveAsync(new BudgetReservation { Grant = grant, Charges = Charges(decision, grant) }, cancellationToken).ConfigureAwait(false);
            switch (result.Status)
            {
                case ReservationStatus.Reserved:
                    _telemetry.Grants.Add(1, new("result", "granted"), new("action", decision.Action));
                    Log.Granted(_logger, decision.Action, grant.GrantId, decision.Role);
                    // The grant is made: record it even if the caller has given up waiting.
                    await AppendToLogAsync(decision, DecisionRecordKind.Granted, grant.GrantId, CancellationToken.None).ConfigureAwait(false);
                    return new GrantResult(grant, decision, isReplay: false);

                case ReservationStatus.DuplicateIdempotencyKey:
                    return Replay(result.Existing!, request);

                default:
                    // Another grant spent the budget between our read and our reservation:
                    // evaluate again against the new usage, which may now need approval.
                    Log.ReservationContended(_logger, decision.Action, attempt);
                    break;
            }
        }

        throw new InvalidOperationException($"The budgets for {request.Action} changed on each of {MaxReservationAttempts} reservation attempts; the grant was not made. Retry with the same idempotency key.");
    }

    public async ValueTask<GrantRecord> VoidAsync(string grantId, string reason, CancellationToken cancellationToken = default)
    {
        IdRules.Validate(grantId, nameof(grantId));
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        IdRules.ValidateText(reason, nameof(reason));
        using Activity? activity = CustomerCraftTelemetry.ActivitySource.StartActivity("CustomerCraft.Void");

        GrantRecord? before = await _ledger.FindGrantAsync(grantId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No grant has id '{grantId}'.");
        if (before.IsVoided)
        {
            return before;
        }

        GrantRecord voided = await _ledger.VoidAsync(grantId, _time.GetUtcNow(), reason, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No grant has id '{grantId}'.");
        _telemetry.Voids.Add(1, new KeyValuePair<string, object?>("action", voided.Action));
        Log.GrantVoided(_logger, grantId);
        try
        {
            await _decisionLog.AppendAsync(
                new DecisionRecord
                {
                    Timestamp = voided.VoidedAt ?? _time.GetUtcNow(),
                    Kind = DecisionRecordKind.Voided,
                    Request = ToRequest(voided),
                    Outcome = DecisionOutcome.Allowed,
                    Amount = voided.Amount,
                    GrantId = voided.GrantId,
                    PolicyVersion = _policy.Current.Version,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.DecisionLogFailed(_logger, ex);
        }

        return voided;
    }

    /// <summary>The evaluation itself: pure, reads only the snapshot, the clock and the ledger.</summary>
    internal async ValueTask<AuthorityDecision> EvaluateCoreAsync(PolicySnapshot snapshot, ResolutionRequest request, CancellationToken cancellationToken, bool allActionsHeadroom = true)
    {
        RequestValidator.Validate(request, snapshot, _ids, _currencyConverter is not null, out int requesterRole, out int action, out int approverRole);
        decimal amount = request.Amount;
        string? currency = request.Currency;
        if (currency is not null && !string.Equals(currency, snapshot.Currency, StringComparison.OrdinalIgnoreCase))
        {
            amount = decimal.Round(
                await _currencyConverter!.ConvertAsync(request.Amount, currency.ToUpperInvariant(), snapshot.Currency, cancellationToken).ConfigureAwait(false),
                snapshot.MinorUnits,
                MidpointRounding.AwayFromZero);
            if (amount <= 0)
            {
                throw new ArgumentException($"Converting {request.Amount.ToString(CultureInfo.InvariantCulture)} {currency} to {snapshot.Currency} gave {amount.ToString(CultureInfo.InvariantCulture)}; the amount must stay greater than zero.", nameof(request));
            }
        }

        DateTimeOffset now = _time.GetUtcNow();
        int effectiveRole = approverRole >= 0 ? approverRole : requesterRole;
        var decision = new AuthorityDecision(snapshot, request, requesterRole, effectiveRole, action, amount, now, allActionsHeadroom);
        int firstAction = allActionsHeadroom ? 0 : action;
        int endAction = allActionsHeadroom ? snapshot.Actions.Length : action + 1;

        // Conditions: match once per request; each applies to the actions in its mask.
        ulong matched = 0;
        CompiledCondition[] conditions = snapshot.Conditions;
        for (int i = 0; i < conditions.Length; i++)
        {
            bool isMatch = conditions[i].IsSynchronous
                ? conditions[i].Matches(request, now)
                : await conditions[i].MatchesAsync(request, now, cancellationToken).ConfigureAwait(false);
            if (isMatch)
            {
                matched |= 1UL << i;
            }
        }

        decision.MatchedConditions = matched;
        // Budgets are kept under the ids' comparison keys, so that every spelling of an id shares one.
        string chargedAgent = _ids.Key(request.Approver?.ApproverId ?? request.AgentId);
        string incidentKey = _ids.Key(request.IncidentId);
        string customerKey = _ids.Key(request.CustomerId);
        int requesterRank = snapshot.Roles[requesterRole].Rank;
        int effectiveRank = snapshot.Roles[effectiveRole].Rank;

        // Every budget the effective role's limits touch, for every action, is read in one batch
        // (one round trip for a durable ledger); pooled buffers keep evaluation allocation-free.
        int actionCount = snapshot.Actions.Length;
        BudgetQuery[] queries = ArrayPool<BudgetQuery>.Shared.Rent(actionCount * 3);
        BudgetUsage[] usage = ArrayPool<BudgetUsage>.Shared.Rent(actionCount * 3);
        try
        {
            int queryCount = 0;
            for (int a = firstAction; a < endAction; a++)
            {
                if (snapshot.LimitFor(effectiveRole, a) is not { } limit)
                {
                    continue;
                }

                string actionName = snapshot.Actions[a].Name;
                queries[queryCount++] = new BudgetQuery(new BudgetKey(BudgetScope.Incident, incidentKey, actionName), DateTimeOffset.MinValue);
                if (limit.Customer is { } customerBudget)
                {
                    queries[queryCount++] = new BudgetQuery(new BudgetKey(BudgetScope.Customer, customerKey, actionName), snapshot.Windows.Start(customerBudget, now));
                }

                if (limit.Agent is { } agentBudget)
                {
                    queries[queryCount++] = new BudgetQuery(new BudgetKey(BudgetScope.Agent, chargedAgent, actionName), snapshot.Windows.Start(agentBudget, now));
                }
            }

            await _ledger.ReadUsageAsync(queries.AsMemory(0, queryCount), usage.AsMemory(0, queryCount), cancellationToken).ConfigureAwait(false);

            // Headroom (and, for the requested action, the decision's checks) for every action,
            // consuming the usage in the order it was asked for.
            int next = 0;
            for (int a = firstAction; a < endAction; a++)
            {
                Effects effects = Effects.For(snapshot, matched, a);

                // A forced approval is satisfied by an approver above the requester, or by a peer
                // (another person, per four-eyes) when the requester's role is the top of the ladder
                // for this action, so nobody above could approve.
                bool forcedSatisfied = effects.Outcome == ConditionOutcome.RequireApproval
                    && approverRole >= 0
                    && effectiveRank >= effects.MinimumApproverRank
                    && (effectiveRank > requesterRank || (effectiveRank == requesterRank && snapshot.TopHumanRole[a] == effectiveRole));
                bool blocked = effects.Outcome == ConditionOutcome.Deny || (effects.Outcome == ConditionOutcome.RequireApproval && !forcedSatisfied);

                CompiledLimit? limit = snapshot.LimitFor(effectiveRole, a);
                bool isRequested = a == action;
                if (isRequested)
                {
                    decision.ForcedCondition = effects.ForcedCondition;
                    decision.ForcedApprovalSatisfied = forcedSatisfied;
                    decision.NoAuthority = limit is null;
                }

                if (limit is null)
                {
                    decision.SetHeadroom(a, default);
                    continue;
                }

                var slot = new HeadroomSlot { HasAuthority = !blocked, Amount = decimal.MaxValue, Count = int.MaxValue };

                BudgetUsage incident = usage[next++];
                decimal incidentLimit = Scale(limit.IncidentAmount, effects.IncidentMultiplier, snapshot.MinorUnits);
                Apply(ref slot, incidentLimit, incident.Amount, limit.IncidentCount, incident.Count);
                if (isRequested)
                {
                    decision.SetCheck(LimitKind.IncidentAmount, incidentLimit, incident.Amount);
                    if (limit.IncidentCount is int incidentCount)
                    {
                        decision.SetCheck(LimitKind.IncidentCount, incidentCount, incident.Count);
                    }
                }

                if (limit.Customer is { } customerBudget)
                {
                    ApplyBudget(decision, ref slot, customerBudget, effects.CustomerMultiplier, queries[next], usage[next], LimitKind.CustomerAmount, isRequested);
                    next++;
                }

                if (limit.Agent is { } agentBudget)
                {
                    ApplyBudget(decision, ref slot, agentBudget, effects.AgentMultiplier, queries[next], usage[next], LimitKind.AgentAmount, isRequested);
                    next++;
                }

                if (slot.Count == 0 || !slot.HasAuthority)
                {
                    slot.Amount = 0;
                }

                slot.HasCount = slot.Count != int.MaxValue;
                if (!slot.HasCount)
                {
                    slot.Count = 0;
                }

                decision.SetHeadroom(a, slot);
            }
        }
        finally
        {
            ArrayPool<BudgetQuery>.Shared.Return(queries);
            ArrayPool<BudgetUsage>.Shared.Return(usage);
        }

        // The outcome.
        Effects requested = Effects.For(snapshot, matched, action);
        if (requested.Outcome == ConditionOutcome.Deny)
        {
            decision.Outcome = DecisionOutcome.Denied;
            return decision;
        }

        bool withinAuthority = !decision.NoAuthority && ChecksPass(decision, amount);
        bool approvalForced = requested.Outcome == ConditionOutcome.RequireApproval && !decision.ForcedApprovalSatisfied;
        if (withinAuthority && !approvalForced)
        {
            decision.Outcome = DecisionOutcome.Allowed;
            return decision;
        }

        // At the top of the ladder nobody ranks above, so a peer (another person in the same role)
        // approves what only needs a second pair of eyes or another person's own budget: a forced
        // approval, or a request that fits the role's incident and customer limits but not the
        // requester's per-agent budget. Anything beyond the role's limits stays denied.
        int peer = approverRole < 0 && snapshot.TopHumanRole[action] == requesterRole && !decision.NoAuthority && IncidentAndCustomerChecksPass(decision, amount)
            ? requesterRole
            : -1;

        // A named approver whose role covers the request but whose own per-agent budget is spent:
        // another person in the same role can approve; nobody higher is needed.
        int approver = approverRole >= 0 && !approvalForced && !decision.NoAuthority && IncidentAndCustomerChecksPass(decision, amount)
            ? approverRole
            : await FindApproverAsync(snapshot, request, decision, requested, Math.Max(requesterRank, effectiveRank), peer, now, cancellationToken).ConfigureAwait(false);
        if (approver >= 0)
        {
            decision.ApproverRoleIndex = approver;
            decision.Outcome = DecisionOutcome.RequiresApproval;
        }
        else
        {
            decision.NoApprover = true;
            decision.Outcome = DecisionOutcome.Denied;
        }

        return decision;
    }

    /// <summary>
    /// Walks up the ladder from just above <paramref name="aboveRank"/> and returns the first
    /// human role whose per-incident and per-customer limits cover the request, or else
    /// <paramref name="peerRole"/> (-1 for none). An approver's own per-agent budget is checked
    /// when the approver grants; it is not known yet who that will be.
    /// </summary>
    private async ValueTask<int> FindApproverAsync(PolicySnapshot snapshot, ResolutionRequest request, AuthorityDecision decision, Effects effects, int aboveRank, int peerRole, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int action = decision.ActionIndex;
        string actionName = snapshot.Actions[action].Name;
        BudgetUsage incident = await _ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, _ids.Key(request.IncidentId), actionName), DateTimeOffset.MinValue, cancellationToken).ConfigureAwait(false);

        for (int r = 0; r < snapshot.Roles.Length; r++)
        {
            RoleEntry role = snapshot.Roles[r];
            if (role.Rank <= aboveRank || role.IsBot || role.Rank < effects.MinimumApproverRank)
            {
                continue;
            }

            CompiledLimit? limit = snapshot.LimitFor(r, action);
            if (limit is null)
            {
                continue;
            }

            decimal amount = decision.Amount;
            if (incident.Amount + amount > Scale(limit.IncidentAmount, effects.IncidentMultiplier, snapshot.MinorUnits)
                || (limit.IncidentCount is int count && incident.Count + 1 > count))
            {
                continue;
            }

            if (limit.Customer is { } budget)
            {
                DateTimeOffset since = snapshot.Windows.Start(budget, now);
                BudgetUsage customer = await _ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, _ids.Key(request.CustomerId), actionName), since, cancellationToken).ConfigureAwait(false);
                if ((budget.Amount is decimal limitAmount && customer.Amount + amount > Scale(limitAmount, effects.CustomerMultiplier, snapshot.MinorUnits))
                    || (budget.Count is int limitCount && customer.Count + 1 > limitCount))
                {
                    continue;
                }
            }

            return r;
        }

        return peerRole >= 0 && snapshot.Roles[peerRole].Rank >= effects.MinimumApproverRank ? peerRole : -1;
    }

    private static bool IncidentAndCustomerChecksPass(AuthorityDecision decision, decimal amount) =>
        ChecksPass(decision, amount, (int)LimitKind.CustomerCount + 1);

    private static bool ChecksPass(AuthorityDecision decision, decimal amount, int kinds = LimitChecks.Length)
    {
        for (int kind = 0; kind < kinds; kind++)
        {
            LimitCheck check = decision.GetCheck((LimitKind)kind);
            decimal requested = kind is (int)LimitKind.IncidentCount or (int)LimitKind.CustomerCount or (int)LimitKind.AgentCount ? 1 : amount;
            if (check.Applies && check.Used + requested > check.Limit)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Applies a cumulative budget (customer or agent, named by <paramref name="amountKind"/>) to an
    /// action's headroom and, for the requested action, records its checks and window.
    /// </summary>
    private static void ApplyBudget(AuthorityDecision decision, ref HeadroomSlot slot, CompiledBudget budget, decimal multiplier, BudgetQuery query, BudgetUsage used, LimitKind amountKind, bool isRequested)
    {
        decimal? amountLimit = budget.Amount is decimal amount ? Scale(amount, multiplier, decision.Snapshot.MinorUnits) : null;
        Apply(ref slot, amountLimit, used.Amount, budget.Count, used.Count);
        if (!isRequested)
        {
            return;
        }

        if (amountKind == LimitKind.CustomerAmount)
        {
            decision.CustomerWindowStart = query.Since;
        }
        else
        {
            decision.AgentWindowStart = query.Since;
        }

        if (amountLimit is decimal limit)
        {
            decision.SetCheck(amountKind, limit, used.Amount);
        }

        if (budget.Count is int count)
        {
            decision.SetCheck(amountKind + 1, count, used.Count);
        }
    }

    private static void Apply(ref HeadroomSlot slot, decimal? amountLimit, decimal usedAmount, int? countLimit, int usedCount)
    {
        if (amountLimit is decimal limit)
        {
            slot.Amount = Math.Min(slot.Amount, Math.Max(0, limit - usedAmount));
        }

        if (countLimit is int count)
        {
            slot.Count = Math.Min(slot.Count, Math.Max(0, count - usedCount));
        }
    }

    /// <summary>Scales a limit by a multiplier, rounding down to the currency's minor unit (never grant a fraction of a cent more).</summary>
    private static decimal Scale(decimal limit, decimal multiplier, int minorUnits) =>
        multiplier == 1m ? limit : decimal.Round(limit * multiplier, minorUnits, MidpointRounding.ToZero);

    private IReadOnlyList<BudgetCharge> Charges(AuthorityDecision decision, GrantRecord grant)
    {
        LimitCheck incidentAmount = decision.GetCheck(LimitKind.IncidentAmount);
        LimitCheck incidentCount = decision.GetCheck(LimitKind.IncidentCount);
        LimitCheck customerAmount = decision.GetCheck(LimitKind.CustomerAmount);
        LimitCheck customerCount = decision.GetCheck(LimitKind.CustomerCount);
        LimitCheck agentAmount = decision.GetCheck(LimitKind.AgentAmount);
        LimitCheck agentCount = decision.GetCheck(LimitKind.AgentCount);
        bool customerLimited = customerAmount.Applies || customerCount.Applies;
        bool agentLimited = agentAmount.Applies || agentCount.Applies;

        // Every grant is recorded against all three budgets, so that usage is known to every
        // role's limits later; limits are enforced where the granting role has them.
        return
        [
            new BudgetCharge(new BudgetKey(BudgetScope.Incident, _ids.Key(grant.IncidentId), grant.Action), DateTimeOffset.MinValue, incidentAmount.Limit, incidentCount.Applies ? (int)incidentCount.Limit : null),
            new BudgetCharge(
                new BudgetKey(BudgetScope.Customer, _ids.Key(grant.CustomerId), grant.Action),
                customerLimited ? decision.CustomerWindowStart : DateTimeOffset.MinValue,
                customerAmount.Applies ? customerAmount.Limit : null,
                customerCount.Applies ? (int)customerCount.Limit : null),
            new BudgetCharge(
                new BudgetKey(BudgetScope.Agent, _ids.Key(grant.ChargedAgentId), grant.Action),
                agentLimited ? decision.AgentWindowStart : DateTimeOffset.MinValue,
                agentAmount.Applies ? agentAmount.Limit : null,
                agentCount.Applies ? (int)agentCount.Limit : null),
        ];
    }

    private GrantRecord CreateGrant(AuthorityDecision decision, ResolutionRequest request) => new()
    {
        GrantId = GrantIds.Next(decision.EvaluatedAt),
        IdempotencyKey = request.IdempotencyKey!,
        AgentId = request.AgentId,
        Role = decision.Snapshot.Roles[decision.RequesterRoleIndex].Name,
        CustomerId = request.CustomerId,
        IncidentId = request.IncidentId,
        Action = decision.Action,
        Amount = decision.Amount,
        Currency = decision.Currency,
        RequestedAmount = request.Amount,
        RequestedCurrency = request.Currency?.ToUpperInvariant() ?? decision.Currency,
        ApproverId = request.Approver?.ApproverId,
        ApproverRole = request.Approver is null ? null : decision.Role,
        GrantedAt = decision.EvaluatedAt,
        ContextFingerprint = RequestFingerprint.Of(request),
    };

    private GrantResult Replay(GrantRecord existing, ResolutionRequest request)
    {
        string? difference = Difference(existing, request, _policy.Current.Currency, _ids);
        if (difference is not null)
        {
            throw new IdempotencyConflictException(request.IdempotencyKey!, existing.GrantId, difference);
        }

        _telemetry.Grants.Add(1, new("result", "replayed"), new("action", existing.Action));
        Log.GrantReplayed(_logger, existing.GrantId);
        return new GrantResult(existing, null, isReplay: true);
    }

    /// <summary>Names the first field in which a retried request differs from the granted one.</summary>
    private static string? Difference(GrantRecord grant, ResolutionRequest request, string policyCurrency, IdRules ids)
    {
        static bool Same(string? a, string? b, StringComparison comparison = StringComparison.Ordinal) => string.Equals(a, b, comparison);
        const StringComparison IgnoreCase = StringComparison.OrdinalIgnoreCase;
        if (!ids.AreSame(grant.AgentId, request.AgentId)) return "AgentId";
        if (!Same(grant.Role, request.Role, IgnoreCase)) return "Role";
        if (!ids.AreSame(grant.CustomerId, request.CustomerId)) return "CustomerId";
        if (!ids.AreSame(grant.IncidentId, request.IncidentId)) return "IncidentId";
        if (!Same(grant.Action, request.Action, IgnoreCase)) return "Action";
        if (grant.RequestedAmount != request.Amount) return "Amount";
        if (!Same(grant.RequestedCurrency, request.Currency ?? policyCurrency, IgnoreCase)) return "Currency";
        if (!ids.AreSame(grant.ApproverId, request.Approver?.ApproverId)) return "Approver";
        if (!Same(grant.ApproverRole, request.Approver?.Role, IgnoreCase)) return "Approver role";
        if (!Same(grant.ContextFingerprint, RequestFingerprint.Of(request))) return "context: segment, channel, reason codes, customer since or attributes";
        return null;
    }

    private async ValueTask AppendToLogAsync(AuthorityDecision decision, DecisionRecordKind kind, string? grantId, CancellationToken cancellationToken)
    {
        try
        {
            await _decisionLog.AppendAsync(
                new DecisionRecord
                {
                    Timestamp = decision.EvaluatedAt,
                    Kind = kind,
                    Request = decision.Request,
                    Outcome = decision.Outcome,
                    RequiredApproverRole = decision.RequiredApproverRole,
                    Amount = decision.Amount,
                    GrantId = grantId,
                    PolicyVersion = decision.PolicyVersion,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The ledger is the record of what was granted; a log outage must not undo or
            // block a grant that is already reserved.
            Log.DecisionLogFailed(_logger, ex);
        }
    }

    private void Record(AuthorityDecision decision, long started)
    {
        if (_telemetry.Decisions.Enabled)
        {
            _telemetry.Decisions.Add(1, new("outcome", OutcomeTag(decision.Outcome)), new("action", decision.Action));
        }

        if (started != 0)
        {
            _telemetry.EvaluationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", OutcomeTag(decision.Outcome)));
        }
    }

    private static string OutcomeTag(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Allowed => "allowed",
        DecisionOutcome.RequiresApproval => "requires_approval",
        _ => "denied",
    };

    private static ResolutionRequest ToRequest(GrantRecord grant) => new()
    {
        AgentId = grant.AgentId,
        Role = grant.Role,
        CustomerId = grant.CustomerId,
        IncidentId = grant.IncidentId,
        Action = grant.Action,
        Amount = grant.RequestedAmount,
        Currency = grant.RequestedCurrency,
        IdempotencyKey = grant.IdempotencyKey,
        Approver = grant.ApproverId is null ? null : new ApproverAuthority(grant.ApproverId, grant.ApproverRole!),
    };

    /// <summary>The combined effect of the matched conditions that apply to one action.</summary>
    private readonly struct Effects
    {
        public decimal IncidentMultiplier { get; private init; }

        public decimal CustomerMultiplier { get; private init; }

        public decimal AgentMultiplier { get; private init; }

        public ConditionOutcome? Outcome { get; private init; }

        public int ForcedCondition { get; private init; }

        public int MinimumApproverRank { get; private init; }

        private static readonly Effects None = new()
        {
            IncidentMultiplier = 1m,
            CustomerMultiplier = 1m,
            AgentMultiplier = 1m,
            ForcedCondition = -1,
            MinimumApproverRank = int.MinValue,
        };

        public static Effects For(PolicySnapshot snapshot, ulong matched, int action)
        {
            if (matched == 0)
            {
                return None;
            }

            decimal incident = 1m, customer = 1m, agent = 1m;
            ConditionOutcome? outcome = null;
            int forced = -1;
            int minimumRank = int.MinValue;
            CompiledCondition[] conditions = snapshot.Conditions;
            for (ulong remaining = matched; remaining != 0; remaining &= remaining - 1)
            {
                int i = System.Numerics.BitOperations.TrailingZeroCount(remaining);
                ConditionEffect effect = conditions[i].Effect;
                if (!effect.AppliesTo(action))
                {
                    continue;
                }

                if (effect.Outcome is ConditionOutcome forcedOutcome)
                {
                    // Deny beats approval; among approvals, the highest required approver wins.
                    if (outcome != ConditionOutcome.Deny && (forcedOutcome == ConditionOutcome.Deny || outcome is null || effect.MinimumApproverRank > minimumRank))
                    {
                        forced = i;
                    }

                    outcome = outcome == ConditionOutcome.Deny ? outcome : forcedOutcome;
                    minimumRank = Math.Max(minimumRank, effect.MinimumApproverRank);
                }
                else
                {
                    // Capped so that no combination of multipliers can overflow a decimal.
                    incident = Math.Min(incident * effect.IncidentMultiplier, PolicyCompiler.MaxMultiplier);
                    customer = Math.Min(customer * effect.CustomerMultiplier, PolicyCompiler.MaxMultiplier);
                    agent = Math.Min(agent * effect.AgentMultiplier, PolicyCompiler.MaxMultiplier);
                }
            }

            return new Effects
            {
                IncidentMultiplier = incident,
                CustomerMultiplier = customer,
                AgentMultiplier = agent,
                Outcome = outcome,
                ForcedCondition = forced,
                MinimumApproverRank = minimumRank,
            };
        }
    }
}
