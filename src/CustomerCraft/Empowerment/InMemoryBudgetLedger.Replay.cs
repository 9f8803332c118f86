using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Identifiers;
using CustomerCraft.Storage;

namespace CustomerCraft.Empowerment;

/// <summary>
/// Charges for the what-if replay (<c>Insight/ReservingReplayEngine</c>), which decides and charges
/// on one thread, one record after another: the evaluation it has just made on this ledger is the
/// limit check, so a charge needs neither a grant record, nor an idempotency key, nor the
/// reservation's second look at the limits. Kept apart from the grant path, whose guarantees
/// (atomic reservation under concurrency, idempotent retries) the replay has no use for.
/// </summary>
/// <remarks>
/// A replay ledger (<see cref="ForReplay"/>) keeps its incident budgets as a flat map from
/// (incident, action) to a running total and count: an incident's budget has no window, so it needs
/// no entries, and a replay of a million records makes hundreds of thousands of incidents, each of
/// which a subject, an account, an entry array and a dictionary node would otherwise keep for good
/// (promoted through every generation of the collector on the way). Customer and agent budgets are
/// the ordinary accounts, which windows need.
/// </remarks>
internal sealed partial class InMemoryBudgetLedger
{
    // A replay ledger's incident budgets; null on an ordinary ledger. Used from one thread.
    private readonly Dictionary<IncidentBudget, IncidentTotal>? _replayIncidents;

