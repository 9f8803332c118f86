using CustomerCraft.Storage;

namespace CustomerCraft.Empowerment;

/// <summary>
/// Charges for the what-if replay (<c>Insight/ReservingReplayEngine</c>), which decides and charges
/// on one thread, one record after another: the evaluation it has just made on this ledger is the
/// limit check, so a charge needs neither a grant record, nor an idempotency key, nor the
/// reservation's second look at the limits. Kept apart from the grant path, whose guarantees
/// (atomic reservation under concurrency, idempotent retries) the replay has no use for.
/// </summary>
internal sealed partial class InMemoryBudgetLedger
{
    /// <summary>
    /// Records a charge of <paramref name="amount"/> at <paramref name="at"/> on the incident,
    /// customer and agent budgets of <paramref name="action"/>, as <see cref="TryReserveAsync"/>
    /// would for a grant (every grant is charged to all three, so that every role's limits see it),
    /// without checking the limits: the caller has just decided the charge is within them on this
    /// ledger and nothing else writes to it.
    /// </summary>
    /// <param name="incidentKey">The incident id as the id rule keys it.</param>
    /// <param name="customerKey">The customer id as the id rule keys it.</param>
    /// <param name="agentKey">The charged agent's id (the approver's when there is one) as the id rule keys it.</param>
    /// <param name="action">The action's name as the policy spells it.</param>
    /// <param name="at">When the charge was made.</param>
    /// <param name="amount">The amount, in the policy currency.</param>
    /// <param name="chargeId">Unique among this ledger's charges: what <see cref="VoidCharge"/> finds the entries by.</param>
    /// <returns>The three budgets charged, to void the charge later.</returns>
    internal ReplayCharge Charge(string incidentKey, string customerKey, string agentKey, string action, DateTimeOffset at, decimal amount, string chargeId)
    {
        Account[] accounts =
        [
            GetOrAddAccount(new BudgetKey(BudgetScope.Incident, incidentKey, action)),
            GetOrAddAccount(new BudgetKey(BudgetScope.Customer, customerKey, action)),
            GetOrAddAccount(new BudgetKey(BudgetScope.Agent, agentKey, action)),
        ];
        foreach (Account account in accounts)
        {
            lock (account)
            {
                account.Add(at.UtcTicks, amount, chargeId);
            }
        }

        return new ReplayCharge(accounts, chargeId, amount);
    }

    /// <summary>Releases a charge made by <see cref="Charge"/>: its entries no longer count in any window. A pruned entry is already gone.</summary>
    /// <param name="charge">The charge.</param>
    internal static void VoidCharge(ReplayCharge charge)
    {
        foreach (Account account in charge.Accounts)
        {
            lock (account)
            {
                account.Void(charge.Id);
            }
        }
    }

    /// <summary>
    /// Removes customer and agent charges made before <paramref name="before"/> (and voided ones),
    /// and the budgets left with none, as <see cref="PruneAsync"/> does, but without walking the
    /// incident budgets, which have no window: a replay of a million records holds hundreds of
    /// thousands of incidents, and walking them on every pass was most of the replay's time.
    /// </summary>
    /// <param name="before">No customer or agent window reaches back before it.</param>
    internal void PruneWindowedCharges(DateTimeOffset before)
    {
        long charges = 0, budgets = 0;
        PruneScope(_customers, before, ref charges, ref budgets, CancellationToken.None);
        PruneScope(_agents, before, ref charges, ref budgets, CancellationToken.None);
    }

    /// <summary>A charge the replay made: the budgets it went on, its id and amount.</summary>
    internal sealed class ReplayCharge(Account[] accounts, string id, decimal amount)
    {
        /// <summary>The incident, customer and agent budgets charged.</summary>
        public Account[] Accounts { get; } = accounts;

        /// <summary>The charge's id in those budgets.</summary>
        public string Id { get; } = id;

        /// <summary>The amount charged, in the policy currency.</summary>
        public decimal Amount { get; } = amount;
    }
}
