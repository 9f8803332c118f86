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
    /// <returns>The result, or <see langword="null"/> when the database cannot do this (nothing was reserved); then reserve with <see cref="IBudgetLedger.TryReserveAsync"/>.</returns>
    ValueTask<ReservationResult?> TryReserveWithUsageAsync(BudgetReservation reservation, Memory<BudgetUsage> usage, CancellationToken cancellationToken = default);
}
