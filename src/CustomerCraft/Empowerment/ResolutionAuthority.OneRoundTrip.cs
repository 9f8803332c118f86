using System.Diagnostics;
using CustomerCraft.Diagnostics;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Policy;
using CustomerCraft.Storage;

namespace CustomerCraft.Empowerment;

/// <summary>
/// A grant in one round trip, on a ledger that reserves and reports usage in one call
/// (<see cref="IReservingWithUsageLedger"/>, the EF Core ledger: one statement on PostgreSQL, two
/// commands in one transaction on SQLite). The usual path
/// costs three: the idempotency key's look-up, the evaluation's usage read, the reservation.
/// Here the limits a grant would be charged against are worked out first (they do not depend on
/// usage), the reservation checks the key, sums the windows, checks those limits and reserves
/// under its locks, and the decision is then made from the usage it summed: the same decision the
/// usual path makes from the usage it read, with no window between the read and the reservation.
/// </summary>
internal sealed partial class ResolutionAuthority
{
    /// <summary>No usage yet: the most a request can be allowed with.</summary>
    private static readonly BudgetUsage[] s_noUsage = new BudgetUsage[UsageBuffer.Length];

    /// <summary>
    /// Grants (or refuses) <paramref name="request"/> with one call of the ledger. Returns
    /// <see langword="null"/>, having reserved nothing, when the usual path must decide: a request
    /// that fails validation (a retry of an earlier grant is a replay before it is validated), host
    /// conditions or a currency conversion (each asked once, by the usual path), a request that
    /// would not be allowed even with every budget unused, a ledger that cannot do it after all, and
    /// a refusal on a limit the decision finds kept (limits rounded differently: the usual path
    /// reads again and retries).
    /// </summary>
    private async ValueTask<GrantResult?> GrantInOneRoundTripAsync(IReservingWithUsageLedger ledger, ResolutionRequest request, Activity? activity, CancellationToken cancellationToken)
    {
        long started = _telemetry.EvaluationDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        PolicySnapshot snapshot = _policy.Current;
        int requesterRole, action, approverRole;
        try
        {
            RequestValidator.Validate(request, snapshot, _ids, _currencyConverter is not null, out requesterRole, out action, out approverRole);
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (snapshot.HostSlots != 0 || NeedsConversion(snapshot, request, action))
        {
            return null;
        }

        long amount = MinorUnits.From(request.Amount, snapshot.Actions[action].Decimals);
        DateTimeOffset now = _time.GetUtcNow();
        int effectiveRole = approverRole >= 0 ? approverRole : requesterRole;
        var facts = new DecisionFacts();
        facts.Matched = MatchConditions(snapshot, request, request.Amount, now, hostResults: null);
        Effects requested = Effects.For(snapshot.Conditions, facts.Matched, action, effectiveRole);
        SetApprover(ref facts, approverRole);

        // The decision as it would be with every budget unused: its limits are the charges' limits.
        DecisionFacts planned = facts;
        ApplyReservedUsage(snapshot, ref planned, requesterRole, effectiveRole, action, approverRole, in requested, s_noUsage);
        planned.Outcome = Decide(in planned, requested, approverRole, amount, out _);
        if (planned.Outcome != DecisionOutcome.Allowed)
        {
            return null;
        }

        var plan = new AuthorityDecision(snapshot, request, requesterRole, effectiveRole, action, amount, now, in planned);
        GrantRecord grant = CreateGrant(plan, request);
        IReadOnlyList<BudgetCharge> charges = Charges(plan, grant);
        var charged = new BudgetUsage[charges.Count];
        // The decision log's record of the grant, as it will be if the reservation is made (an
        // allowed decision's record holds nothing usage changes): stored by the same statement
        // when the ledger can, so that the grant and its record are one round trip and one commit.
        DecisionRecord? record = _reservationLogsGrants ? ToRecord(plan, DecisionRecordKind.Granted, grant.GrantId) : null;
        if (await ledger.TryReserveWithUsageAsync(new BudgetReservation { Grant = grant, Charges = charges }, charged, record, cancellationToken).ConfigureAwait(false) is not { } reservation)
        {
            return null;
        }

        ReservationResult result = reservation.Result;

        if (result.Status == ReservationStatus.DuplicateIdempotencyKey)
        {
            return Replay(result.Existing!, request);
        }

        // The decision from the usage the reservation summed (before this grant).
        ApplyReservedUsage(snapshot, ref facts, requesterRole, effectiveRole, action, approverRole, in requested, charged);
        facts.Outcome = Decide(in facts, requested, approverRole, amount, out int approverNeeded);
        AuthorityDecision decision;
        if (result.Status == ReservationStatus.Reserved)
        {
            // The reservation checked the decision's limits against the same usage, so the decision
            // allows, and its record is the one planned. (Not so only for a retry that found this grant
            // already committed by an attempt whose reply was lost, after other grants: the grant
            // stands, decided as planned.)
            decision = facts.Outcome == DecisionOutcome.Allowed
                ? Finish(snapshot, request, requesterRole, effectiveRole, action, amount, now, ref facts, approverNeeded)
                : plan;
            Record(decision, started);
            activity?.SetTag("customercraft.action", decision.Action);
            activity?.SetTag("customercraft.outcome", OutcomeTag(decision.Outcome));
            _telemetry.Grants.Add(1, new("result", "granted"), new("action", decision.Action));
            Log.Granted(_logger, decision.Action, grant.GrantId, decision.Role);
            if (!reservation.DecisionStored)
            {
                // The grant is made: record it even if the caller has given up waiting.
                await AppendToLogAsync(decision, DecisionRecordKind.Granted, grant.GrantId, CancellationToken.None).ConfigureAwait(false);
            }

            return new GrantResult(grant, decision, isReplay: false);
        }

        if (facts.Outcome == DecisionOutcome.Allowed)
        {
            return null;
        }

        if (approverNeeded == FindApprover)
        {
            // The approver walk reads the incident's usage, and the customer's in its window: the
            // reservation summed both (the customer's in the requester's window, often the same).
            int decimals = snapshot.Actions[action].Decimals;
            var known = new ReservedUsage(MinorUsage.Of(charged[0], decimals), charges[1].Since, MinorUsage.Of(charged[1], decimals));
            approverNeeded = await FindApproverAsync(snapshot, request, facts.Matched, action, amount, requested.MinimumApproverRank, ApproverAboveRank(snapshot, requesterRole, effectiveRole), PeerApprover(snapshot, in facts, requesterRole, action, approverRole, amount), now, cancellationToken, known).ConfigureAwait(false);
        }

        decision = Finish(snapshot, request, requesterRole, effectiveRole, action, amount, now, ref facts, approverNeeded);
        Record(decision, started);
        activity?.SetTag("customercraft.action", decision.Action);
        activity?.SetTag("customercraft.outcome", OutcomeTag(decision.Outcome));
        _telemetry.Grants.Add(1, new("result", "refused"), new("action", decision.Action));
        Log.GrantRefused(_logger, decision.Action, decision.Outcome);
        await AppendToLogAsync(decision, DecisionRecordKind.Refused, grantId: null, cancellationToken).ConfigureAwait(false);
        return new GrantResult(null, decision, isReplay: false);
    }

    /// <summary>
    /// Applies the requested action's limits as <see cref="ApplyLimits"/> does, from the usage of
    /// the charges (incident, customer, agent, as <see cref="Charges"/> lists them) rather than from
    /// a read (incident, then customer and agent where the limit has them, as <see cref="BudgetQueries"/> lists them).
    /// </summary>
    private static void ApplyReservedUsage(PolicySnapshot snapshot, ref DecisionFacts facts, int requesterRole, int effectiveRole, int action, int approverRole, in Effects requested, ReadOnlySpan<BudgetUsage> charged)
    {
        UsageBuffer usage = default;
        int count = 0;
        if (snapshot.LimitFor(effectiveRole, action) is { } limit)
        {
            int decimals = snapshot.Actions[action].Decimals;
            usage[count++] = MinorUsage.Of(charged[0], decimals);
            if (limit.Customer is not null)
            {
                usage[count++] = MinorUsage.Of(charged[1], decimals);
            }

            if (limit.Agent is not null)
            {
                usage[count++] = MinorUsage.Of(charged[2], decimals);
            }
        }

        ApplyLimits(snapshot, ref facts, requesterRole, effectiveRole, action, approverRole, in requested, usage[..count]);
    }

    /// <summary>
    /// Usage a reservation already summed, for the approver walk: the incident's, and the customer's
    /// from <c>CustomerSince</c> (used when the walk's window starts there too).
    /// </summary>
    private readonly record struct ReservedUsage(MinorUsage? Incident, DateTimeOffset CustomerSince, MinorUsage? Customer);
}
