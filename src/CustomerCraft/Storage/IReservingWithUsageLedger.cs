using CustomerCraft.Empowerment;

namespace CustomerCraft.Storage;

/// <summary>
/// A durable ledger that can grant in one round trip: it checks the idempotency key, sums each
/// charged budget's window, checks the limits and reserves in one call, and reports the usage it
/// summed, so that <see cref="ResolutionAuthority"/> need not read usage (nor look the key up)
/// before reserving, and builds the decision from the usage the reservation saw. Internal: the
/// EF Core stores (versioned and released with this package) implement it; any other ledger is
/// used through <see cref="IBudgetLedger"/> alone.
/// </summary>
internal interface IReservingWithUsageLedger
{
    /// <summary>
    /// Whether <see cref="TryReserveWithUsageAsync"/> may work on this ledger's database; once it
    /// has returned <see langword="null"/> (the database cannot do it) this stays false.
    /// </summary>
    bool ReservesWithUsage { get; }

    /// <summary>
    /// <see cref="IBudgetLedger.TryReserveAsync"/> that also reports, in <paramref name="usage"/>
    /// (at each charge's index), each charged budget's usage in its window <em>before</em> this
    /// grant, as the reservation summed it under its locks, whenever the result is
    /// <see cref="ReservationStatus.Reserved"/> or <see cref="ReservationStatus.LimitExceeded"/>.
    /// The key is checked first: a key another grant holds gives
    /// <see cref="ReservationStatus.DuplicateIdempotencyKey"/> with that grant, whatever the
    /// budgets, and nothing is summed.
    /// </summary>
    /// <param name="reservation">The grant and its charges.</param>
    /// <param name="usage">Receives each charge's usage before the grant; as long as the charges.</param>
    /// <param name="granted">
    /// The decision log's record of the grant, to store with the grant in the same statement (when
    /// <see cref="StoresDecisionsOf"/> said so), or <see langword="null"/>. A retry that finds the
    /// grant already made stores nothing: the attempt that made it stored the record with it.
    /// </param>
    /// <param name="cancellationToken">Cancels the reservation.</param>
    /// <returns>
    /// The result, and whether <paramref name="granted"/> is stored (the grant reserved and the
    /// record with it); or <see langword="null"/> when the database cannot do this (nothing was
    /// reserved): then reserve with <see cref="IBudgetLedger.TryReserveAsync"/>.
    /// </returns>
    ValueTask<ReservationWithUsage?> TryReserveWithUsageAsync(BudgetReservation reservation, Memory<BudgetUsage> usage, DecisionRecord? granted, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether this ledger can store a grant's decision record in the reservation's own statement
    /// in place of <paramref name="log"/>: when <paramref name="log"/> is its own store's decision
    /// log, on the same database.
    /// </summary>
    bool StoresDecisionsOf(IDecisionLog log);
}

/// <summary>What <see cref="IReservingWithUsageLedger.TryReserveWithUsageAsync"/> did.</summary>
/// <param name="Result">The reservation's result.</param>
/// <param name="DecisionStored">Whether the decision record passed with it is stored.</param>
internal readonly record struct ReservationWithUsage(ReservationResult Result, bool DecisionStored);
