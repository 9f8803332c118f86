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
internal sealed partial class ResolutionAuthority : IResolutionAuthority
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

    /// <summary>The ledger, when it is the in-memory one and compares ids as <see cref="_ids"/> does: read directly, synchronously.</summary>
    private readonly InMemoryBudgetLedger? _fastLedger;

    /// <summary>The ledger, when it can reserve and report usage in one round trip (see ResolutionAuthority.OneRoundTrip.cs).</summary>
    private readonly IReservingWithUsageLedger? _reservingLedger;

    /// <summary>Whether that ledger stores a grant's decision record in the reservation's own statement (the decision log is its own, on the same database).</summary>
    private readonly bool _reservationLogsGrants;

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
        _fastLedger = ledger is InMemoryBudgetLedger memory && memory.Comparison == _ids.Comparison ? memory : null;
        _reservingLedger = ledger as IReservingWithUsageLedger;
        _reservationLogsGrants = _reservingLedger?.StoresDecisionsOf(decisionLog) == true;
    }

    public ValueTask<AuthorityDecision> EvaluateAsync(ResolutionRequest request, CancellationToken cancellationToken = default) =>
        EvaluateAsync(request, HeadroomScope.AllActions, cancellationToken);

    /// <summary>
    /// Evaluates as <see cref="EvaluateAsync(ResolutionRequest, CancellationToken)"/> does, working out
    /// the headroom only of the actions <paramref name="headroom"/> names: the what-if replay asks for
    /// <see cref="HeadroomScope.RequestedAction"/>, the same outcome, reasons and approver in about half the time.
    /// </summary>
    internal ValueTask<AuthorityDecision> EvaluateAsync(ResolutionRequest request, HeadroomScope headroom, CancellationToken cancellationToken = default)
    {
        if (headroom is not (HeadroomScope.AllActions or HeadroomScope.RequestedAction))
        {
            throw new ArgumentOutOfRangeException(nameof(headroom), headroom, $"HeadroomScope {headroom} is not defined; use AllActions or RequestedAction.");
        }

        long started = _telemetry.EvaluationDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        ValueTask<AuthorityDecision> evaluation = EvaluateCoreAsync(_policy.Current, request, cancellationToken, headroom);
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
        if (_reservingLedger is { ReservesWithUsage: true } reserving
            && await GrantInOneRoundTripAsync(reserving, request, activity, cancellationToken).ConfigureAwait(false) is { } done)
        {
            return done;
        }

        GrantRecord? existing = await _ledger.FindByIdempotencyKeyAsync(request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return Replay(existing, request);
        }

        for (int attempt = 1; attempt <= MaxReservationAttempts; attempt++)
        {
            long started = _telemetry.EvaluationDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
            // A grant needs the outcome, not the headroom of every other action.
            AuthorityDecision decision = await EvaluateCoreAsync(_policy.Current, request, cancellationToken, HeadroomScope.RequestedAction).ConfigureAwait(false);
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
            ReservationResult result = _fastLedger is { } memory
                ? ReserveInMemory(memory, decision, grant, cancellationToken)
                : await _ledger.TryReserveAsync(new BudgetReservation { Grant = grant, Charges = Charges(decision, grant) }, cancellationToken).ConfigureAwait(false);
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
    /// normalise the request, match the conditions, read the budgets, work out the limits (of the
    /// requested action, and every action's headroom when asked), decide, and find an approver when
    /// the request exceeds the authority. Amounts are whole minor units in a <see langword="long"/>
    /// throughout. With the in-memory ledger, no host condition and no currency conversion (the
    /// common case) nothing waits, so the work runs synchronously with no state machine.
    /// </summary>
    internal ValueTask<AuthorityDecision> EvaluateCoreAsync(PolicySnapshot snapshot, ResolutionRequest request, CancellationToken cancellationToken, HeadroomScope headroom = HeadroomScope.AllActions)
    {
        // 1. Normalise: a malformed request is the host's error, never a business "no".
        RequestValidator.Validate(request, snapshot, _ids, _currencyConverter is not null, out int requesterRole, out int action, out int approverRole);
        if (_fastLedger is null || snapshot.HostSlots != 0 || NeedsConversion(snapshot, request, action))
        {
            return EvaluateWithIoAsync(snapshot, request, requesterRole, action, approverRole, headroom, cancellationToken);
        }

        DateTimeOffset now = _time.GetUtcNow();
        long amount = MinorUnits.From(request.Amount, snapshot.Actions[action].Decimals);

        // The decision is made first and its facts filled where they stay: no copy of them from the stack.
        var decision = new AuthorityDecision(snapshot, request, requesterRole, EffectiveRole(requesterRole, approverRole), action, amount, now);
        DecideInMemory(_fastLedger, snapshot, request, requesterRole, action, approverRole, headroom, amount, now, ref decision.Facts);
        return new ValueTask<AuthorityDecision>(decision);
    }

    /// <summary>The role whose limits apply: the approver's when the request carries one, the requester's otherwise.</summary>
    private static int EffectiveRole(int requesterRole, int approverRole) => approverRole >= 0 ? approverRole : requesterRole;

    /// <summary>
    /// Steps 2 to 6 of <see cref="EvaluateCoreAsync"/> on the in-memory ledger, synchronously (the
    /// approver walk reads the same ledger): the facts a decision is made of, outcome and approver
    /// settled, written into <paramref name="facts"/>, which must be zeroed (a new decision's, or
    /// <see langword="default"/>).
    /// </summary>
    private static void DecideInMemory(InMemoryBudgetLedger ledger, PolicySnapshot snapshot, ResolutionRequest request, int requesterRole, int action, int approverRole, HeadroomScope headroom, long amount, DateTimeOffset now, ref DecisionFacts facts)
    {
        int effectiveRole = EffectiveRole(requesterRole, approverRole);
        facts.Begin();

        // 2. Conditions: matched once per request; each applies to the actions (and roles) it names.
        facts.Matched = MatchConditions(snapshot, request, request.Amount, now, hostResults: null);

        // 3. Budgets, straight from the in-memory ledger; 4. the limits under the matched conditions.
        // Every action's headroom is worked out when it is read, from the usage read here (the same
        // reading of the ledger): a caller that needs the outcome pays for the requested action only.
        Effects requested = Effects.For(snapshot.Conditions, facts.Matched, action, effectiveRole);
        SetApprover(ref facts, approverRole);
        CompiledLimit? limit = snapshot.LimitFor(effectiveRole, action);
        UsageBuffer buffer = default;
        Subjects subjects;
        if (headroom == HeadroomScope.AllActions)
        {
            // Nothing ever charged to the incident, customer or agent (a fresh incident on a policy
            // of incident limits, say): every usage is zero, and the decision keeps no array of zeros.
            EmpowermentPolicy empowerment = snapshot.Empowerment;
            int budgets = BudgetCount(snapshot, effectiveRole, 0, snapshot.Actions.Length);
            (bool customerBudgets, bool agentBudgets) = empowerment.BudgetScopes(effectiveRole);
            subjects = Subjects.Find(ledger, request, budgets != 0, customerBudgets, agentBudgets);
            if (budgets == 0 || subjects.None)
            {
                facts.Usage = KeptUsage.AllZero;
            }
            else
            {
                // Read onto the stack (or a pooled buffer for a very large policy), then kept packed.
                MinorUsage[]? rented = budgets > StackBudgets ? ArrayPool<MinorUsage>.Shared.Rent(budgets) : null;
                Span<MinorUsage> all = rented is null ? stackalloc MinorUsage[StackBudgets] : rented;
                all = all[..budgets];
                ReadInMemory(in subjects, snapshot, effectiveRole, 0, snapshot.Actions.Length, now, all);
                facts.Usage = KeptUsage.Pack(all);
                int start = empowerment.BudgetStart(effectiveRole, action);
                if (start < budgets)
                {
                    all.Slice(start, Math.Min(UsageBuffer.Length, budgets - start)).CopyTo(buffer);
                }
                if (rented is not null)
                {
                    ArrayPool<MinorUsage>.Shared.Return(rented);
                }
            }

            facts.Set(DecisionFlags.AllActions, true);
            ApplyLimits(snapshot, ref facts, requesterRole, effectiveRole, action, approverRole, in requested, buffer);
        }
        else
        {
            subjects = Subjects.Find(ledger, request, limit is not null, limit?.Customer is not null, limit?.Agent is not null);
            Span<MinorUsage> usage = buffer[..(limit is null ? 0 : 1 + (limit.Customer is null ? 0 : 1) + (limit.Agent is null ? 0 : 1))];
            ReadInMemory(in subjects, snapshot, effectiveRole, action, action + 1, now, usage);
            ApplyLimits(snapshot, ref facts, requesterRole, effectiveRole, action, approverRole, in requested, usage);
        }

        // 5. The outcome, and 6. an approver when the request exceeds the authority: the walk reads
        // the subjects found above, and the incident's usage of the requested action as read.
        facts.Outcome = Decide(in facts, requested, approverRole, amount, out int approverNeeded);
        if (approverNeeded == FindApprover)
        {
            MinorUsage? incidentUsage = limit is not null ? buffer[0] : null;
            approverNeeded = FindApproverInMemory(ledger, in subjects, incidentUsage, snapshot, request, facts.Matched, action, amount, requested.MinimumApproverRank, ApproverAboveRank(snapshot, requesterRole, effectiveRole), PeerApprover(snapshot, in facts, requesterRole, action, approverRole, amount), now);
        }

        SettleApprover(ref facts, approverNeeded);
    }

    /// <summary>
    /// The what-if replay's evaluation of <paramref name="request"/> for the requested action only
    /// (<see cref="HeadroomScope.RequestedAction"/>): the same outcome, action, amount and time as
    /// <see cref="EvaluateAsync(ResolutionRequest, HeadroomScope, CancellationToken)"/> gives, and
    /// the same telemetry, without the decision object when it runs on the in-memory ledger (a
    /// million replayed records would otherwise make a million of them for the collector).
    /// </summary>
    /// <exception cref="ArgumentException">The request is malformed or names what the policy does not have.</exception>
    internal ValueTask<EvaluationSummary> EvaluateSummaryAsync(ResolutionRequest request, CancellationToken cancellationToken)
    {
        long started = _telemetry.EvaluationDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        PolicySnapshot snapshot = _policy.Current;
        RequestValidator.Validate(request, snapshot, _ids, _currencyConverter is not null, out int requesterRole, out int action, out int approverRole);
        if (_fastLedger is null || snapshot.HostSlots != 0 || NeedsConversion(snapshot, request, action))
        {
            return Summarise(EvaluateWithIoAsync(snapshot, request, requesterRole, action, approverRole, HeadroomScope.RequestedAction, cancellationToken), started);
        }

        DateTimeOffset now = _time.GetUtcNow();
        ActionEntry entry = snapshot.Actions[action];
        long amount = MinorUnits.From(request.Amount, entry.Decimals);
        var facts = default(DecisionFacts);
        DecideInMemory(_fastLedger, snapshot, request, requesterRole, action, approverRole, HeadroomScope.RequestedAction, amount, now, ref facts);
        Record(facts.Outcome, entry.Name, started);
        return new ValueTask<EvaluationSummary>(new EvaluationSummary(facts.Outcome, entry.Name, MinorUnits.ToDecimal(amount, entry.Decimals), new DateTimeOffset(now.UtcTicks, TimeSpan.Zero)));

        async ValueTask<EvaluationSummary> Summarise(ValueTask<AuthorityDecision> pending, long start)
        {
            AuthorityDecision decision = await pending.ConfigureAwait(false);
            Record(decision, start);
            return new EvaluationSummary(decision.Outcome, decision.Action, decision.Amount, decision.EvaluatedAt);
        }
    }

    /// <summary>The evaluation when something may wait: a durable ledger, host conditions or a currency converter.</summary>
    private async ValueTask<AuthorityDecision> EvaluateWithIoAsync(PolicySnapshot snapshot, ResolutionRequest request, int requesterRole, int action, int approverRole, HeadroomScope headroom, CancellationToken cancellationToken)
    {
        // Only money in another currency needs the (possibly remote) converter.
        decimal amountValue = NeedsConversion(snapshot, request, action)
            ? await ConvertAsync(snapshot, request, cancellationToken).ConfigureAwait(false)
            : request.Amount;
        long amount = MinorUnits.From(amountValue, snapshot.Actions[action].Decimals);
        DateTimeOffset now = _time.GetUtcNow();
        int effectiveRole = approverRole >= 0 ? approverRole : requesterRole;
        var facts = new DecisionFacts();

        if (snapshot.HostSlots == 0)
        {
            facts.Matched = MatchConditions(snapshot, request, amountValue, now, hostResults: null);
        }
        else
        {
            // Host conditions are asked once each, before the tests, so the tests themselves run
            // synchronously; their answers are kept so the reasons can show them.
            bool[] hostResults = new bool[snapshot.HostSlots];
            await AskHostConditionsAsync(snapshot, request, now, hostResults, cancellationToken).ConfigureAwait(false);
            facts.HostResults = hostResults;
            facts.Matched = MatchConditions(snapshot, request, amountValue, now, hostResults);
        }

        // Budgets in one batch (one round trip for a durable ledger), in pooled buffers; every
        // action's usage is kept in the decision, whose headroom is worked out from it when read.
        Effects requested = Effects.For(snapshot.Conditions, facts.Matched, action, effectiveRole);
        SetApprover(ref facts, approverRole);
        bool allActions = headroom == HeadroomScope.AllActions;
        (int firstAction, int endAction) = allActions ? (0, snapshot.Actions.Length) : (action, action + 1);
        int budgets = BudgetCount(snapshot, effectiveRole, firstAction, endAction);
        BudgetQuery[] queries = ArrayPool<BudgetQuery>.Shared.Rent(Math.Max(budgets, 1));
        BudgetUsage[] usage = ArrayPool<BudgetUsage>.Shared.Rent(Math.Max(budgets, 1));
        MinorUsage[] minor = ArrayPool<MinorUsage>.Shared.Rent(Math.Max(budgets, 1));
        try
        {
            BudgetQueries(snapshot, request, _ids, effectiveRole, firstAction, endAction, now, queries);
            await _ledger.ReadUsageAsync(queries.AsMemory(0, budgets), usage.AsMemory(0, budgets), cancellationToken).ConfigureAwait(false);
            ToMinorUnits(snapshot, effectiveRole, firstAction, endAction, usage, minor);
            int start = 0;
            if (allActions)
            {
                facts.Usage = KeptUsage.Pack(minor.AsSpan(0, budgets));
                facts.Set(DecisionFlags.AllActions, true);
                start = snapshot.Empowerment.BudgetStart(effectiveRole, action);
            }

            ApplyLimits(snapshot, ref facts, requesterRole, effectiveRole, action, approverRole, in requested, minor.AsSpan(start, BudgetCount(snapshot, effectiveRole, action, action + 1)));
        }
        finally
        {
            ArrayPool<BudgetQuery>.Shared.Return(queries);
            ArrayPool<BudgetUsage>.Shared.Return(usage);
            ArrayPool<MinorUsage>.Shared.Return(minor);
        }

        facts.Outcome = Decide(in facts, requested, approverRole, amount, out int approverNeeded);
        if (approverNeeded == FindApprover)
        {
            approverNeeded = await FindApproverAsync(snapshot, request, in facts, requested, requesterRole, effectiveRole, action, approverRole, amount, now, cancellationToken).ConfigureAwait(false);
        }

        return Finish(snapshot, request, requesterRole, effectiveRole, action, amount, now, ref facts, approverNeeded);
    }

    /// <summary>Settles who approves (or that nobody can, which denies) and makes the decision.</summary>
    private static AuthorityDecision Finish(PolicySnapshot snapshot, ResolutionRequest request, int requesterRole, int effectiveRole, int action, long amount, DateTimeOffset now, ref DecisionFacts facts, int approverNeeded)
    {
        SettleApprover(ref facts, approverNeeded);
        return new AuthorityDecision(snapshot, request, requesterRole, effectiveRole, action, amount, now, in facts);
    }

    /// <summary>Settles who approves a request that needs approval, or that nobody can, which denies it.</summary>
    private static void SettleApprover(ref DecisionFacts facts, int approverNeeded)
    {
        if (facts.Outcome == DecisionOutcome.RequiresApproval)
        {
            if (approverNeeded >= 0)
            {
                facts.ApproverRoleIndex = approverNeeded;
            }
            else
            {
                facts.Set(DecisionFlags.NoApprover, true);
                facts.Outcome = DecisionOutcome.Denied;
            }
        }
    }

    /// <summary>Marks "walk the ladder for an approver" in <see cref="Decide"/>'s answer.</summary>
    private const int FindApprover = int.MinValue;

    /// <summary>
    /// The outcome from the facts: denied by a condition, allowed within authority, or needing an
    /// approval; then <paramref name="approver"/> is the role that approves when it is already known,
    /// or <see cref="FindApprover"/> when the ladder must be walked.
    /// </summary>
    private static DecisionOutcome Decide(in DecisionFacts facts, in Effects requested, int approverRole, long amount, out int approver)
    {
        approver = -1;
        if (requested.Outcome == ConditionEffect.Deny)
        {
            return DecisionOutcome.Denied;
        }

        bool noAuthority = facts.Has(DecisionFlags.NoAuthority);
        bool withinAuthority = !noAuthority && facts.ChecksPass(amount);
        bool approvalForced = requested.Outcome == ConditionEffect.RequireApproval && !facts.Has(DecisionFlags.ForcedApprovalSatisfied);
        if (withinAuthority && !approvalForced)
        {
            return DecisionOutcome.Allowed;
        }

        // A named approver whose role covers the request but whose own per-agent budget is spent:
        // another person in the same role can approve; nobody higher is needed. Otherwise walk the
        // ladder (at its top a peer, another person in the same role, approves what only needs a
        // second pair of eyes or another person's own budget).
        approver = approverRole >= 0 && !approvalForced && !noAuthority && facts.ChecksPass(amount, IncidentAndCustomerKinds)
            ? approverRole
            : FindApprover;
        return DecisionOutcome.RequiresApproval;
    }

    /// <summary>The checks of the incident and customer limits: the first four kinds.</summary>
    private const int IncidentAndCustomerKinds = (int)LimitKind.CustomerCount + 1;

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
    /// Matches every condition's test against the request and returns the matched ones. The
    /// request's attributes are parsed (and checked against their declared types) first.
    /// </summary>
    private static ConditionSet MatchConditions(PolicySnapshot snapshot, ResolutionRequest request, decimal amount, DateTimeOffset now, bool[]? hostResults)
    {
        EmpowermentPolicy empowerment = snapshot.Empowerment;
        CompiledCondition[] conditions = empowerment.Conditions;
        var matched = default(ConditionSet);

        // Read even when no condition tests them: a required or mistyped attribute is the host's error either way.
        AttributeSchema schema = snapshot.Attributes;
        AttributeValue[]? values = schema.Host.Length == 0 ? null : ArrayPool<AttributeValue>.Shared.Rent(schema.Host.Length);
        try
        {
            schema.Read(request, values);
            var context = new TestContext(request, amount, values, hostResults, now);
            TestNode[] tests = empowerment.Tests;

            // Conditions that test one text attribute against a set are looked up by the request's
            // value (a condition naming a value nobody sent costs nothing); the rest are evaluated.
            ConditionIndex index = empowerment.ConditionIndex;
            index.Match(request, values, ref matched, conditions.Length);
            foreach (int i in index.Evaluated)
            {
                if (TestEvaluator.Evaluate(tests, conditions[i].Test, context))
                {
                    matched.Add(i, conditions.Length);
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

    /// <summary>How many budgets the effective role's limits touch over the actions asked about: one per incident, one per customer and one per agent budget.</summary>
    private static int BudgetCount(PolicySnapshot snapshot, int effectiveRole, int firstAction, int endAction)
    {
        EmpowermentPolicy empowerment = snapshot.Empowerment;
        int count = 0;
        for (int a = firstAction; a < endAction; a++)
        {
            if (empowerment.LimitFor(effectiveRole, a) is { } limit)
            {
                count += 1 + (limit.Customer is null ? 0 : 1) + (limit.Agent is null ? 0 : 1);
            }
        }

        return count;
    }

    /// <summary>
    /// Lists every budget the effective role's limits touch, for every action asked about, in the
    /// order <see cref="ApplyLimits"/> consumes them, so the ledger reads them in one batch.
    /// </summary>
    private static void BudgetQueries(PolicySnapshot snapshot, ResolutionRequest request, IdRules ids, int effectiveRole, int firstAction, int endAction, DateTimeOffset now, BudgetQuery[] queries)
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
    }

    /// <summary>The usage a durable ledger read (in the order <see cref="BudgetQueries"/> lists it) in each action's minor units.</summary>
    private static void ToMinorUnits(PolicySnapshot snapshot, int effectiveRole, int firstAction, int endAction, BudgetUsage[] usage, MinorUsage[] minor)
    {
        EmpowermentPolicy empowerment = snapshot.Empowerment;
        int next = 0;
        for (int a = firstAction; a < endAction; a++)
        {
            if (empowerment.LimitFor(effectiveRole, a) is not { } limit)
            {
                continue;
            }

            int decimals = snapshot.Actions[a].Decimals;
            for (int end = next + 1 + (limit.Customer is null ? 0 : 1) + (limit.Agent is null ? 0 : 1); next < end; next++)
            {
                minor[next] = MinorUsage.Of(usage[next], decimals);
            }
        }
    }

    /// <summary>
    /// The subjects (incident, customer, agent) of an in-memory read, each found once by its id as
    /// the request spells it (the ledger compares ids as the id rule does, so no key is built), and
    /// only when a limit read needs it; <see langword="null"/> for one never charged. On the what-if
    /// replay's ledger, which keeps incident budgets as running totals rather than subjects,
    /// <c>Replay</c> and <c>IncidentId</c> say where the incident's totals are. <c>CustomerSought</c>
    /// says whether the customer was looked up (so a null <c>Customer</c> means never charged), for
    /// the approver walk, which reads the same subjects.
    /// </summary>
    private readonly record struct Subjects(InMemoryBudgetLedger.Subject? Incident, InMemoryBudgetLedger.Subject? Customer, InMemoryBudgetLedger.Subject? Agent, InMemoryBudgetLedger? Replay, string? IncidentId, bool CustomerSought)
    {
        /// <summary>Nothing was ever charged to any of them: every budget read is zero.</summary>
        public bool None => Incident is null && Customer is null && Agent is null && Replay is null;

        public static Subjects Find(InMemoryBudgetLedger ledger, ResolutionRequest request, bool incident, bool customer, bool agent) => new(
            incident && !ledger.IsReplay ? ledger.FindSubject(BudgetScope.Incident, request.IncidentId) : null,
            customer ? ledger.FindSubject(BudgetScope.Customer, request.CustomerId) : null,
            agent ? ledger.FindSubject(BudgetScope.Agent, request.Approver?.ApproverId ?? request.AgentId) : null,
            incident && ledger.IsReplay ? ledger : null,
            incident && ledger.IsReplay ? request.IncidentId : null,
            customer);
    }

    /// <summary>
    /// The same reads as <see cref="BudgetQueries"/> and <see cref="IBudgetLedger.ReadUsageAsync"/>,
    /// straight from the in-memory ledger's <paramref name="subjects"/>: each action's budget read
    /// without a lock.
    /// </summary>
    private static void ReadInMemory(in Subjects subjects, PolicySnapshot snapshot, int effectiveRole, int firstAction, int endAction, DateTimeOffset now, Span<MinorUsage> usage)
    {
        EmpowermentPolicy empowerment = snapshot.Empowerment;
        InMemoryBudgetLedger.Subject? incident = subjects.Incident, customer = subjects.Customer, agent = subjects.Agent;
        int count = 0;
        for (int a = firstAction; a < endAction; a++)
        {
            if (empowerment.LimitFor(effectiveRole, a) is not { } limit)
            {
                continue;
            }

            string actionName = snapshot.Actions[a].Name;
            int decimals = snapshot.Actions[a].Decimals;
            usage[count++] = subjects.Replay is { } replay
                ? replay.IncidentMinorUsage(subjects.IncidentId!, actionName, decimals) // a replay ledger keeps incident budgets as totals, not subjects
                : incident?.MinorUsage(actionName, DateTimeOffset.MinValue, decimals) ?? default;
            if (limit.Customer is { } customerBudget)
            {
                usage[count++] = customer?.MinorUsage(actionName, empowerment.Windows.Start(customerBudget, now), decimals) ?? default;
            }

            if (limit.Agent is { } agentBudget)
            {
                usage[count++] = agent?.MinorUsage(actionName, empowerment.Windows.Start(agentBudget, now), decimals) ?? default;
            }
        }
    }

    /// <summary>Notes whether the request names an approver, so the decision can work out headroom later as the evaluation did.</summary>
    private static void SetApprover(ref DecisionFacts facts, int approverRole) => facts.Set(DecisionFlags.HasApprover, approverRole >= 0);

    /// <summary>
    /// Works out the requested action's limits under the matched conditions (<paramref name="effects"/>)
    /// from its usage (consumed in the order <see cref="BudgetQueries"/> lists it) and records its
    /// checks. Other actions' headroom is worked out by <see cref="HeadroomOf"/> when it is read.
    /// </summary>
    private static void ApplyLimits(PolicySnapshot snapshot, ref DecisionFacts facts, int requesterRole, int effectiveRole, int action, int approverRole, in Effects effects, ReadOnlySpan<MinorUsage> usage)
    {
        EmpowermentPolicy empowerment = snapshot.Empowerment;
        bool forcedSatisfied = ForcedApprovalSatisfied(snapshot, in effects, requesterRole, effectiveRole, approverRole, action);
        bool blocked = effects.Outcome == ConditionEffect.Deny || (effects.Outcome == ConditionEffect.RequireApproval && !forcedSatisfied);
        CompiledLimit? limit = empowerment.LimitFor(effectiveRole, action);
        facts.ForcedCondition = effects.ForcedCondition;
        facts.Set(DecisionFlags.ForcedApprovalSatisfied, forcedSatisfied);
        facts.Set(DecisionFlags.NoAuthority, limit is null);
        facts.Set(DecisionFlags.AllowedWithoutLimit, limit is not null && effects.Unlimited);
        facts.Set(DecisionFlags.Blocked, blocked);
        facts.IncidentLimitFrom = effects.LimitFrom(LimitScopes.PerIncident);
        facts.CustomerLimitFrom = effects.LimitFrom(LimitScopes.PerCustomer);
        facts.AgentLimitFrom = effects.LimitFrom(LimitScopes.PerAgent);
        if (limit is null || effects.Unlimited)
        {
            // No budget was read for a role without limits; an Allow needs none.
            return;
        }

        HeadroomSlot unused = default;
        ApplyLimit(ref facts, ref unused, in effects, limit, snapshot.Actions[action], usage, isRequested: true);
    }

    /// <summary>The most budgets an in-memory evaluation reads onto the stack (16 bytes each); more are read into a pooled buffer.</summary>
    private const int StackBudgets = 24;

    /// <summary>
    /// One action's headroom, as the evaluation that read <paramref name="allUsage"/> (every action's
    /// budgets, in the order <see cref="BudgetQueries"/> lists them; empty when all were zero) would
    /// have worked it out: the decision calls it when its headroom is read, so the ledger is not read again.
    /// </summary>
    internal static HeadroomSlot HeadroomOf(PolicySnapshot snapshot, ConditionSet matched, int requesterRole, int effectiveRole, int approverRole, int action, KeptUsage allUsage) =>
        new HeadroomReader(snapshot, matched, requesterRole, effectiveRole, approverRole, allUsage).Of(action);

    /// <summary>
    /// Works out actions' headroom as the evaluation would have (see <see cref="HeadroomOf"/>), for a
    /// decision whose every action's headroom is read: when no matched condition names the actions it
    /// applies to (every matched condition applies to every action), the conditions' effects are the
    /// same for every action and are worked out once, not once an action.
    /// </summary>
    internal readonly struct HeadroomReader
    {
        private readonly PolicySnapshot _snapshot;
        private readonly ConditionSet _matched;
        private readonly KeptUsage _usage;
        private readonly int _requesterRole;
        private readonly int _effectiveRole;
        private readonly int _approverRole;
        private readonly bool _shared;
        private readonly Effects _effects;

        public HeadroomReader(PolicySnapshot snapshot, ConditionSet matched, int requesterRole, int effectiveRole, int approverRole, KeptUsage allUsage)
        {
            _snapshot = snapshot;
            _matched = matched;
            _usage = allUsage;
            _requesterRole = requesterRole;
            _effectiveRole = effectiveRole;
            _approverRole = approverRole;
            CompiledCondition[] conditions = snapshot.Empowerment.Conditions;
            _shared = NamesNoAction(conditions, matched);
            _effects = _shared ? Effects.For(conditions, matched, action: 0, effectiveRole) : default;
        }

        /// <summary>One action's headroom.</summary>
        public HeadroomSlot Of(int action)
        {
            EmpowermentPolicy empowerment = _snapshot.Empowerment;
            CompiledLimit? limit = empowerment.LimitFor(_effectiveRole, action);
            if (limit is null)
            {
                return default;
            }

            return _shared
                ? Slot(in _effects, limit, action)
                : Slot(Effects.For(empowerment.Conditions, _matched, action, _effectiveRole), limit, action);
        }

        private HeadroomSlot Slot(in Effects effects, CompiledLimit limit, int action)
        {
            PolicySnapshot snapshot = _snapshot;

            // This action's budgets (zeros when every budget read was zero: see DecideInMemory).
            UsageBuffer usage = default;
            _usage.CopyTo(snapshot.Empowerment.BudgetStart(_effectiveRole, action), usage);

            bool forcedSatisfied = ForcedApprovalSatisfied(snapshot, in effects, _requesterRole, _effectiveRole, _approverRole, action);
            bool blocked = effects.Outcome == ConditionEffect.Deny || (effects.Outcome == ConditionEffect.RequireApproval && !forcedSatisfied);
            if (effects.Unlimited)
            {
                return new HeadroomSlot { HasAuthority = !blocked, Amount = blocked ? 0 : long.MaxValue };
            }

            var slot = new HeadroomSlot { HasAuthority = !blocked, Amount = long.MaxValue, Count = int.MaxValue };

            // Another action's headroom records no check, so no facts are written (ApplyScope touches
            // them only for the requested action).
            ApplyLimit(ref System.Runtime.CompilerServices.Unsafe.NullRef<DecisionFacts>(), ref slot, in effects, limit, snapshot.Actions[action], usage, isRequested: false);
            slot.Finish();
            return slot;
        }

        /// <summary>Whether every matched condition applies to every action (none names its actions).</summary>
        private static bool NamesNoAction(CompiledCondition[] conditions, ConditionSet matched)
        {
            foreach (int i in matched)
            {
                if (conditions[i].Actions is not null)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// A forced approval is satisfied by an approver above the requester, or by a peer (another
    /// person, per four-eyes) when the requester's role is the top of the ladder for this action,
    /// so nobody above could approve.
    /// </summary>
    private static bool ForcedApprovalSatisfied(PolicySnapshot snapshot, in Effects effects, int requesterRole, int effectiveRole, int approverRole, int action)
    {
        if (effects.Outcome != ConditionEffect.RequireApproval || approverRole < 0)
        {
            return false;
        }

        int requesterRank = snapshot.Roles[requesterRole].Rank;
        int effectiveRank = snapshot.Roles[effectiveRole].Rank;
        return effectiveRank >= effects.MinimumApproverRank
            && (effectiveRank > requesterRank || (effectiveRank == requesterRank && snapshot.TopHumanRole[action] == effectiveRole));
    }

    /// <summary>One action's three scopes, in the order <see cref="BudgetQueries"/> lists their usage.</summary>
    private static void ApplyLimit(ref DecisionFacts facts, ref HeadroomSlot slot, in Effects effects, CompiledLimit limit, ActionEntry entry, ReadOnlySpan<MinorUsage> usage, bool isRequested)
    {
        int next = 0;
        ApplyScope(ref facts, ref slot, effects, LimitScopes.PerIncident, entry, limit.IncidentAmountMinor, limit.IncidentCount, usage[next++], LimitKind.IncidentAmount, isRequested);
        if (limit.Customer is { } customerBudget)
        {
            ApplyScope(ref facts, ref slot, effects, LimitScopes.PerCustomer, entry, customerBudget.AmountMinor, customerBudget.Count, usage[next++], LimitKind.CustomerAmount, isRequested);
        }

        if (limit.Agent is { } agentBudget)
        {
            ApplyScope(ref facts, ref slot, effects, LimitScopes.PerAgent, entry, agentBudget.AmountMinor, agentBudget.Count, usage[next], LimitKind.AgentAmount, isRequested);
        }
    }

    /// <summary>
    /// Applies one scope's limits (incident, customer or agent, named by <paramref name="amountKind"/>)
    /// to an action's headroom and, for the requested action, records its checks.
    /// </summary>
    private static void ApplyScope(ref DecisionFacts facts, ref HeadroomSlot slot, in Effects effects, LimitScopes scope, ActionEntry action, long configuredAmount, int? configuredCount, MinorUsage used, LimitKind amountKind, bool isRequested)
    {
        long amountLimit = effects.AmountLimit(configuredAmount, scope, action);
        int countLimit = effects.CountLimit(configuredCount, scope, action);
        long usedAmount = amountLimit == MinorUnits.None ? 0 : used.Amount;
        if (amountLimit != MinorUnits.None)
        {
            slot.Amount = Math.Min(slot.Amount, Math.Max(0, amountLimit - usedAmount));
            if (isRequested)
            {
                facts.SetCheck(amountKind, amountLimit, usedAmount);
            }
        }

        if (countLimit >= 0)
        {
            slot.Count = Math.Min(slot.Count, Math.Max(0, countLimit - used.Count));
            if (isRequested)
            {
                facts.SetCheck(amountKind + 1, countLimit, used.Count);
            }
        }
    }

    /// <summary>
    /// Walks up the ladder from just above the requester (or the named approver, whichever ranks
    /// higher) and returns the first human role whose per-incident and per-customer limits (under
    /// the matched conditions, as they apply to that role) cover the request, or else a peer in the
    /// requester's role when that role tops the ladder and its own limits cover it (-1 for none). An
    /// approver's own per-agent budget is checked when the approver grants; it is not known yet who
    /// that will be.
    /// </summary>
    private ValueTask<int> FindApproverAsync(PolicySnapshot snapshot, ResolutionRequest request, in DecisionFacts facts, in Effects requested, int requesterRole, int effectiveRole, int action, int approverRole, long amount, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int aboveRank = ApproverAboveRank(snapshot, requesterRole, effectiveRole);
        int peer = PeerApprover(snapshot, in facts, requesterRole, action, approverRole, amount);
        return _fastLedger is { } ledger
            ? new ValueTask<int>(FindApproverInMemory(ledger, default, null, snapshot, request, facts.Matched, action, amount, requested.MinimumApproverRank, aboveRank, peer, now))
            : FindApproverAsync(snapshot, request, facts.Matched, action, amount, requested.MinimumApproverRank, aboveRank, peer, now, cancellationToken);
    }

    /// <summary>An approver must rank above both the requester and the role the request is evaluated as.</summary>
    private static int ApproverAboveRank(PolicySnapshot snapshot, int requesterRole, int effectiveRole) =>
        Math.Max(snapshot.Roles[requesterRole].Rank, snapshot.Roles[effectiveRole].Rank);

    /// <summary>The requester's own role as a peer approver when nobody ranks above it and its authority covers the incident and customer budgets; otherwise -1.</summary>
    private static int PeerApprover(PolicySnapshot snapshot, in DecisionFacts facts, int requesterRole, int action, int approverRole, long amount) =>
        approverRole < 0 && snapshot.TopHumanRole[action] == requesterRole && !facts.Has(DecisionFlags.NoAuthority) && facts.ChecksPass(amount, IncidentAndCustomerKinds)
            ? requesterRole
            : -1;

    private async ValueTask<int> FindApproverAsync(PolicySnapshot snapshot, ResolutionRequest request, ConditionSet matched, int action, long amount, int minimumApproverRank, int aboveRank, int peerRole, DateTimeOffset now, CancellationToken cancellationToken, ReservedUsage known = default)
    {
        ActionEntry entry = snapshot.Actions[action];
        MinorUsage? incident = known.Incident;
        for (int r = 0; r < snapshot.Roles.Length; r++)
        {
            if (!MayApprove(snapshot, r, action, minimumApproverRank, aboveRank, out CompiledLimit? limit))
            {
                continue;
            }

            Effects effects = Effects.For(snapshot.Conditions, matched, action, r);
            if (effects.Unlimited)
            {
                return r;
            }

            incident ??= MinorUsage.Of(await _ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, _ids.Key(request.IncidentId), entry.Name), DateTimeOffset.MinValue, cancellationToken).ConfigureAwait(false), entry.Decimals);
            if (Exceeds(effects, limit.IncidentAmountMinor, limit.IncidentCount, LimitScopes.PerIncident, entry, incident.Value, amount))
            {
                continue;
            }

            if (limit.Customer is { } budget)
            {
                DateTimeOffset since = snapshot.Windows.Start(budget, now);
                MinorUsage customer = known.Customer is { } summed && known.CustomerSince == since ? summed : MinorUsage.Of(await _ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, _ids.Key(request.CustomerId), entry.Name), since, cancellationToken).ConfigureAwait(false), entry.Decimals);
                if (Exceeds(effects, budget.AmountMinor, budget.Count, LimitScopes.PerCustomer, entry, customer, amount))
                {
                    continue;
                }
            }

            return r;
        }

        return peerRole >= 0 && snapshot.Roles[peerRole].Rank >= minimumApproverRank ? peerRole : -1;
    }

    /// <summary>
    /// <see cref="FindApproverAsync(PolicySnapshot, ResolutionRequest, ConditionSet, int, long, int, int, int, DateTimeOffset, CancellationToken, ReservedUsage)"/>
    /// on the in-memory ledger: the same walk, synchronously, reading each subject by the id as the
    /// request spells it (no key built, no state machine). <paramref name="subjects"/> are those the
    /// evaluation found, and <paramref name="incident"/> the incident's usage of the action when the
    /// evaluation read it: neither is looked up again.
    /// </summary>
    private static int FindApproverInMemory(InMemoryBudgetLedger ledger, in Subjects subjects, MinorUsage? incident, PolicySnapshot snapshot, ResolutionRequest request, ConditionSet matched, int action, long amount, int minimumApproverRank, int aboveRank, int peerRole, DateTimeOffset now)
    {
        ActionEntry entry = snapshot.Actions[action];
        InMemoryBudgetLedger.Subject? customerSubject = subjects.Customer;
        bool customerSought = subjects.CustomerSought;
        for (int r = 0; r < snapshot.Roles.Length; r++)
        {
            if (!MayApprove(snapshot, r, action, minimumApproverRank, aboveRank, out CompiledLimit? limit))
            {
                continue;
            }

            Effects effects = Effects.For(snapshot.Conditions, matched, action, r);
            if (effects.Unlimited)
            {
                return r;
            }

            incident ??= ledger.IncidentMinorUsage(request.IncidentId, entry.Name, entry.Decimals);
            if (Exceeds(effects, limit.IncidentAmountMinor, limit.IncidentCount, LimitScopes.PerIncident, entry, incident.Value, amount))
            {
                continue;
            }

            if (limit.Customer is { } budget)
            {
                DateTimeOffset since = snapshot.Windows.Start(budget, now);
                if (!customerSought)
                {
                    customerSubject = ledger.FindSubject(BudgetScope.Customer, request.CustomerId);
                    customerSought = true;
                }

                MinorUsage customer = customerSubject?.MinorUsage(entry.Name, since, entry.Decimals) ?? default;
                if (Exceeds(effects, budget.AmountMinor, budget.Count, LimitScopes.PerCustomer, entry, customer, amount))
                {
                    continue;
                }
            }

            return r;
        }

        return peerRole >= 0 && snapshot.Roles[peerRole].Rank >= minimumApproverRank ? peerRole : -1;
    }

    /// <summary>Whether role <paramref name="role"/> is a candidate approver: human, ranked high enough, with limits for the action.</summary>
    private static bool MayApprove(PolicySnapshot snapshot, int role, int action, int minimumApproverRank, int aboveRank, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CompiledLimit? limit)
    {
        RoleEntry entry = snapshot.Roles[role];
        limit = entry.Rank <= aboveRank || entry.IsBot || entry.Rank < minimumApproverRank ? null : snapshot.LimitFor(role, action);
        return limit is not null;
    }

    /// <summary>
    /// Whether one scope's limits, under the conditions' effects for the approver's role, leave no
    /// room for the request and one more grant. Written as used &gt; limit - requested: limits and
    /// requests are never negative, so it cannot overflow.
    /// </summary>
    private static bool Exceeds(in Effects effects, long configuredAmount, int? configuredCount, LimitScopes scope, ActionEntry entry, MinorUsage used, long requested)
    {
        long amountLimit = effects.AmountLimit(configuredAmount, scope, entry);
        int countLimit = effects.CountLimit(configuredCount, scope, entry);
        return (amountLimit != MinorUnits.None && used.Amount > amountLimit - requested)
            || (countLimit >= 0 && used.Count > countLimit - 1);
    }

    private IReadOnlyList<BudgetCharge> Charges(AuthorityDecision decision, GrantRecord grant)
    {
        var charges = new BudgetCharge[InMemoryBudgetLedger.ThreeCharges.Length];
        WriteCharges(decision, grant, _ids, charges);
        return charges;
    }

    /// <summary>
    /// The reservation on the in-memory ledger: the charges on the stack, by the ids as the request
    /// spells them (the ledger compares them by the id rule, so no key is built), and no
    /// reservation object: nothing of it outlives the call but what the ledger keeps.
    /// </summary>
    private static ReservationResult ReserveInMemory(InMemoryBudgetLedger ledger, AuthorityDecision decision, GrantRecord grant, CancellationToken cancellationToken)
    {
        InMemoryBudgetLedger.ThreeCharges charges = default;
        WriteCharges(decision, grant, ids: null, charges);
        return ledger.Reserve(grant, charges, cancellationToken);
    }

    /// <summary>
    /// The three budgets a grant charges (incident, customer, agent), with the limits the decision
    /// checked; subject ids as <paramref name="ids"/> keys them, or as the grant spells them when null.
    /// </summary>
    private static void WriteCharges(AuthorityDecision decision, GrantRecord grant, IdRules? ids, Span<BudgetCharge> charges)
    {
        PolicySnapshot snapshot = decision.Snapshot;
        int decimals = snapshot.Actions[decision.ActionIndex].Decimals;
        LimitCheck incidentAmount = decision.GetCheck(LimitKind.IncidentAmount);
        LimitCheck incidentCount = decision.GetCheck(LimitKind.IncidentCount);
        LimitCheck customerAmount = decision.GetCheck(LimitKind.CustomerAmount);
        LimitCheck customerCount = decision.GetCheck(LimitKind.CustomerCount);
        LimitCheck agentAmount = decision.GetCheck(LimitKind.AgentAmount);
        LimitCheck agentCount = decision.GetCheck(LimitKind.AgentCount);

        // The windows the decision read: the effective role's budgets, as of the decision.
        CompiledLimit? limit = snapshot.LimitFor(decision.EffectiveRoleIndex, decision.ActionIndex);
        DateTimeOffset customerSince = (customerAmount.Applies || customerCount.Applies) && limit?.Customer is { } customerBudget
            ? snapshot.Windows.Start(customerBudget, decision.EvaluatedAt)
            : DateTimeOffset.MinValue;
        DateTimeOffset agentSince = (agentAmount.Applies || agentCount.Applies) && limit?.Agent is { } agentBudget
            ? snapshot.Windows.Start(agentBudget, decision.EvaluatedAt)
            : DateTimeOffset.MinValue;

        // Every grant is recorded against all three budgets, so that usage is known to every
        // role's limits later; limits are enforced where the granting role has them.
        charges[0] = new BudgetCharge(new BudgetKey(BudgetScope.Incident, ids?.Key(grant.IncidentId) ?? grant.IncidentId, grant.Action), DateTimeOffset.MinValue, AmountOf(incidentAmount, decimals), CountOf(incidentCount));
        charges[1] = new BudgetCharge(new BudgetKey(BudgetScope.Customer, ids?.Key(grant.CustomerId) ?? grant.CustomerId, grant.Action), customerSince, AmountOf(customerAmount, decimals), CountOf(customerCount));
        charges[2] = new BudgetCharge(new BudgetKey(BudgetScope.Agent, ids?.Key(grant.ChargedAgentId) ?? grant.ChargedAgentId, grant.Action), agentSince, AmountOf(agentAmount, decimals), CountOf(agentCount));

        static decimal? AmountOf(LimitCheck check, int decimals) => check.Applies ? MinorUnits.ToDecimal(check.Limit, decimals) : null;

        static int? CountOf(LimitCheck check) => check.Applies ? (int)check.Limit : null;
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
            await _decisionLog.AppendAsync(ToRecord(decision, kind, grantId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The ledger is the record of what was granted; a log outage must not undo or
            // block a grant that is already reserved.
            Log.DecisionLogFailed(_logger, ex);
        }
    }

    /// <summary>The decision log's record of <paramref name="decision"/>.</summary>
    private static DecisionRecord ToRecord(AuthorityDecision decision, DecisionRecordKind kind, string? grantId) => new()
    {
        Timestamp = decision.EvaluatedAt,
        Kind = kind,
        Request = decision.Request,
        Outcome = decision.Outcome,
        RequiredApproverRole = decision.RequiredApproverRole,
        Amount = decision.Amount,
        GrantId = grantId,
        PolicyVersion = decision.PolicyVersion,
    };

    private void Record(AuthorityDecision decision, long started)
    {
        // The action's name is looked up only when a meter listens.
        if (started != 0 || _telemetry.Decisions.Enabled)
        {
            Record(decision.Outcome, decision.Action, started);
        }
    }

    private void Record(DecisionOutcome outcome, string action, long started)
    {
        if (_telemetry.Decisions.Enabled)
        {
            _telemetry.Decisions.Add(1, new("outcome", OutcomeTag(outcome)), new("action", action));
        }

        if (started != 0)
        {
            _telemetry.EvaluationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", OutcomeTag(outcome)));
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
        private readonly MinorUnits.Factor _incidentFactor;
        private readonly MinorUnits.Factor _customerFactor;
        private readonly MinorUnits.Factor _agentFactor;
        private readonly decimal? _incidentLimit;
        private readonly decimal? _customerLimit;
        private readonly decimal? _agentLimit;
        private readonly int _incidentLimitFrom;
        private readonly int _customerLimitFrom;
        private readonly int _agentLimitFrom;

        private Effects(in Multipliers multipliers, decimal? incidentLimit, decimal? customerLimit, decimal? agentLimit, bool unlimited, ConditionEffect? outcome, int forced, int minimumRank, (int Incident, int Customer, int Agent) limitFrom)
        {
            (_incidentLimitFrom, _customerLimitFrom, _agentLimitFrom) = limitFrom;
            _incidentFactor = multipliers.Incident.Factor;
            _customerFactor = multipliers.Customer.Factor;
            _agentFactor = multipliers.Agent.Factor;
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

        private static readonly Effects None = new(default, null, null, null, unlimited: false, outcome: null, forced: -1, minimumRank: int.MinValue, limitFrom: (-1, -1, -1));

        /// <summary>The condition whose absolute limit sets a scope's limit; -1 when none does (or an Allow lifts it).</summary>
        public int LimitFrom(LimitScopes scope) => Unlimited ? -1 : scope switch
        {
            LimitScopes.PerIncident => _incidentLimitFrom,
            LimitScopes.PerCustomer => _customerLimitFrom,
            _ => _agentLimitFrom,
        };

        /// <summary>
        /// The amount limit of a scope in the action's minor units: an absolute limit if one applies,
        /// else the configured one scaled; <see cref="MinorUnits.None"/> for none.
        /// </summary>
        public long AmountLimit(long configured, LimitScopes scope, ActionEntry action)
        {
            if (Unlimited || action.IsCount)
            {
                return MinorUnits.None;
            }

            if (Absolute(scope) is decimal absolute)
            {
                return MinorUnits.From(absolute, action.Decimals);
            }

            return configured == MinorUnits.None ? MinorUnits.None : MinorUnits.Scale(configured, Factor(scope));
        }

        /// <summary>The count limit of a scope, -1 for none; for counted actions, limits and multipliers apply to counts.</summary>
        public int CountLimit(int? configured, LimitScopes scope, ActionEntry action)
        {
            if (Unlimited)
            {
                return -1;
            }

            if (!action.IsCount)
            {
                return configured ?? -1;
            }

            return Absolute(scope) is decimal absolute ? (int)absolute
                : configured is int count ? (int)Math.Min(MinorUnits.Scale(count, Factor(scope)), int.MaxValue)
                : -1;
        }

        private decimal? Absolute(LimitScopes scope) => scope switch
        {
            LimitScopes.PerIncident => _incidentLimit,
            LimitScopes.PerCustomer => _customerLimit,
            _ => _agentLimit,
        };

        private MinorUnits.Factor Factor(LimitScopes scope) => scope switch
        {
            LimitScopes.PerIncident => _incidentFactor,
            LimitScopes.PerCustomer => _customerFactor,
            _ => _agentFactor,
        };

        public static Effects For(CompiledCondition[] conditions, in ConditionSet matched, int action, int role)
        {
            if (matched.IsEmpty)
            {
                return None;
            }

            Multipliers multipliers = default;
            decimal? incidentLimit = null, customerLimit = null, agentLimit = null;
            int incidentFrom = -1, customerFrom = -1, agentFrom = -1;
            bool unlimited = false;
            ConditionEffect? outcome = null;
            int forced = -1;
            int minimumRank = int.MinValue;
            foreach (int i in matched)
            {
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
                        multipliers.Apply(condition);
                        break;
                }
            }

            return new Effects(in multipliers, incidentLimit, customerLimit, agentLimit, unlimited, outcome, forced, minimumRank, (incidentFrom, customerFrom, agentFrom));

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

        /// <summary>The product of the matched multipliers per scope; the default is 1 (no multiplier).</summary>
        private struct Multipliers
        {
            public Product Incident;
            public Product Customer;
            public Product Agent;

            public void Apply(CompiledCondition condition)
            {
                if ((condition.Scopes & LimitScopes.PerIncident) != 0)
                {
                    Incident.Apply(condition);
                }

                if ((condition.Scopes & LimitScopes.PerCustomer) != 0)
                {
                    Customer.Apply(condition);
                }

                if ((condition.Scopes & LimitScopes.PerAgent) != 0)
                {
                    Agent.Apply(condition);
                }
            }
        }

        /// <summary>
        /// One scope's multiplier: one condition's exact fraction as compiled (the common case), or
        /// the capped decimal product of several, made a fraction once.
        /// </summary>
        private struct Product
        {
            public MinorUnits.Factor Factor;
            private decimal _value;

            public void Apply(CompiledCondition condition)
            {
                if (Factor.Numerator == 0)
                {
                    Factor = condition.Factor;
                    _value = condition.Multiplier;
                    return;
                }

                // Capped so that no combination of multipliers can overflow.
                _value = Math.Min(_value * condition.Multiplier, EmpowermentCompiler.MaxMultiplier);
                Factor = MinorUnits.Factor.Of(_value);
            }
        }
    }
}

/// <summary>Room on the stack for the budget usage of one action: incident, customer and agent.</summary>
[System.Runtime.CompilerServices.InlineArray(Length)]
internal struct UsageBuffer
{
    public const int Length = 3;
    private MinorUsage _element;
}

/// <summary>
/// What the what-if replay needs of an evaluation (<see cref="ResolutionAuthority.EvaluateSummaryAsync"/>):
/// the outcome, the action as the policy spells it, the amount in the policy currency and when it was
/// evaluated (UTC), as the <see cref="AuthorityDecision"/> would say them.
/// </summary>
internal readonly record struct EvaluationSummary(DecisionOutcome Outcome, string Action, decimal Amount, DateTimeOffset EvaluatedAt);
