namespace CustomerCraft.Retention;

/// <summary>What a pruning pass removed.</summary>
/// <param name="Charges">Budget charges removed: out of every window, or voided.</param>
/// <param name="Grants">Grants removed, once none of their charges was left.</param>
/// <param name="Budgets">Budgets removed that no longer had a charge (their lock rows in a database).</param>
/// <param name="Decisions">Decision records removed, older than the audit period.</param>
public readonly record struct RetentionResult(long Charges, long Grants, long Budgets, long Decisions)
{
    /// <summary>Adds two passes' counts.</summary>
    public static RetentionResult operator +(RetentionResult left, RetentionResult right) =>
        new(left.Charges + right.Charges, left.Grants + right.Grants, left.Budgets + right.Budgets, left.Decisions + right.Decisions);

    /// <summary>Adds two passes' counts.</summary>
    public static RetentionResult Add(RetentionResult left, RetentionResult right) => left + right;

    /// <summary>The rows removed in all.</summary>
    public long Total => Charges + Grants + Budgets + Decisions;
}
