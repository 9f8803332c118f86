using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using CustomerCraft.Diagnostics;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Identifiers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using CustomerCraft.Policy;
using CustomerCraft.Storage;

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

    /// <summary>
    /// The evaluation itself: pure, reads only the snapshot, the clock and the ledger. In steps:
    /// normalise the request, match the conditions, read the budgets, work out each action's limits
    /// and headroom, decide, and find an approver when the request exceeds the authority.
    /// </summary>
    internal async ValueTask<AuthorityDecision> EvaluateCoreAsync(PolicySnapshot snapshot, ResolutionRequest request, CancellationToken cancellationToken, bool allActionsHeadroom = true)
    {
        // 1. Normalise: a malformed request is the host's error, never a business "no".
        RequestValidator.Validate(request, snapshot, _ids, _currencyConverter is not null, out int requesterRole, out int action, out int approverRole);
        // Only money in another currency needs the (possibly remote) converter: no state machine otherwise.
        decimal amount = NeedsConversion(snapshot, request, action)
            ? await ConvertAsync(snapshot, request, cancellationToken).ConfigureAwait(false)
            : request.Amount;
        DateTimeOffset now = _time.GetUtcNow();
        int effectiveRole = approverRole >= 0 ? approverRole : requesterRole;
        var facts = new DecisionFacts(snapshot.Actions.Length);

        // 2. Conditions: matched once per request; each applies to the actions (and roles) it names.
        if (snapshot.HostSlots == 0)
        {
            facts.MatchedConditions = MatchConditions(snapshot, request, amount, now, hostResults: null);
        }
        else
        {
            (facts.MatchedConditions, facts.HostResults) = await MatchWithHostConditionsAsync(snapshot, request, amount, now, cancellationToken).ConfigureAwait(false);
        }

        // 3. Budgets, read in one batch for the requested action and (for headroom) every other one;
        // 4. each action's limits under the matched conditions: the requested action's checks and
        // every action's headroom.
        int firstAction = allActionsHeadroom ? 0 : action;
        int endAction = allActionsHeadroom ? snapshot.Actions.Length : action + 1;
        BudgetQuery[] queries = ArrayPool<BudgetQuery>.Shared.Rent(snapshot.Actions.Length * 3);
        BudgetUsage[] usage = ArrayPool<BudgetUsage>.Shared.Rent(snapshot.Actions.Length * 3);
        try
        {
            int queryCount = BudgetQueries(snapshot, request, _ids, effectiveRole, firstAction, endAction, now, queries);
            await _ledger.ReadUsageAsync(queries.AsMemory(0, queryCount), usage.AsMemory(0, queryCount), cancellationToken).ConfigureAwait(false);
            ApplyLimits(snapshot, ref facts, requesterRole, effectiveRole, action, approverRole, firstAction, endAction, queries, usage);
        }
        finally
        {
            ArrayPool<BudgetQuery>.Shared.Return(queries);
            ArrayPool<BudgetUsage>.Shared.Return(usage);
        }

        // 5. The outcome, and 6. an approver when the request exceeds the authority.
        Effects requested = Effects.For(snapshot.Conditions, facts.MatchedConditions, action, effectiveRole);
        facts.Outcome = Decide(snapshot, in facts, requested, requesterRole, action, approverRole, amount, out int approverNeeded);
        if (approverNeeded == FindApprover)
        {
            int requesterRank = snapshot.Roles[requesterRole].Rank;
            int effectiveRank = snapshot.Roles[effectiveRole].Rank;
            int peer = approverRole < 0 && snapshot.TopHumanRole[action] == requesterRole && !facts.NoAuthority && IncidentAndCustomerChecksPass(in facts, amount)
                ? requesterRole
                : -1;
            approverNeeded = await FindApproverAsync(snapshot, request, facts.MatchedConditions, action, amount, requested.MinimumApproverRank, Math.Max(requesterRank, effectiveRank), peer, now, cancellationToken).ConfigureAwait(false);
        }

        if (facts.Outcome == DecisionOutcome.RequiresApproval)
        {
            if (approverNeeded >= 0)
            {
                facts.ApproverRoleIndex = approverNeeded;
            }
            else
            {
                facts.NoApprover = true;
                facts.Outcome = DecisionOutcome.Denied;
            }
        }

        return new AuthorityDecision(snapshot, request, requesterRole, effectiveRole, action, amount, now, allActionsHeadroom, in facts);
    }

    /// <summary>Marks "walk the ladder for an approver" in <see cref="Decide"/>'s answer.</summary>
    private const int FindApprover = int.MinValue;

    /// <summary>
    /// The outcome from the facts: denied by a condition, allowed within authority, or needing an
    /// approval; then <paramref name="approver"/> is the role that approves when it is already known,
    /// or <see cref="FindApprover"/> when the ladder must be walked.
    /// </summary>
    private static DecisionOutcome Decide(PolicySnapshot snapshot, in DecisionFacts facts, in Effects requested, int requesterRole, int action, int approverRole, decimal amount, out int approver)
    {
        approver = -1;
        if (requested.Outcome == ConditionEffect.Deny)
        {
            return DecisionOutcome.Denied;
        }

        bool withinAuthority = !facts.NoAuthority && ChecksPass(in facts, amount);
        bool approvalForced = requested.Outcome == ConditionEffect.RequireApproval && !facts.ForcedApprovalSatisfied;
        if (withinAuthority && !approvalForced)
        {
            return DecisionOutcome.Allowed;
        }

        // A named approver whose role covers the request but whose own per-agent budget is spent:
        // another person in the same role can approve; nobody higher is needed. Otherwise walk the
        // ladder (at its top a peer, another person in the same role, approves what only needs a
        // second pair of eyes or another person's own budget).
        approver = approverRole >= 0 && !approvalForced && !facts.NoAuthority && IncidentAndCustomerChecksPass(in facts, amount)
            ? approverRole
            : FindApprover;
        return DecisionOutcome.RequiresApproval;
    }

    private static bool NeedsConversion(PolicySnapshot snapshot, ResolutionRequest request, int action) =>
        snapshot.Actions[action].IsMoney && request.Currency is { } currency && !string.Equals(currency, snapshot.Currency, StringComparison.OrdinalIgnoreCase);

    /// <summary>The request's money amount in the policy currency, rounded to its minor unit.</summary>
    private async ValueTask<decimal> ConvertAsync(PolicySnapshot snapshot, ResolutionRequest request, CancellationToken cancellationToken)
    {
        string currency = request.Currency!;
        decimal amount = decimal.Round(
            await _currencyConverter!.ConvertAsync(request.Amount, currency.ToUpperInvariant(), snapshot.Currency, cancellationToken).ConfigureAwait(false),
            snapshot.MinorUnits,
            MidpointRounding.AwayFromZero);
        if (amount <= 0)
        {
            throw new ArgumentException($"Converting {request.Amount.ToString(CultureInfo.InvariantCulture)} {currency} to {snapshot.Currency} gave {amount.ToString(CultureInfo.InvariantCulture)}; the amount must stay greater than zero.", nameof(request));
        }

        return amount;
    }

    /// <summary>
    /// Asks the policy's host conditions (once each, before the tests, so the tests themselves run
    /// synchronously), then matches. Their answers are kept (a copy, only for policies with host
    /// conditions) so the reasons can show them.
    /// </summary>
    private static async ValueTask<(ulong Matched, bool[] HostResults)> MatchWithHostConditionsAsync(PolicySnapshot snapshot, ResolutionRequest request, decimal amount, DateTimeOffset now, CancellationToken cancellationToken)
    {
        bool[] hostResults = new bool[snapshot.HostSlots];
        await AskHostConditionsAsync(snapshot, request, now, hostResults, cancellationToken).ConfigureAwait(false);
        return (MatchConditions(snapshot, request, amount, now, hostResults), hostResults);
    }

    /// <summary>
    /// Matches every condition's test against the request and returns the matched ones as a bit mask.
    /// The request's attributes are parsed (and checked against their declared types) first.
    /// </summary>
    private static ulong MatchConditions(PolicySnapshot snapshot, ResolutionRequest request, decimal amount, DateTimeOffset now, bool[]? hostResults)
    {
        AttributeSchema schema = snapshot.Attributes;
        AttributeValue[]? values = schema.Host.Length == 0 ? null : ArrayPool<AttributeValue>.Shared.Rent(schema.Host.Length);
        try
        {
            schema.Read(request, values);
            var context = new TestContext(request, amount, values, hostResults, now);
            EmpowermentPolicy empowerment = snapshot.Empowerment;
            CompiledCondition[] conditions = empowerment.Conditions;
            TestNode[] tests = empowerment.Tests;
            ulong matched = 0;
            for (int i = 0; i < conditions.Length; i++)
            {
                if (TestEvaluator.Evaluate(tests, conditions[i].Test, context))
                {
                    matched |= 1UL << i;
                }
            }

            return matched;
        }
        finally
        {
            if (values is not null)
            {
                ArrayPool<AttributeValue>.Shared.Return(values, clearArray: true);
            }
        }
    }

    /// <summary>Asks each host condition of the policy once, filling its slot.</summary>
    internal static async ValueTask AskHostConditionsAsync(PolicySnapshot snapshot, ResolutionRequest request, DateTimeOffset now, bool[] results, CancellationToken cancellationToken)
    {
        foreach (TestNode node in snapshot.Tests)
        {
            if (node.Kind == TestKind.Host)
            {
                results[node.HostSlot] = await node.HostCondition!.IsMatchAsync(new ResolutionConditionContext(request, node.Name!, node.Parameters!, now), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Lists every budget the effective role's limits touch, for every action asked about, so the
    /// ledger reads them in one batch (one round trip for a durable ledger; the pooled buffers keep
    /// evaluation allocation-free). Returns how many were listed.
    /// </summary>
    private static int BudgetQueries(PolicySnapshot snapshot, ResolutionRequest request, IdRules ids, int effectiveRole, int firstAction, int endAction, DateTimeOffset now, BudgetQuery[] queries)
    {
        EmpowermentPolicy empowerment = snapshot.Empowerment;

        // Budgets are kept under the ids' comparison keys, so that every spelling of an id shares one.
        string chargedAgent = ids.Key(request.Approver?.ApproverId ?? request.AgentId);
        string incidentKey = ids.Key(request.IncidentId);
        string customerKey = ids.Key(request.CustomerId);
        int count = 0;
        for (int a = firstAction; a < endAction; a++)
        {
            if (empowerment.LimitFor(effectiveRole, a) is not { } limit)
            {
                continue;
            }

            string actionName = snapshot.Actions[a].Name;
            queries[count++] = new BudgetQuery(new BudgetKey(BudgetScope.Incident, incidentKey, actionName), DateTimeOffset.MinValue);
            if (limit.Customer is { } customerBudget)
            {
                queries[count++] = new BudgetQuery(new BudgetKey(BudgetScope.Customer, customerKey, actionName), empowerment.Windows.Start(customerBudget, now));
            }

            if (limit.Agent is { } agentBudget)
            {
                queries[count++] = new BudgetQuery(new BudgetKey(BudgetScope.Agent, chargedAgent, actionName), empowerment.Windows.Start(agentBudget, now));
            }
        }

        return count;
    }

    /// <summary>
    /// Works out each action's limits under the matched conditions from the usage read (consumed in
    /// the order <see cref="BudgetQueries"/> asked for it): the requested action's checks and every
    /// action's headroom.
    /// </summary>
    private static void ApplyLimits(PolicySnapshot snapshot, ref DecisionFacts facts, int requesterRole, int effectiveRole, int action, int approverRole, int firstAction, int endAction, BudgetQuery[] queries, BudgetUsage[] usage)
    {
        EmpowermentPolicy empowerment = snapshot.Empowerment;
        int requesterRank = snapshot.Roles[requesterRole].Rank;
        int effectiveRank = snapshot.Roles[effectiveRole].Rank;
        int next = 0;
        for (int a = firstAction; a < endAction; a++)
        {
            Effects effects = Effects.For(empowerment.Conditions, facts.MatchedConditions, a, effectiveRole);

            // A forced approval is satisfied by an approver above the requester, or by a peer
            // (another person, per four-eyes) when the requester's role is the top of the ladder
            // for this action, so nobody above could approve.
            bool forcedSatisfied = effects.Outcome == ConditionEffect.RequireApproval
                && approverRole >= 0
                && effectiveRank >= effects.MinimumApproverRank
                && (effectiveRank > requesterRank || (effectiveRank == requesterRank && empowerment.TopHumanRole[a] == effectiveRole));
            bool blocked = effects.Outcome == ConditionEffect.Deny || (effects.Outcome == ConditionEffect.RequireApproval && !forcedSatisfied);

            CompiledLimit? limit = empowerment.LimitFor(effectiveRole, a);
            bool isRequested = a == action;
            if (isRequested)
            {
                facts.ForcedCondition = effects.ForcedCondition;
                facts.ForcedApprovalSatisfied = forcedSatisfied;
                facts.NoAuthority = limit is null;
                facts.AllowedWithoutLimit = limit is not null && effects.Unlimited;
                facts.IncidentLimitFrom = (sbyte)effects.LimitFrom(LimitScopes.PerIncident);
                facts.CustomerLimitFrom = (sbyte)effects.LimitFrom(LimitScopes.PerCustomer);
                facts.AgentLimitFrom = (sbyte)effects.LimitFrom(LimitScopes.PerAgent);
            }

            if (limit is null || effects.Unlimited)
            {
                // No budget was read for a role without limits; an Allow needs none.
                next += limit is null ? 0 : 1 + (limit.Customer is null ? 0 : 1) + (limit.Agent is null ? 0 : 1);
                facts.SetHeadroom(a, limit is null ? default : new HeadroomSlot { HasAuthority = !blocked, Amount = blocked ? 0 : decimal.MaxValue });
                continue;
            }

            var slot = new HeadroomSlot { HasAuthority = !blocked, Amount = decimal.MaxValue, Count = int.MaxValue };
            ActionEntry entry = snapshot.Actions[a];
            BudgetUsage incident = usage[next++];
            decimal? incidentAmount = effects.AmountLimit(limit.IncidentAmount, LimitScopes.PerIncident, entry);
            int? incidentCount = effects.CountLimit(limit.IncidentCount, LimitScopes.PerIncident, entry);
            Apply(ref slot, incidentAmount, incident.Amount, incidentCount, incident.Count);
            if (isRequested)
            {
                if (incidentAmount is decimal incidentLimit)
                {
                    facts.SetCheck(LimitKind.IncidentAmount, incidentLimit, incident.Amount);
                }

                if (incidentCount is int incidentCountLimit)
                {
                    facts.SetCheck(LimitKind.IncidentCount, incidentCountLimit, incident.Count);
                }
            }

            if (limit.Customer is { } customerBudget)
            {
                ApplyBudget(ref facts, ref slot, customerBudget, effects, LimitScopes.PerCustomer, entry, queries[next], usage[next], LimitKind.CustomerAmount, isRequested);
                next++;
            }

            if (limit.Agent is { } agentBudget)
            {
                ApplyBudget(ref facts, ref slot, agentBudget, effects, LimitScopes.PerAgent, entry, queries[next], usage[next], LimitKind.AgentAmount, isRequested);
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

            facts.SetHeadroom(a, slot);
        }
    }

    /// <summary>
    /// Walks up the ladder from just above <paramref name="aboveRank"/> and returns the first
    /// human role whose per-incident and per-customer limits (under the matched conditions, as they
    /// apply to that role) cover the request, or else <paramref name="peerRole"/> (-1 for none). An
    /// approver's own per-agent budget is checked when the approver grants; it is not known yet who
    /// that will be.
    /// </summary>
    private async ValueTask<int> FindApproverAsync(PolicySnapshot snapshot, ResolutionRequest request, ulong matched, int action, decimal amount, int minimumApproverRank, int aboveRank, int peerRole, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ActionEntry entry = snapshot.Actions[action];
        BudgetUsage? incident = null;
        for (int r = 0; r < snapshot.Roles.Length; r++)
        {
            RoleEntry role = snapshot.Roles[r];
            if (role.Rank <= aboveRank || role.IsBot || role.Rank < minimumApproverRank)
            {
                continue;
            }

            CompiledLimit? limit = snapshot.LimitFor(r, action);
            if (limit is null)
            {
                continue;
            }

            Effects effects = Effects.For(snapshot.Conditions, matched, action, r);
            if (effects.Unlimited)
            {
                return r;
            }

            incident ??= await _ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, _ids.Key(request.IncidentId), entry.Name), DateTimeOffset.MinValue, cancellationToken).ConfigureAwait(false);
            if (Exceeds(effects.AmountLimit(limit.IncidentAmount, LimitScopes.PerIncident, entry), incident.Value.Amount, amount)
                || Exceeds(effects.CountLimit(limit.IncidentCount, LimitScopes.PerIncident, entry), incident.Value.Count, 1))
            {
                continue;
            }

            if (limit.Customer is { } budget)
            {
                DateTimeOffset since = snapshot.Windows.Start(budget, now);
                BudgetUsage customer = await _ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, _ids.Key(request.CustomerId), entry.Name), since, cancellationToken).ConfigureAwait(false);
                if (Exceeds(effects.AmountLimit(budget.Amount, LimitScopes.PerCustomer, entry), customer.Amount, amount)
                    || Exceeds(effects.CountLimit(budget.Count, LimitScopes.PerCustomer, entry), customer.Count, 1))
                {
                    continue;
                }
            }

            return r;
        }

        return peerRole >= 0 && snapshot.Roles[peerRole].Rank >= minimumApproverRank ? peerRole : -1;

        static bool Exceeds(decimal? limit, decimal used, decimal requested) => limit is decimal value && used + requested > value;
    }

    private static bool IncidentAndCustomerChecksPass(in DecisionFacts facts, decimal amount) =>
        ChecksPass(in facts, amount, (int)LimitKind.CustomerCount + 1);

    private static bool ChecksPass(in DecisionFacts facts, decimal amount, int kinds = LimitChecks.Length)
    {
        for (int kind = 0; kind < kinds; kind++)
        {
            LimitCheck check = facts.GetCheck((LimitKind)kind);
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
    private static void ApplyBudget(ref DecisionFacts facts, ref HeadroomSlot slot, CompiledBudget budget, in Effects effects, LimitScopes scope, ActionEntry action, BudgetQuery query, BudgetUsage used, LimitKind amountKind, bool isRequested)
    {
        decimal? amountLimit = effects.AmountLimit(budget.Amount, scope, action);
        int? countLimit = effects.CountLimit(budget.Count, scope, action);
        Apply(ref slot, amountLimit, used.Amount, countLimit, used.Count);
        if (!isRequested)
        {
            return;
        }

        if (amountKind == LimitKind.CustomerAmount)
        {
            facts.CustomerWindowStart = query.Since;
        }
        else
        {
            facts.AgentWindowStart = query.Since;
        }

        if (amountLimit is decimal limit)
        {
            facts.SetCheck(amountKind, limit, used.Amount);
        }

        if (countLimit is int count)
        {
            facts.SetCheck(amountKind + 1, count, used.Count);
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
            new BudgetCharge(new BudgetKey(BudgetScope.Incident, _ids.Key(grant.IncidentId), grant.Action), DateTimeOffset.MinValue, incidentAmount.Applies ? incidentAmount.Limit : null, incidentCount.Applies ? (int)incidentCount.Limit : null),
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

    /// <summary>
    /// The combined effect of the matched conditions on one action and one role's authority. The one
    /// precedence rule: Deny beats RequireApproval (the highest required approver wins), which beats
    /// Allow, which beats absolute limits (the smallest wins), which beat multipliers (which multiply).
    /// </summary>
    private readonly struct Effects
    {
        private readonly decimal _incidentMultiplier;
        private readonly decimal _customerMultiplier;
        private readonly decimal _agentMultiplier;
        private readonly decimal? _incidentLimit;
        private readonly decimal? _customerLimit;
        private readonly decimal? _agentLimit;
        private readonly int _incidentLimitFrom;
        private readonly int _customerLimitFrom;
        private readonly int _agentLimitFrom;

        private Effects(decimal incident, decimal customer, decimal agent, decimal? incidentLimit, decimal? customerLimit, decimal? agentLimit, bool unlimited, ConditionEffect? outcome, int forced, int minimumRank, (int Incident, int Customer, int Agent) limitFrom)
        {
            (_incidentLimitFrom, _customerLimitFrom, _agentLimitFrom) = limitFrom;
            _incidentMultiplier = incident;
            _customerMultiplier = customer;
            _agentMultiplier = agent;
            _incidentLimit = incidentLimit;
            _customerLimit = customerLimit;
            _agentLimit = agentLimit;
            Unlimited = unlimited;
            Outcome = outcome;
            ForcedCondition = forced;
            MinimumApproverRank = minimumRank;
        }

        /// <summary>An Allow applies: no limit at all.</summary>
        public bool Unlimited { get; }

        /// <summary>Deny or RequireApproval, when a condition forces one.</summary>
        public ConditionEffect? Outcome { get; }

        public int ForcedCondition { get; }

        public int MinimumApproverRank { get; }

        private static readonly Effects None = new(1m, 1m, 1m, null, null, null, unlimited: false, outcome: null, forced: -1, minimumRank: int.MinValue, limitFrom: (-1, -1, -1));

        /// <summary>The condition whose absolute limit sets a scope's limit; -1 when none does (or an Allow lifts it).</summary>
        public int LimitFrom(LimitScopes scope) => Unlimited ? -1 : scope switch
        {
            LimitScopes.PerIncident => _incidentLimitFrom,
            LimitScopes.PerCustomer => _customerLimitFrom,
            _ => _agentLimitFrom,
        };

        /// <summary>The amount limit of a scope: an absolute limit if one applies, else the configured one scaled.</summary>
        public decimal? AmountLimit(decimal? configured, LimitScopes scope, ActionEntry action)
        {
            if (Unlimited || action.IsCount)
            {
                return null;
            }

            return Absolute(scope) ?? (configured is decimal value ? Scale(value, Multiplier(scope), action.Decimals) : null);
        }

        /// <summary>The count limit of a scope; for counted actions, limits and multipliers apply to counts.</summary>
        public int? CountLimit(int? configured, LimitScopes scope, ActionEntry action)
        {
            if (Unlimited)
            {
                return null;
            }

            if (!action.IsCount)
            {
                return configured;
            }

            return Absolute(scope) is decimal absolute ? (int)absolute
                : configured is int count ? (int)Math.Min(Math.Floor(count * Multiplier(scope)), int.MaxValue)
                : null;
        }

        private decimal? Absolute(LimitScopes scope) => scope switch
        {
            LimitScopes.PerIncident => _incidentLimit,
            LimitScopes.PerCustomer => _customerLimit,
            _ => _agentLimit,
        };

        private decimal Multiplier(LimitScopes scope) => scope switch
        {
            LimitScopes.PerIncident => _incidentMultiplier,
            LimitScopes.PerCustomer => _customerMultiplier,
            _ => _agentMultiplier,
        };

        public static Effects For(CompiledCondition[] conditions, ulong matched, int action, int role)
        {
            if (matched == 0)
            {
                return None;
            }

            decimal incident = 1m, customer = 1m, agent = 1m;
            decimal? incidentLimit = null, customerLimit = null, agentLimit = null;
            int incidentFrom = -1, customerFrom = -1, agentFrom = -1;
            bool unlimited = false;
            ConditionEffect? outcome = null;
            int forced = -1;
            int minimumRank = int.MinValue;
            for (ulong remaining = matched; remaining != 0; remaining &= remaining - 1)
            {
                int i = System.Numerics.BitOperations.TrailingZeroCount(remaining);
                CompiledCondition condition = conditions[i];
                if (!condition.AppliesTo(action))
                {
                    continue;
                }

                switch (condition.Effect)
                {
                    case ConditionEffect.Deny:
                        if (outcome != ConditionEffect.Deny)
                        {
                            forced = i;
                        }

                        outcome = ConditionEffect.Deny;
                        break;
                    case ConditionEffect.RequireApproval:
                        if (outcome != ConditionEffect.Deny && (outcome is null || condition.MinimumApproverRank > minimumRank))
                        {
                            forced = i;
                        }

                        outcome = outcome == ConditionEffect.Deny ? outcome : ConditionEffect.RequireApproval;
                        minimumRank = Math.Max(minimumRank, condition.MinimumApproverRank);
                        break;
                    case ConditionEffect.Allow when condition.AppliesToRole(role):
                        unlimited = true;
                        break;
                    case ConditionEffect.Limit when condition.AppliesToRole(role):
                        decimal value = condition.Limit!.Value;
                        incidentLimit = Smaller(incidentLimit, value, condition.Scopes, LimitScopes.PerIncident, i, ref incidentFrom);
                        customerLimit = Smaller(customerLimit, value, condition.Scopes, LimitScopes.PerCustomer, i, ref customerFrom);
                        agentLimit = Smaller(agentLimit, value, condition.Scopes, LimitScopes.PerAgent, i, ref agentFrom);
                        break;
                    case ConditionEffect.Multiply when condition.AppliesToRole(role):
                        // Capped so that no combination of multipliers can overflow a decimal.
                        decimal factor = condition.Multiplier;
                        incident = (condition.Scopes & LimitScopes.PerIncident) != 0 ? Math.Min(incident * factor, EmpowermentCompiler.MaxMultiplier) : incident;
                        customer = (condition.Scopes & LimitScopes.PerCustomer) != 0 ? Math.Min(customer * factor, EmpowermentCompiler.MaxMultiplier) : customer;
                        agent = (condition.Scopes & LimitScopes.PerAgent) != 0 ? Math.Min(agent * factor, EmpowermentCompiler.MaxMultiplier) : agent;
                        break;
                }
            }

            return new Effects(incident, customer, agent, incidentLimit, customerLimit, agentLimit, unlimited, outcome, forced, minimumRank, (incidentFrom, customerFrom, agentFrom));

            static decimal? Smaller(decimal? current, decimal value, LimitScopes scopes, LimitScopes scope, int condition, ref int from)
            {
                if ((scopes & scope) == 0 || (current is decimal existing && existing <= value))
                {
                    return current;
                }

                from = condition;
                return value;
            }
        }

        /// <summary>Scales a limit by a multiplier, rounding down to the unit's decimals (never grant a fraction of a cent more).</summary>
        private static decimal Scale(decimal limit, decimal multiplier, int decimals) =>
            multiplier == 1m ? limit : decimal.Round(limit * multiplier, decimals, MidpointRounding.ToZero);
    }
}
