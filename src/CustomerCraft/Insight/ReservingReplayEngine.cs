using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Policy;
using CustomerCraft.Retention;

namespace CustomerCraft.Insight;

/// <summary>
/// The replay's engine: evaluates each attempt for the requested action only
/// (<see cref="HeadroomScope.RequestedAction"/>, synchronous on the in-memory ledger) and charges
/// an allowed one straight into that ledger, without the grant record, idempotency bookkeeping and
/// telemetry of a real grant that a replay never reads back. It gives the same table as
/// <see cref="GrantingReplayEngine"/> (tests compare them) at a fraction of the cost (see
/// <c>docs/benchmarks.md</c>, "What-if over 1,000,000 decisions"). As the replay clock moves on it
/// prunes customer and agent charges older than the policy's longest window, so the ledger holds
/// those windows rather than the history (incident budgets have no window and are kept).
/// </summary>
internal sealed class ReservingReplayEngine : IReplayEngine
{
    private readonly ResolutionAuthority _authority;
    private readonly InMemoryBudgetLedger _ledger;
    private readonly TimeProvider _clock;
    /// <summary>How many windows of replayed time between two pruning passes: once a window cost a fifth of the replay on 1,000,000 records.</summary>
    private const int PrunePeriods = 4;

    private readonly TimeSpan _keep;
    private readonly TimeSpan _period;
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    public ReservingReplayEngine(ResolutionAuthority authority, InMemoryBudgetLedger ledger, PolicySnapshot policy, TimeProvider clock)
    {
        _authority = authority;
        _ledger = ledger;
        _clock = clock;

        // The longest window and the retention job's default margin (at least a day). A pass walks
        // every customer and agent budget, so it runs once per PrunePeriods windows of replayed
        // time, which bounds what is kept to that many windows and a bit.
        TimeSpan longest = DataRetention.LongestWindow(policy.Empowerment);
        _keep = longest + RetentionOptions.DefaultKeepPastLongestWindow;
        _period = _keep.Ticks > TimeSpan.MaxValue.Ticks / PrunePeriods ? TimeSpan.MaxValue : TimeSpan.FromTicks(_keep.Ticks * PrunePeriods);
    }

    public ValueTask<ReplayAttempt> GrantAsync(ResolutionRequest request, decimal amount, CancellationToken cancellationToken)
    {
        PruneIfDue();

        // The recorded amount, in the policy currency. A request that already says so (no currency
        // of its own) is decided as it is: no copy for most records. Its idempotency key plays no
        // part in a decision, and the engine checked it as text before recording it. Evaluated
        // for the requested action only, without a decision object (EvaluateSummaryAsync).
        ResolutionRequest decided = request.Amount == amount && request.Currency is null
            ? request
            : request with { Amount = amount, Currency = null, IdempotencyKey = null };
        ValueTask<EvaluationSummary> evaluation = _authority.EvaluateSummaryAsync(decided, cancellationToken);
        return evaluation.IsCompletedSuccessfully
            ? new ValueTask<ReplayAttempt>(Charge(request, evaluation.Result))
            : ChargeAsync(request, evaluation);

        async ValueTask<ReplayAttempt> ChargeAsync(ResolutionRequest request, ValueTask<EvaluationSummary> pending) =>
            Charge(request, await pending.ConfigureAwait(false));
    }

    private ReplayAttempt Charge(ResolutionRequest request, EvaluationSummary decision)
    {
        if (decision.Outcome != DecisionOutcome.Allowed)
        {
            return new ReplayAttempt(decision.Outcome, null, 0m);
        }

        // Nothing else writes to this ledger and the decision has just read it: the limits the
        // reservation would check again hold. Charged as a grant is: the approver's budget when
        // there is one.
        InMemoryBudgetLedger.ReplayCharge charge = _ledger.Charge(
            request.IncidentId,
            request.CustomerId,
            request.Approver?.ApproverId ?? request.AgentId,
            decision.Action,
            decision.EvaluatedAt,
            decision.Amount);
        return new ReplayAttempt(DecisionOutcome.Allowed, charge, charge.Amount);
    }

    public ValueTask VoidAsync(object grant, CancellationToken cancellationToken)
    {
        _ledger.VoidCharge((InMemoryBudgetLedger.ReplayCharge)grant);
        return ValueTask.CompletedTask;
    }

    private void PruneIfDue()
    {
        DateTimeOffset now = _clock.GetUtcNow();
        if (now < _nextPrune)
        {
            return;
        }

        if (_nextPrune != DateTimeOffset.MinValue && now.UtcTicks - DateTimeOffset.MinValue.UtcTicks > _keep.Ticks)
        {
            // Incident charges stay: an incident's budget counts all its grants.
            _ledger.PruneWindowedCharges(now - _keep);
        }

        _nextPrune = _period.Ticks >= DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks ? DateTimeOffset.MaxValue : now + _period;
    }
}
