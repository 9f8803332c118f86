using System.Collections.Frozen;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// An immutable, compiled empowerment policy. The evaluation hot path reads only this: arrays
/// indexed by role and action, precomputed paths and masks, no locks.
/// </summary>
internal sealed class PolicySnapshot
{
    public required long Version { get; init; }

    public required string Path { get; init; }

    public required string Currency { get; init; }

    public required int MinorUnits { get; init; }

    public required TimeZoneInfo TimeZone { get; init; }

    public required DayOfWeek FirstDayOfWeek { get; init; }

    /// <summary>Roles ordered by rank, lowest first.</summary>
    public required RoleEntry[] Roles { get; init; }

    public required FrozenDictionary<string, int> RoleIndex { get; init; }

    /// <summary>Role names as configured, compared exactly: hosts almost always send them that way, and an exact lookup is cheaper.</summary>
    public FrozenDictionary<string, int> RoleIndexExact => field ??= RoleIndex.ToFrozenDictionary(StringComparer.Ordinal);

    public required ActionEntry[] Actions { get; init; }

    public required FrozenDictionary<string, int> ActionIndex { get; init; }

    /// <summary>Action names as configured, compared exactly.</summary>
    public FrozenDictionary<string, int> ActionIndexExact => field ??= ActionIndex.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Limits by <c>role * Actions.Length + action</c>; <see langword="null"/> for no authority.</summary>
    public required CompiledLimit?[] Limits { get; init; }

    public required CompiledCondition[] Conditions { get; init; }

    /// <summary>Every compiled test node; conditions point into it.</summary>
    public required TestNode[] Tests { get; init; }

    /// <summary>How many host-condition nodes the tests have (each answers once per evaluation).</summary>
    public required int HostSlots { get; init; }

    /// <summary>The request attributes the policy reads, with their types.</summary>
    public required AttributeSchema Attributes { get; init; }

    /// <summary>Per action, the index of the highest-ranked human role with authority for it; -1 when none.</summary>
    public required int[] TopHumanRole { get; init; }

    /// <summary>
    /// The escalation ladder compiled with these roles, so a reload swaps both at once. Set by
    /// <see cref="PolicyProvider"/> before the snapshot is published and never changed after.
    /// </summary>
    public global::CustomerCraft.Escalation.Sla.EscalationPolicy Escalation { get; set; } = global::CustomerCraft.Escalation.Sla.EscalationPolicy.Empty;

    /// <summary>The coaching settings compiled with these actions; set like <see cref="Escalation"/>.</summary>
    public global::CustomerCraft.Coaching.Scoring.CoachingPolicy Coaching { get; set; } = global::CustomerCraft.Coaching.Scoring.CoachingPolicy.Default;

    /// <summary>Window starts, with calendar periods cached for this snapshot's time zone.</summary>
    public BudgetWindows Windows => field ??= new BudgetWindows(TimeZone, FirstDayOfWeek);

    public CompiledLimit? LimitFor(int role, int action) => Limits[(role * Actions.Length) + action];
}

internal sealed record RoleEntry(string Name, string DisplayName, int Rank, bool IsBot, int Index);

internal sealed record ActionEntry(string Name, string DisplayName, string? Description, int Index)
{
    /// <summary>What the action's amounts count.</summary>
    public ActionUnit Unit { get; init; }

    /// <summary>The unit's name in reasons and headroom: the currency code, <c>grants</c>, or the quantity's name.</summary>
    public string UnitName { get; init; } = string.Empty;

    /// <summary>How many decimals an amount may have (the currency's minor units for money).</summary>
    public int Decimals { get; init; }

    public bool IsMoney => Unit == ActionUnit.Money;

    public bool IsCount => Unit == ActionUnit.Count;
}

/// <summary>What an action's amounts count.</summary>
internal enum ActionUnit : byte
{
    Money,
    Count,
    Quantity,
}

/// <summary>One role's compiled limits for one action.</summary>
internal sealed class CompiledLimit
{
    public required string Path { get; init; }

    // Paths are built once here so that evaluation, which records them in decisions, never
    // formats a string.
    public string IncidentAmountPath => field ??= $"{Path}:PerIncident:Amount";

    public string IncidentCountPath => field ??= $"{Path}:PerIncident:Count";

    /// <summary>Authority without any limit (budgets are still charged).</summary>
    public bool Unlimited { get; init; }

    public required decimal? IncidentAmount { get; init; }

    public required int? IncidentCount { get; init; }

    public required CompiledBudget? Customer { get; init; }

    public required CompiledBudget? Agent { get; init; }
}

/// <summary>A compiled cumulative budget.</summary>
internal sealed class CompiledBudget
{
    public required string Path { get; init; }

    public string AmountPath => field ??= $"{Path}:Amount";

    public string CountPath => field ??= $"{Path}:Count";

    public required decimal? Amount { get; init; }

    public required int? Count { get; init; }

    public required BudgetWindow Window { get; init; }

    public required TimeSpan Length { get; init; }
}
