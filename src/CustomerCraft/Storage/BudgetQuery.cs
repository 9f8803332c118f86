namespace CustomerCraft.Storage;

/// <summary>One budget to read, from the start of its window.</summary>
/// <param name="Key">The budget.</param>
/// <param name="Since">The start of the window (inclusive); <see cref="DateTimeOffset.MinValue"/> for all time.</param>
public readonly record struct BudgetQuery(BudgetKey Key, DateTimeOffset Since);
