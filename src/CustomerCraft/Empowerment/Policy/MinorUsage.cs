namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// What a budget has used within a window, as the engine reads it: the amount in whole minor units
/// of the action (see <see cref="MinorUnits"/>) and the number of grants. The engine's counterpart
/// of the public <see cref="Storage.BudgetUsage"/>, whose <see langword="decimal"/> amount it
/// converts once per read.
/// </summary>
internal readonly record struct MinorUsage(long Amount, int Count)
{
    /// <summary>Converts a durable ledger's usage to the action's minor units.</summary>
    public static MinorUsage Of(Storage.BudgetUsage usage, int decimals) => new(MinorUnits.From(usage.Amount, decimals), usage.Count);
}
