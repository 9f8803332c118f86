namespace CustomerCraft.Storage;

/// <summary>One budget a reservation charges, with the limit that must hold after the charge.</summary>
/// <param name="Key">The budget.</param>
/// <param name="Since">The start of the window the limit applies to.</param>
/// <param name="AmountLimit">The most the window's grants may add up to including this one; <see langword="null"/> for none.</param>
/// <param name="CountLimit">The most grants in the window including this one; <see langword="null"/> for none.</param>
public readonly record struct BudgetCharge(BudgetKey Key, DateTimeOffset Since, decimal? AmountLimit, int? CountLimit);
