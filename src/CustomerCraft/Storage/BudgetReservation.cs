using CustomerCraft.Empowerment;

namespace CustomerCraft.Storage;

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
