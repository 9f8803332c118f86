using CustomerCraft.Empowerment;

namespace CustomerCraft.Storage;

/// <summary>The result of <see cref="IBudgetLedger.TryReserveAsync"/>.</summary>
/// <param name="Status">How the reservation ended.</param>
/// <param name="Existing">For <see cref="ReservationStatus.DuplicateIdempotencyKey"/>: the grant made earlier with the key.</param>
/// <param name="ExceededBudget">For <see cref="ReservationStatus.LimitExceeded"/>: the first budget that would be exceeded.</param>
public readonly record struct ReservationResult(ReservationStatus Status, GrantRecord? Existing = null, BudgetKey? ExceededBudget = null);