    private InMemoryBudgetLedger(IdRules ids, bool replay)
        : this(ids)
    {
        if (replay)
        {
            _replayIncidents = new Dictionary<IncidentBudget, IncidentTotal>(
                new IncidentBudgetComparer(ids.Comparison == IdComparison.IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// A ledger for one what-if replay, used from one thread: charged through <see cref="Charge"/>
    /// only (not <see cref="TryReserveAsync"/>), with incident budgets as running totals (see the
    /// type's remarks). Reads see the same usage as an ordinary ledger charged the same way.
    /// </summary>
    /// <param name="ids">The id rule in force.</param>
    internal static InMemoryBudgetLedger ForReplay(IdRules ids) => new(ids ?? throw new ArgumentNullException(nameof(ids)), replay: true);

    /// <summary>Whether this is a replay ledger (<see cref="ForReplay"/>).</summary>
    internal bool IsReplay => _replayIncidents is not null;

    /// <summary>
    /// The usage of the incident's budget for <paramref name="action"/> (all time: an incident's
    /// budget has no window), in whole minor units of <paramref name="decimals"/> decimals: the
    /// engine's incident read, from the subject's account or, on a replay ledger, its running total.
    /// </summary>
    /// <param name="incidentId">The incident id as the request spells it.</param>
    /// <param name="action">The action's name.</param>
    /// <param name="decimals">The action's decimals.</param>
    internal MinorUsage IncidentMinorUsage(string incidentId, string action, int decimals)
    {
        if (_replayIncidents is null)
        {
            return FindSubject(BudgetScope.Incident, incidentId)?.MinorUsage(action, DateTimeOffset.MinValue, decimals) ?? default;
        }

        return _replayIncidents.TryGetValue(new IncidentBudget(incidentId, action), out IncidentTotal total)
            ? new MinorUsage(MinorUnits.From(total.Amount, decimals), total.Count)
            : default;
    }

    /// <summary>A replay ledger's incident budget as <see cref="BudgetUsage"/> (the same for every window); <see langword="null"/> on an ordinary ledger.</summary>
    private BudgetUsage? ReplayIncidentUsage(BudgetKey key)
    {
        if (_replayIncidents is null || key.Scope != BudgetScope.Incident)
        {
            return null;
        }

        return _replayIncidents.TryGetValue(new IncidentBudget(key.SubjectId, key.Action), out IncidentTotal total)
            ? new BudgetUsage(total.Amount, total.Count)
            : BudgetUsage.None;
    }

    /// <summary>
    /// Records a charge of <paramref name="amount"/> at <paramref name="at"/> on the incident,
    /// customer and agent budgets of <paramref name="action"/>, as <see cref="TryReserveAsync"/>
    /// would for a grant (every grant is charged to all three, so that every role's limits see it),
    /// without checking the limits: the caller has just decided the charge is within them on this
    /// ledger and nothing else writes to it. No lock is taken: a replay ledger is used from one thread.
    /// </summary>
    /// <param name="incidentId">The incident id as the request spells it (the ledger compares ids by the id rule).</param>
    /// <param name="customerId">The customer id as the request spells it.</param>
    /// <param name="agentId">The charged agent's id (the approver's when there is one) as the request spells it.</param>
    /// <param name="action">The action's name as the policy spells it.</param>
    /// <param name="at">When the charge was made.</param>
    /// <param name="amount">The amount, in the policy currency; not negative.</param>
    /// <returns>The charge, to void it later: the customer and agent entries belong to it.</returns>
    /// <exception cref="InvalidOperationException">This is not a replay ledger.</exception>
    internal ReplayCharge Charge(string incidentId, string customerId, string agentId, string action, DateTimeOffset at, decimal amount)
    {
        Dictionary<IncidentBudget, IncidentTotal> incidents = _replayIncidents
            ?? throw new InvalidOperationException("Only a replay ledger (ForReplay) is charged without a reservation.");
        var charge = new ReplayCharge(
            incidentId,
            action,
            GetOrAddAccount(new BudgetKey(BudgetScope.Customer, customerId, action)),
            GetOrAddAccount(new BudgetKey(BudgetScope.Agent, agentId, action)),
            amount);

        ref IncidentTotal total = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(incidents, new IncidentBudget(incidentId, action), out _);
        total.Amount += amount;
        total.Count++;
        long ticks = at.UtcTicks;
        charge.Customer.Add(ticks, amount, charge);
        charge.Agent.Add(ticks, amount, charge);
        return charge;
    }

    /// <summary>Releases a charge made by <see cref="Charge"/>: it no longer counts in any window. A pruned entry is already gone; a charge voided twice is released once.</summary>
    /// <param name="charge">The charge.</param>
    internal void VoidCharge(ReplayCharge charge)
    {
        ArgumentNullException.ThrowIfNull(charge);
        if (charge.Voided)
        {
            return;
        }

        charge.Voided = true;
        ref IncidentTotal total = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_replayIncidents!, new IncidentBudget(charge.IncidentId, charge.Action));
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref total))
        {
            total.Amount -= charge.Amount;
            total.Count--;
        }

        charge.Customer.Void(charge);
        charge.Agent.Void(charge);
    }

    /// <summary>
    /// Removes customer and agent charges made before <paramref name="before"/> (and voided ones),
    /// as <see cref="PruneAsync"/> does; incident budgets have no window and are kept. Nothing reads
    /// a replay ledger concurrently, so each budget is compacted in its own array, and a budget
    /// left empty stays (as the incident totals do) rather than be made again at its subject's next
    /// charge: pruning allocates nothing.
    /// </summary>
    /// <param name="before">No customer or agent window reaches back before it.</param>
    /// <exception cref="InvalidOperationException">This is not a replay ledger.</exception>
    internal void PruneWindowedCharges(DateTimeOffset before)
    {
        if (!IsReplay)
        {
            throw new InvalidOperationException("Only a replay ledger (ForReplay) is pruned in place.");
        }

        CompactBefore(_customers, before);
        CompactBefore(_agents, before);

        static void CompactBefore(System.Collections.Concurrent.ConcurrentDictionary<string, Subject> subjects, DateTimeOffset before)
        {
            foreach (KeyValuePair<string, Subject> pair in subjects)
            {
                foreach ((string _, Account account) in pair.Value.Accounts)
                {
                    account.RemoveBefore(before, inPlace: true);
                }
            }
        }
    }

    /// <summary>
    /// A charge the replay made: its incident budget's key, the customer and agent budgets it went
    /// on (whose entries it owns, see <see cref="Entry.Owner"/>) and its amount. One object per
    /// charge, and no id: voids find the entries by this reference.
    /// </summary>
    internal sealed class ReplayCharge(string incidentId, string action, Account customer, Account agent, decimal amount)
    {
        /// <summary>The incident charged.</summary>
        public string IncidentId { get; } = incidentId;

        /// <summary>The action charged, as the policy spells it.</summary>
        public string Action { get; } = action;

        /// <summary>The customer's budget for the action.</summary>
        public Account Customer { get; } = customer;

        /// <summary>The charged agent's budget for the action.</summary>
        public Account Agent { get; } = agent;

        /// <summary>The amount charged, in the policy currency.</summary>
        public decimal Amount { get; } = amount;

        /// <summary>Whether <see cref="VoidCharge"/> released it.</summary>
        public bool Voided { get; set; }
    }

    /// <summary>An incident's budget for one action on a replay ledger.</summary>
    private readonly record struct IncidentBudget(string IncidentId, string Action);

    /// <summary>An incident budget's running total on a replay ledger: the exact sum of its live charges and their number.</summary>
    private struct IncidentTotal
    {
        public decimal Amount;
        public int Count;
    }

    /// <summary>Incident ids by the id rule, action names ignoring case (as budgets match them).</summary>
    private sealed class IncidentBudgetComparer(StringComparer ids) : IEqualityComparer<IncidentBudget>
    {
        public bool Equals(IncidentBudget x, IncidentBudget y) =>
            ids.Equals(x.IncidentId, y.IncidentId)
            && (ReferenceEquals(x.Action, y.Action) || string.Equals(x.Action, y.Action, StringComparison.OrdinalIgnoreCase));

        public int GetHashCode(IncidentBudget key) =>
            ids.GetHashCode(key.IncidentId) ^ StringComparer.OrdinalIgnoreCase.GetHashCode(key.Action);
    }
}
