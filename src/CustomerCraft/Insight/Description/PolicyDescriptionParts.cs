using CustomerCraft.Empowerment;

namespace CustomerCraft.Insight.Description;

/// <summary>One role of a <see cref="PolicyDescription"/>: its place on the ladder and its authority for every action.</summary>
public sealed class RoleDescription
{
    internal RoleDescription()
    {
    }

    /// <summary>The role's configured name (its key).</summary>
    public string Name { get; internal init; } = string.Empty;

    /// <summary>The name people read.</summary>
    public string DisplayName { get; internal init; } = string.Empty;

    /// <summary>The role's rank; higher means more authority.</summary>
    public int Rank { get; internal init; }

    /// <summary><see langword="true"/> for an automated agent, which never approves.</summary>
    public bool IsBot { get; internal init; }

    /// <summary>The role's authority for every action of the policy, in configuration order (also where it has none).</summary>
    public IReadOnlyList<ActionAuthorityDescription> Actions { get; internal init; } = [];
}

/// <summary>One role's authority for one action.</summary>
public sealed class ActionAuthorityDescription
{
    internal ActionAuthorityDescription()
    {
    }

    /// <summary>The action's configured name.</summary>
    public string Action { get; internal init; } = string.Empty;

    /// <summary>The action's name as people read it.</summary>
    public string ActionDisplayName { get; internal init; } = string.Empty;

    /// <summary>What the action's amounts count: the currency code, <c>grants</c> for a counted action, or the quantity's name.</summary>
    public string Unit { get; internal init; } = string.Empty;

    /// <summary><see langword="false"/> when the role has no authority for the action: every request needs approval.</summary>
    public bool HasAuthority { get; internal init; }

    /// <summary><see langword="true"/> for authority without any limit.</summary>
    public bool Unlimited { get; internal init; }

    /// <summary>The most all grants on one incident may add up to, in <see cref="Unit"/>; <see langword="null"/> for no amount limit.</summary>
    public decimal? PerIncidentAmount { get; internal init; }

    /// <summary>The most grants on one incident; <see langword="null"/> for no count limit.</summary>
    public int? PerIncidentCount { get; internal init; }

    /// <summary>The cumulative budgets (per customer, per agent).</summary>
    public IReadOnlyList<BudgetDescription> Budgets { get; internal init; } = [];

    /// <summary>The per-incident authority in plain words.</summary>
    public string Text { get; internal init; } = string.Empty;
}

/// <summary>A cumulative budget of one role for one action.</summary>
public sealed class BudgetDescription
{
    internal BudgetDescription()
    {
    }

    /// <summary>Whose grants add up: <see cref="LimitScopes.PerCustomer"/> or <see cref="LimitScopes.PerAgent"/>.</summary>
    public LimitScopes Scope { get; internal init; }

    /// <summary>How the window is measured.</summary>
    public BudgetWindow Window { get; internal init; }

    /// <summary>The length of a rolling window; <see langword="null"/> for a calendar one.</summary>
    public TimeSpan? Length { get; internal init; }

    /// <summary>The most the grants in the window may add up to; <see langword="null"/> for no amount limit.</summary>
    public decimal? Amount { get; internal init; }

    /// <summary>The most grants in the window; <see langword="null"/> for no count limit.</summary>
    public int? Count { get; internal init; }

    /// <summary>The budget in plain words.</summary>
    public string Text { get; internal init; } = string.Empty;
}

/// <summary>One condition of a <see cref="PolicyDescription"/>.</summary>
public sealed class ConditionDescription
{
    internal ConditionDescription()
    {
    }

    /// <summary>The condition's configured name, which decision reasons quote.</summary>
    public string Name { get; internal init; } = string.Empty;

    /// <summary>What the condition does when its test holds.</summary>
    public ConditionEffect Effect { get; internal init; }

    /// <summary>The author's own description, when configured.</summary>
    public string? Description { get; internal init; }

    /// <summary>The condition in plain words: its test, its effect, and the actions and roles it applies to.</summary>
    public string Text { get; internal init; } = string.Empty;
}

/// <summary>One level of the escalation ladder.</summary>
public sealed class LadderLevelDescription
{
    internal LadderLevelDescription()
    {
    }

    /// <summary>The level's number; 0 is the front line.</summary>
    public int Level { get; internal init; }

    /// <summary>The level's configured name.</summary>
    public string Name { get; internal init; } = string.Empty;

    /// <summary>The role whose members work (and approve at) this level.</summary>
    public string Role { get; internal init; } = string.Empty;

    /// <summary>The level's name as people read it.</summary>
    public string DisplayName { get; internal init; } = string.Empty;

    /// <summary>The level in plain words: its role, what happens on a breach, its approval timeout and clock.</summary>
    public string Text { get; internal init; } = string.Empty;
}
