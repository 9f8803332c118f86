namespace CustomerCraft.Empowerment;

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

/// <summary>Which kind of subject a budget belongs to.</summary>
public enum BudgetScope
{
    /// <summary>One incident: per-incident limits.</summary>
    Incident,

    /// <summary>One customer: per-customer budgets.</summary>
    Customer,

    /// <summary>One agent (or approver): per-agent budgets.</summary>
    Agent,
}

/// <summary>Identifies one budget: a subject (incident, customer or agent) and an action.</summary>
/// <param name="Scope">The kind of subject.</param>
/// <param name="SubjectId">The incident, customer or agent id.</param>
/// <param name="Action">The action name as configured.</param>
public readonly record struct BudgetKey(BudgetScope Scope, string SubjectId, string Action)
{
    /// <summary>Compares ids ordinally and action names ignoring case, as configuration does.</summary>
    public bool Equals(BudgetKey other) =>
        Scope == other.Scope
        && string.Equals(SubjectId, other.SubjectId, StringComparison.Ordinal)
        && string.Equals(Action, other.Action, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine((int)Scope, SubjectId, StringComparer.OrdinalIgnoreCase.GetHashCode(Action));

    /// <inheritdoc />
    public override string ToString() => $"{Scope}:{SubjectId}:{Action}";
}

/// <summary>One budget to read, from the start of its window.</summary>
/// <param name="Key">The budget.</param>
/// <param name="Since">The start of the window (inclusive); <see cref="DateTimeOffset.MinValue"/> for all time.</param>
public readonly record struct BudgetQuery(BudgetKey Key, DateTimeOffset Since);

/// <summary>What a budget has used within a window.</summary>
/// <param name="Amount">The sum of the amounts granted.</param>
/// <param name="Count">The number of grants.</param>
public readonly record struct BudgetUsage(decimal Amount, int Count)
{
    /// <summary>Nothing used.</summary>
    public static BudgetUsage None => default;
}

/// <summary>One budget a reservation charges, with the limit that must hold after the charge.</summary>
/// <param name="Key">The budget.</param>
/// <param name="Since">The start of the window the limit applies to.</param>
/// <param name="AmountLimit">The most the window's grants may add up to including this one; <see langword="null"/> for none.</param>
/// <param name="CountLimit">The most grants in the window including this one; <see langword="null"/> for none.</param>
public readonly record struct BudgetCharge(BudgetKey Key, DateTimeOffset Since, decimal? AmountLimit, int? CountLimit);

/// <summary>A grant to record and the budgets it charges.</summary>
public sealed class BudgetReservation
{
    /// <summary>The grant to record. Its <see cref="GrantRecord.Amount"/> is charged to every budget.</summary>
    public required GrantRecord Grant { get; init; }

    /// <summary>
    /// The budgets charged: always the incident, the customer and the granting agent for the action,
    /// so that usage is known to every role's limits later, with limits where the granting role has them.
    /// </summary>
    public required IReadOnlyList<BudgetCharge> Charges { get; init; }
}

/// <summary>How a reservation ended.</summary>
public enum ReservationStatus
{
    /// <summary>The grant was recorded and every budget charged.</summary>
    Reserved,

    /// <summary>At least one charge would exceed its limit; nothing was recorded.</summary>
    LimitExceeded,

    /// <summary>The idempotency key was already used; <see cref="ReservationResult.Existing"/> is the earlier grant and nothing new was recorded.</summary>
    DuplicateIdempotencyKey,
}

/// <summary>The result of <see cref="IBudgetLedger.TryReserveAsync"/>.</summary>
/// <param name="Status">How the reservation ended.</param>
/// <param name="Existing">For <see cref="ReservationStatus.DuplicateIdempotencyKey"/>: the grant made earlier with the key.</param>
/// <param name="ExceededBudget">For <see cref="ReservationStatus.LimitExceeded"/>: the first budget that would be exceeded.</param>
public readonly record struct ReservationResult(ReservationStatus Status, GrantRecord? Existing = null, BudgetKey? ExceededBudget = null);
