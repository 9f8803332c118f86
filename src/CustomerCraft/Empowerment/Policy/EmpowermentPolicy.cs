using CustomerCraft.Policy;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// The empowerment part of a compiled policy: each role's limits per action, the conditions and
/// their compiled tests. Compiled by <see cref="EmpowermentCompiler"/> from the policy core.
/// </summary>
internal sealed class EmpowermentPolicy
{
    public required int ActionCount { get; init; }

    /// <summary>Limits by <c>role * ActionCount + action</c>; <see langword="null"/> for no authority.</summary>
    public required CompiledLimit?[] Limits { get; init; }

    public required CompiledCondition[] Conditions { get; init; }

    /// <summary>Every compiled test node; conditions point into it.</summary>
    public required TestNode[] Tests { get; init; }

    /// <summary>How many host-condition nodes the tests have (each answers once per evaluation).</summary>
    public required int HostSlots { get; init; }

    /// <summary>Per action, the index of the highest-ranked human role with authority for it; -1 when none.</summary>
    public required int[] TopHumanRole { get; init; }

    /// <summary>Window starts, with calendar periods cached for the policy's time zone.</summary>
    public required BudgetWindows Windows { get; init; }

    public CompiledLimit? LimitFor(int role, int action) => Limits[(role * ActionCount) + action];

    /// <summary>The conditions sorted for matching: looked up by the value they test, or evaluated (built on first use; a race builds it twice, equal).</summary>
    public ConditionIndex ConditionIndex => field ??= ConditionIndex.Build(Conditions, Tests);

    // Built on first use, then kept: a race builds the same numbers twice.
    private int[]? _budgetStarts;

    /// <summary>
    /// Where an action's budgets start among a role's budgets for every action (one per incident,
    /// one per customer and one per agent budget of each action it has limits for, in action order):
    /// how an evaluation of every action's headroom lays out the usage it reads.
    /// </summary>
    public int BudgetStart(int role, int action)
    {
        int[] starts = _budgetStarts ??= BudgetStarts();
        return starts[(role * ActionCount) + action];
    }

    private (bool Customer, bool Agent)[]? _budgetScopes;

    /// <summary>Whether any of a role's limits has a per-customer budget, and whether any has a per-agent one.</summary>
    public (bool Customer, bool Agent) BudgetScopes(int role)
    {
        (bool, bool)[] scopes = _budgetScopes ??= BuildBudgetScopes();
        return scopes[role];
    }

    private (bool Customer, bool Agent)[] BuildBudgetScopes()
    {
        var scopes = new (bool Customer, bool Agent)[ActionCount == 0 ? 0 : Limits.Length / ActionCount];
        for (int role = 0; role < scopes.Length; role++)
        {
            for (int action = 0; action < ActionCount; action++)
            {
                if (LimitFor(role, action) is { } limit)
                {
                    scopes[role] = (scopes[role].Customer || limit.Customer is not null, scopes[role].Agent || limit.Agent is not null);
                }
            }
        }

        return scopes;
    }

    private int[] BudgetStarts()
    {
        int[] starts = new int[Limits.Length];
        for (int role = 0; role < starts.Length / Math.Max(ActionCount, 1); role++)
        {
            int next = 0;
            for (int action = 0; action < ActionCount; action++)
            {
                starts[(role * ActionCount) + action] = next;
                if (LimitFor(role, action) is { } limit)
                {
                    next += 1 + (limit.Customer is null ? 0 : 1) + (limit.Agent is null ? 0 : 1);
                }
            }
        }

        return starts;
    }

    // Built when a reason first names them, then kept: a race builds the same string twice.
    private string?[]? _approverPaths;

    /// <summary>
    /// <c>{policy}:Roles:{role}:Limits:{action}</c> with the canonical names, which an approval's
    /// reason points at; made once per role and action, not once per decision read.
    /// </summary>
    public string ApproverPath(PolicySnapshot snapshot, int role, int action)
    {
        string?[] paths = _approverPaths ??= new string?[Limits.Length];
        return paths[(role * ActionCount) + action] ??= $"{snapshot.Path}:Roles:{snapshot.Roles[role].Name}:Limits:{snapshot.Actions[action].Name}";
    }
}

/// <summary>The empowerment part, read from a snapshot as if it were the snapshot's own.</summary>
internal static class EmpowermentPolicySnapshotExtensions
{
    extension(PolicySnapshot snapshot)
    {
        public EmpowermentPolicy Empowerment => snapshot.Part<EmpowermentPolicy>();

        public CompiledCondition[] Conditions => snapshot.Part<EmpowermentPolicy>().Conditions;

        public TestNode[] Tests => snapshot.Part<EmpowermentPolicy>().Tests;

        public int HostSlots => snapshot.Part<EmpowermentPolicy>().HostSlots;

        public int[] TopHumanRole => snapshot.Part<EmpowermentPolicy>().TopHumanRole;

        public BudgetWindows Windows => snapshot.Part<EmpowermentPolicy>().Windows;

        public CompiledLimit? LimitFor(int role, int action) => snapshot.Part<EmpowermentPolicy>().LimitFor(role, action);
    }
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

    /// <summary><see cref="IncidentAmount"/> in the action's minor units, or <see cref="MinorUnits.None"/>.</summary>
    public long IncidentAmountMinor { get; init; } = MinorUnits.None;

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

    /// <summary><see cref="Amount"/> in the action's minor units, or <see cref="MinorUnits.None"/>.</summary>
    public long AmountMinor { get; init; } = MinorUnits.None;

    public required int? Count { get; init; }

    public required BudgetWindow Window { get; init; }

    public required TimeSpan Length { get; init; }
}
