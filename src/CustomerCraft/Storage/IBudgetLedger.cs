using CustomerCraft.Empowerment;

namespace CustomerCraft.Storage;

/// <summary>
/// Stores grants and answers how much of each budget has been used. The empowerment engine
/// reads usage to evaluate and asks for an atomic reservation to grant.
/// </summary>
/// <remarks>
/// <para>
/// The default, <see cref="InMemoryBudgetLedger"/>, is thread-safe for one process. A durable
/// implementation must make <see cref="TryReserveAsync"/> atomic across everything that shares
/// the store: in SQL, one transaction that checks each charged budget's usage in its window
/// against its limit (under a row lock, a conditional insert or serializable isolation) and
/// inserts the grant with a unique idempotency key.
/// </para>
/// <para>Usage counts only grants that are not voided.</para>
/// </remarks>
public interface IBudgetLedger
{
    /// <summary>
    /// Reads the usage of several budgets at once: an evaluation asks for every budget the role's
    /// limits touch, for every action, in one call (one round trip for a durable ledger).
    /// </summary>
    /// <param name="queries">The budgets and the start of each one's window.</param>
    /// <param name="usage">Receives the usage of each query, at the same index; as long as <paramref name="queries"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask ReadUsageAsync(ReadOnlyMemory<BudgetQuery> queries, Memory<BudgetUsage> usage, CancellationToken cancellationToken = default);

    /// <summary>Returns the usage of one budget from <paramref name="since"/> (inclusive) onwards.</summary>
    /// <param name="key">The budget.</param>
    /// <param name="since">The start of the window; <see cref="DateTimeOffset.MinValue"/> for all time.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    async ValueTask<BudgetUsage> GetUsageAsync(BudgetKey key, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var usage = new BudgetUsage[1];
        await ReadUsageAsync(new[] { new BudgetQuery(key, since) }, usage, cancellationToken).ConfigureAwait(false);
        return usage[0];
    }

    /// <summary>
    /// Atomically checks every charge of <paramref name="reservation"/> against its limit and, when all
    /// fit and the idempotency key is new, records the grant against every charged budget.
    /// </summary>
    /// <param name="reservation">The grant and the budgets it charges.</param>
    /// <param name="cancellationToken">Cancels the reservation; nothing is recorded when it is canceled.</param>
    ValueTask<ReservationResult> TryReserveAsync(BudgetReservation reservation, CancellationToken cancellationToken = default);

    /// <summary>Finds a grant by the idempotency key it was made with.</summary>
    ValueTask<GrantRecord?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Finds a grant by its id.</summary>
    ValueTask<GrantRecord?> FindGrantAsync(string grantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Voids a grant, releasing what it charged on every budget. Voiding a voided grant returns it
    /// unchanged.
    /// </summary>
    /// <returns>The voided grant, or <see langword="null"/> when no grant has that id.</returns>
    ValueTask<GrantRecord?> VoidAsync(string grantId, DateTimeOffset voidedAt, string reason, CancellationToken cancellationToken = default);
}
