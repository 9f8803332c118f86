using CustomerCraft.Empowerment;

namespace CustomerCraft.Insight.Description;

/// <summary>One role of a <see cref="PolicyDescription"/>: its place on the ladder and its authority for every action.</summary>
public sealed class RoleDescription
{
    /// <summary>The role's configured name (its key).</summary>
    public required string Name { get; init; }

    /// <summary>The name people read.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The role's rank; higher means more authority.</summary>
    public required int Rank { get; init; }

    /// <summary><see langword="true"/> for an automated agent, which never approves.</summary>
    public required bool IsBot { get; init; }

    /// <summary>The role's authority for every action of the policy, in configuration order (also where it has none).</summary>
    public required IReadOnlyList<ActionAuthorityDescription> Actions { get; init; }
}

/// <summary>One role's authority for one action.</summary>
public sealed class ActionAuthorityDescription
{
    /// <summary>The action's configured name.</summary>
    public required string Action { get; init; }

    /// <summary>The action's name as people read it.</summary>
    public required string ActionDisplayName { get; init; }

    /// <summary>What the action's amounts count: the currency code, <c>grants</c> for a counted action, or the quantity's name.</summary>
    public required string Unit { get; init; }

    /// <summary><see langword="false"/> when the role has no authority for the action: every request needs approval.</summary>
    public required bool HasAuthority { get; init; }

    /// <summary><see langword="true"/> for authority without any limit.</summary>
    public required bool Unlimited { get; init; }

    /// <summary>The most all grants on one incident may add up to, in <see cref="Unit"/>; <see langword="null"/> for no amount limit.</summary>
    public decimal? PerIncidentAmount { get; init; }

    /// <summary>The most grants on one incident; <see langword="null"/> for no count limit.</summary>
    public int? PerIncidentCount { get; init; }

    /// <summary>The cumulative budgets (per customer, per agent).</summary>
    public required IReadOnlyList<BudgetDescription> Budgets { get; init; }

    /// <summary>The per-incident authority in plain words.</summary>
    public required string Text { get; init; }
}

/// <summary>A cumulative budget of one role for one action.</summary>
public sealed class BudgetDescription
{
    /// <summary>Whose grants add up: <see cref="LimitScopes.PerCustomer"/> or <see cref="LimitScopes.PerAgent"/>.</summary>
    public required LimitScopes Scope { get; init; }

    /// <summary>How the window is measured.</summary>
    public required BudgetWindow Window { get; init; }

    /// <summary>The length of a rolling window; <see langword="null"/> for a calendar one.</summary>
    public TimeSpan? Length { get; init; }

    /// <summary>The most the grants in the window may add up to; <see langword="null"/> for no amount limit.</summary>
    public decimal? Amount { get; init; }

    /// <summary>The most grants in the window; <see langword="null"/> for no count limit.</summary>
    public int? Count { get; init; }

    /// <summary>The budget in plain words.</summary>
    public required string Text { get; init; }
}

/// <summary>One condition of a <see cref="PolicyDescription"/>.</summary>
public sealed class ConditionDescription
{
    /// <summary>The condition's configured name, which decision reasons quote.</summary>
    public required string Name { get; init; }

    /// <summary>What the condition does when its test holds.</summary>
    public required ConditionEffect Effect { get; init; }

    /// <summary>The author's own description, when configured.</summary>
    public string? Description { get; init; }

    /// <summary>The condition in plain words: its test, its effect, and the actions and roles it applies to.</summary>
    public required string Text { get; init; }
}

/// <summary>One level of the escalation ladder.</summary>
public sealed class LadderLevelDescription
{
    /// <summary>The level's number; 0 is the front line.</summary>
    public required int Level { get; init; }

    /// <summary>The level's configured name.</summary>
    public required string Name { get; init; }

    /// <summary>The role whose members work (and approve at) this level.</summary>
    public required string Role { get; init; }

    /// <summary>The level's name as people read it.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The level in plain words: its role, what happens on a breach, its approval timeout and clock.</summary>
    public required string Text { get; init; }
}
