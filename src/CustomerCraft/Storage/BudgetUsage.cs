namespace CustomerCraft.Storage;

/// <summary>What a budget has used within a window.</summary>
/// <param name="Amount">The sum of the amounts granted.</param>
/// <param name="Count">The number of grants.</param>
public readonly record struct BudgetUsage(decimal Amount, int Count)
{
    /// <summary>Nothing used.</summary>
    public static BudgetUsage None => default;
}
