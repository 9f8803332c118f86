namespace CustomerCraft.Storage;

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
