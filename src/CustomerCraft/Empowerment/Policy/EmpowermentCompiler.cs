using System.Collections.Frozen;
using System.Globalization;
using CustomerCraft.Policy;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// Validates the empowerment settings (limits, the ladder rule, named tests and conditions) over the
/// compiled policy core and compiles them into an <see cref="EmpowermentPolicy"/>.
/// Every problem is collected (not just the first) and named by its configuration path, so an
/// administrator fixes a policy file in one pass.
/// </summary>
internal static class EmpowermentCompiler
{

    /// <summary>
    /// The largest amount a limit or a request may have (a trillion): far above any resolution,
    /// and far enough below <see cref="decimal.MaxValue"/> that sums and multipliers never overflow.
    /// </summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>The largest condition multiplier.</summary>
    public const decimal MaxMultiplier = 1_000m;

    /// <summary>Compiles the empowerment part over a compiled core, or returns <see langword="null"/> with its errors added.</summary>
    public static EmpowermentPolicy? Compile(EmpowermentOptions options, PolicySnapshot core, ConditionTypeRegistry conditionTypes, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        int before = errors.Count;
        string path = core.Path;
        ActionEntry[] actions = core.Actions;
        RoleEntry[] roles = core.Roles;
        FrozenDictionary<string, int> actionIndex = core.ActionIndex;
        FrozenDictionary<string, int> roleIndex = core.RoleIndex;
        var rankedRoles = roles.Select(r => (r.Name, Options: options.Roles[r.Name], r.Rank)).ToList();

        // Limits.
        var limits = new CompiledLimit?[roles.Length * Math.Max(actions.Length, 1)];
        var invalidLimits = new HashSet<(int Role, int Action)>();
        foreach ((string roleName, RoleOptions role, _) in rankedRoles)
        {
            int r = roleIndex[roleName];
            foreach ((string actionName, ActionLimitOptions? limit) in role.Limits)
            {
                string limitPath = $"{path}:Roles:{roleName}:Limits:{actionName}";
                if (!actionIndex.TryGetValue(actionName, out int a))
                {
                    errors.Add($"{limitPath}: '{actionName}' is not a configured action; declare it under {path}:Actions or fix the name.");
                    continue;
                }

                CompiledLimit? compiled = CompileLimit(limit, limitPath, actions[a], errors);
                if (compiled is null)
                {
                    invalidLimits.Add((r, a));
                }
                else
                {
                    limits[(r * actions.Length) + a] = compiled;
                }
            }
        }

        CheckLadder(path, roles, actions, limits, invalidLimits, errors);

        // Tests and conditions.
        var tests = new TestCompiler(core.Attributes, conditionTypes, options.Tests, $"{path}:Tests", errors);
        tests.CompileNamedTests();
        var conditions = new List<CompiledCondition>();
        foreach ((string name, ConditionOptions? condition) in options.Conditions)
        {
            CompiledCondition? compiled = CompileCondition(name, condition ?? new ConditionOptions(), $"{path}:Conditions:{name}", actions, actionIndex, roles, roleIndex, tests, errors);
            if (compiled is not null)
            {
                conditions.Add(compiled);
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new EmpowermentPolicy
        {
            ActionCount = actions.Length,
            Limits = limits,
            Conditions = [.. conditions],
            Tests = tests.Nodes,
            HostSlots = tests.HostSlots,
            TopHumanRole = actions.Select(a => Array.FindLastIndex(roles, r => !r.IsBot && limits[(r.Index * actions.Length) + a.Index] is not null)).ToArray(),
            Windows = new BudgetWindows(core.TimeZone, core.FirstDayOfWeek),
        };
    }

    private static CompiledLimit? CompileLimit(ActionLimitOptions? limit, string limitPath, ActionEntry action, List<string> errors)
    {
        limit ??= new ActionLimitOptions();
        int before = errors.Count;
        bool any = limit.PerIncident is not null || limit.PerCustomer is not null || limit.PerAgent is not null;
        if (limit.Unlimited)
        {
            if (any)
            {
                errors.Add($"{limitPath}:Unlimited: true means no limits, but limits are also set; remove one or the other.");
                return null;
            }

            return new CompiledLimit { Path = limitPath, Unlimited = true, IncidentAmount = null, IncidentCount = null, Customer = null, Agent = null };
        }

        if (!any)
        {
            errors.Add($"{limitPath}: no limits; set PerIncident, PerCustomer or PerAgent, or \"Unlimited\": true for authority without limits (remove the entry for no authority).");
            return null;
        }

        if (limit.PerIncident is { } incident)
        {
            if (incident.Amount is null && incident.Count is null)
            {
                errors.Add($"{limitPath}:PerIncident: missing limits; set Amount, Count or both (or remove PerIncident).");
            }

            if (incident.Amount is decimal amount)
            {
                CheckAmount(amount, $"{limitPath}:PerIncident:Amount", action, errors);
            }

            CheckCount(incident.Count, $"{limitPath}:PerIncident:Count", errors);
        }

        CompiledBudget? customer = CompileBudget(limit.PerCustomer, $"{limitPath}:PerCustomer", action, errors);
        CompiledBudget? agent = CompileBudget(limit.PerAgent, $"{limitPath}:PerAgent", action, errors);
        if (errors.Count > before)
        {
            return null;
        }

        return new CompiledLimit
        {
            Path = limitPath,
            IncidentAmount = limit.PerIncident?.Amount,
            IncidentAmountMinor = limit.PerIncident?.Amount is decimal incidentAmount ? MinorUnits.From(incidentAmount, action.Decimals) : MinorUnits.None,
            IncidentCount = limit.PerIncident?.Count,
            Customer = customer,
            Agent = agent,
        };
    }

    private static CompiledBudget? CompileBudget(BudgetLimitOptions? budget, string budgetPath, ActionEntry action, List<string> errors)
    {
        if (budget is null)
        {
            return null;
        }

        if (budget.Amount is null && budget.Count is null)
        {
            errors.Add($"{budgetPath}: missing limits; set Amount, Count or both (or remove the budget).");
        }

        if (budget.Amount is decimal amount)
        {
            CheckAmount(amount, $"{budgetPath}:Amount", action, errors);
        }

        CheckCount(budget.Count, $"{budgetPath}:Count", errors);

        if (!Enum.IsDefined(budget.Window))
        {
            errors.Add($"{budgetPath}:Window: '{budget.Window}' is not a window; use Rolling, Day, Week or Month.");
        }
        else if (budget.Window == BudgetWindow.Rolling)
        {
            if (budget.Length is not TimeSpan length)
            {
                errors.Add($"{budgetPath}:Length: a rolling window needs a Length such as \"30.00:00:00\" (30 days).");
            }
            else if (length <= TimeSpan.Zero)
            {
                errors.Add($"{budgetPath}:Length: {length} is not a period; a rolling window's length must be greater than zero.");
            }
        }
        else if (budget.Length is not null)
        {
            errors.Add($"{budgetPath}:Length: a {budget.Window} window is a calendar period; Length applies only to Rolling windows.");
        }

        return new CompiledBudget
        {
            Path = budgetPath,
            Amount = budget.Amount,
            AmountMinor = budget.Amount is decimal budgetAmount ? MinorUnits.From(budgetAmount, action.Decimals) : MinorUnits.None,
            Count = budget.Count,
            Window = budget.Window,
            Length = budget.Length ?? TimeSpan.Zero,
        };
    }

    private static void CheckAmount(decimal amount, string amountPath, ActionEntry action, List<string> errors)
    {
        if (action.IsCount)
        {
            errors.Add($"{amountPath}: {action.Name} is counted (Unit Count), so it has no amounts; limit it with Count.");
        }
        else if (amount < 0)
        {
            errors.Add($"{amountPath}: {amount.ToString(CultureInfo.InvariantCulture)} is negative; limits must be zero or more.");
        }
        else if (amount > MaxAmount)
        {
            errors.Add($"{amountPath}: {amount.ToString(CultureInfo.InvariantCulture)} is larger than the largest supported limit, {MaxAmount.ToString(CultureInfo.InvariantCulture)}; leave the limit out for no limit.");
        }
        else if (!Iso4217.FitsMinorUnits(amount, action.Decimals))
        {
            errors.Add($"{amountPath}: {amount.ToString(CultureInfo.InvariantCulture)} has more than {action.Decimals} decimals, which {(action.IsMoney ? "the policy currency" : $"the unit {action.UnitName}")} allows.");
        }
    }

    private static void CheckCount(int? count, string countPath, List<string> errors)
    {
        if (count < 0)
        {
            errors.Add($"{countPath}: {count} is negative; counts must be zero or more.");
        }
    }

    /// <summary>
    /// A higher role must never have less authority than a lower one for the same action: it has
    /// authority where the lower has, its per-incident and per-customer limits are at least the
    /// lower's (a missing limit is no limit), and the most it can grant in one request (its smallest
    /// amount limit) is at least the lower's. Per-agent budgets are personal allowances, compared only
    /// when both roles have one over the same window: a supervisor on a monthly budget above agents
    /// capped per incident is a ladder, not an inversion.
    /// </summary>
    private static void CheckLadder(string path, RoleEntry[] roles, ActionEntry[] actions, CompiledLimit?[] limits, HashSet<(int Role, int Action)> invalidLimits, List<string> errors)
    {
        foreach (ActionEntry action in actions)
        {
            for (int higher = 1; higher < roles.Length; higher++)
            {
                CompiledLimit? high = limits[(higher * actions.Length) + action.Index];
                if (invalidLimits.Contains((higher, action.Index)) || high?.Unlimited == true)
                {
                    // Already reported, or nothing can be above it.
                    continue;
                }

                // The nearest role below with authority for the action: the ladder is checked step by
                // step (each step implies the rest), which keeps a large ladder fast to check and an
                // inverted one to one error per step instead of one per pair of roles.
                int lower = higher - 1;
                while (lower >= 0 && limits[(lower * actions.Length) + action.Index] is null)
                {
                    lower--;
                }

                if (lower < 0 || invalidLimits.Contains((lower, action.Index)))
                {
                    continue;
                }

                CompiledLimit low = limits[(lower * actions.Length) + action.Index]!;
                if (high is null)
                {
                    errors.Add($"{path}:Roles:{roles[higher].Name}:Limits:{action.Name}: {roles[higher].Name} (rank {roles[higher].Rank}) has no authority for {action.Name} while the lower role {roles[lower].Name} (rank {roles[lower].Rank}) has; a higher role needs at least the same limits.");
                    continue;
                }

                if (low.Unlimited)
                {
                    errors.Add($"{high.Path}: {roles[higher].Name} (rank {roles[higher].Rank}) has limits while the lower role {roles[lower].Name} (rank {roles[lower].Rank}) is Unlimited; a higher role needs at least the same authority.");
                    continue;
                }

                int reported = errors.Count;
                CompareWindows(high.Customer, low.Customer, high, ":PerCustomer", roles[higher], roles[lower], errors);

                // Where the lower role has no amount limit of a scope, what bounds it there is its ceiling.
                decimal? lowCeiling = Ceiling(low);
                CompareLimit(high.IncidentAmount, low.IncidentAmount ?? lowCeiling, high, ":PerIncident:Amount", roles[higher], roles[lower], errors);
                CompareLimit(high.IncidentCount, low.IncidentCount, high, ":PerIncident:Count", roles[higher], roles[lower], errors);
                CompareLimit(high.Customer?.Amount, low.Customer?.Amount, high, ":PerCustomer:Amount", roles[higher], roles[lower], errors, high.Customer is null, low.Customer is null);
                CompareLimit(high.Customer?.Count, low.Customer?.Count, high, ":PerCustomer:Count", roles[higher], roles[lower], errors, high.Customer is null, low.Customer is null);
                if (high.Agent is { } highAgent && low.Agent is { } lowAgent && highAgent.Window == lowAgent.Window && highAgent.Length == lowAgent.Length)
                {
                    CompareLimit(highAgent.Amount, lowAgent.Amount, high, ":PerAgent:Amount", roles[higher], roles[lower], errors);
                    CompareLimit(highAgent.Count, lowAgent.Count, high, ":PerAgent:Count", roles[higher], roles[lower], errors);
                }

                decimal? highCeiling = Ceiling(high);
                if (errors.Count == reported && highCeiling is decimal hc && (lowCeiling is null || hc < lowCeiling))
                {
                    string lowText = lowCeiling is decimal lc ? lc.ToString(CultureInfo.InvariantCulture) : "no limit";
                    errors.Add($"{high.Path}: {roles[higher].Name} (rank {roles[higher].Rank}) can grant at most {hc.ToString(CultureInfo.InvariantCulture)} {action.UnitName} in one request, less than the lower role {roles[lower].Name} (rank {roles[lower].Rank}) with {lowText}; a higher role needs at least the same authority.");
                }
            }
        }

        // The most one request can be granted on a fresh incident, customer and agent: the smallest amount limit.
        static decimal? Ceiling(CompiledLimit limit)
        {
            decimal? ceiling = limit.IncidentAmount;
            foreach (decimal? amount in new[] { limit.Customer?.Amount, limit.Agent?.Amount })
            {
                if (amount is decimal value && (ceiling is null || value < ceiling))
                {
                    ceiling = value;
                }
            }

            return ceiling;
        }
    }

    /// <summary>
    /// Budgets of one scope must be measured over the same window along the ladder: the same
    /// amount over a longer window is less authority, and calendar and rolling windows of the same
    /// nominal length free budget at different moments, so only equal windows compare safely.
    /// </summary>
    private static void CompareWindows(CompiledBudget? high, CompiledBudget? low, CompiledLimit highLimit, string suffix, RoleEntry higher, RoleEntry lower, List<string> errors)
    {
        if (high is null || low is null || (high.Window == low.Window && high.Length == low.Length))
        {
            return;
        }

        errors.Add($"{highLimit.Path}{suffix}:Window: {higher.Name} (rank {higher.Rank}) measures this budget over {Describe(high)} while the lower role {lower.Name} (rank {lower.Rank}) uses {Describe(low)}; roles on one ladder must use the same window for a budget so that a higher role never has less authority.");

        static string Describe(CompiledBudget budget) => budget.Window == BudgetWindow.Rolling
            ? $"a rolling {budget.Length.ToString("c", CultureInfo.InvariantCulture)}"
            : $"a calendar {budget.Window.ToString().ToLowerInvariant()}";
    }

    /// <summary>Compares two limits where a missing limit (or a missing budget) means "unlimited"; the path is only built for an error.</summary>
    private static void CompareLimit(decimal? high, decimal? low, CompiledLimit highLimit, string suffix, RoleEntry higher, RoleEntry lower, List<string> errors, bool highUnlimited = false, bool lowUnlimited = false)
    {
        decimal highValue = highUnlimited || high is null ? decimal.MaxValue : high.Value;
        decimal lowValue = lowUnlimited || low is null ? decimal.MaxValue : low.Value;
        if (highValue < lowValue)
        {
            string lowText = lowValue == decimal.MaxValue ? "no limit" : lowValue.ToString(CultureInfo.InvariantCulture);
            errors.Add($"{highLimit.Path}{suffix}: {higher.Name} (rank {higher.Rank}) allows {highValue.ToString(CultureInfo.InvariantCulture)}, less than the lower role {lower.Name} (rank {lower.Rank}) with {lowText}; a higher role needs at least the same authority.");
        }
    }

    private static void CompareLimit(int? high, int? low, CompiledLimit highLimit, string suffix, RoleEntry higher, RoleEntry lower, List<string> errors, bool highUnlimited = false, bool lowUnlimited = false) =>
        CompareLimit(high is null ? null : (decimal?)high.Value, low is null ? null : (decimal?)low.Value, highLimit, suffix, higher, lower, errors, highUnlimited, lowUnlimited);

    private static CompiledCondition? CompileCondition(
        string name,
        ConditionOptions condition,
        string conditionPath,
        ActionEntry[] actions,
        FrozenDictionary<string, int> actionIndex,
        RoleEntry[] roles,
        FrozenDictionary<string, int> roleIndex,
        TestCompiler tests,
        List<string> errors)
    {
        int before = errors.Count;
        int test = tests.CompileCondition(name, condition.When, $"{conditionPath}:When");

        ConditionEffect effect = ConditionEffect.Deny;
        if (condition.Effect is not ConditionEffect configured || !Enum.IsDefined(configured))
        {
            errors.Add($"{conditionPath}:Effect: missing; use Multiply, Limit, Allow, RequireApproval or Deny.");
        }
        else
        {
            effect = configured;
        }

        bool[]? actionFilter = Filter(condition.Actions, actionIndex, actions.Length, $"{conditionPath}:Actions", "action", errors);
        bool changesLimits = effect is ConditionEffect.Multiply or ConditionEffect.Limit or ConditionEffect.Allow;
        bool[]? roleFilter = null;
        if (condition.Roles.Count > 0 && condition.Effect is not null && !changesLimits)
        {
            errors.Add($"{conditionPath}:Roles: applies only to Multiply, Limit and Allow, which change a role's authority; {effect} holds for whoever asks.");
        }
        else
        {
            roleFilter = Filter(condition.Roles, roleIndex, roles.Length, $"{conditionPath}:Roles", "role", errors);
        }

        // Each effect's own settings, and nothing else.
        Belongs(condition.Multiplier is not null, effect == ConditionEffect.Multiply, "Multiplier", "Multiply");
        Belongs(condition.Limit is not null, effect == ConditionEffect.Limit, "Limit", "Limit");
        Belongs(condition.AppliesTo is not null, effect is ConditionEffect.Multiply or ConditionEffect.Limit, "AppliesTo", "Multiply and Limit");
        Belongs(condition.ApproverRole is not null, effect == ConditionEffect.RequireApproval, "ApproverRole", "RequireApproval");

        if (effect == ConditionEffect.Multiply && condition.Effect is not null)
        {
            if (condition.Multiplier is not decimal multiplier)
            {
                errors.Add($"{conditionPath}:Multiplier: missing; a Multiply effect needs a factor such as 1.5.");
            }
            else if (multiplier <= 0 || multiplier > MaxMultiplier)
            {
                errors.Add($"{conditionPath}:Multiplier: {multiplier.ToString(CultureInfo.InvariantCulture)} must be greater than zero and at most {MaxMultiplier.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        if (effect == ConditionEffect.Limit && condition.Effect is not null)
        {
            if (condition.Limit is not decimal limit)
            {
                errors.Add($"{conditionPath}:Limit: missing; a Limit effect needs the absolute limit (0 for never without approval).");
            }
            else if (limit < 0 || limit > MaxAmount)
            {
                errors.Add($"{conditionPath}:Limit: {limit.ToString(CultureInfo.InvariantCulture)} must be from 0 to {MaxAmount.ToString(CultureInfo.InvariantCulture)}.");
            }
            else
            {
                foreach (ActionEntry action in actions.Where(a => actionFilter is null || actionFilter[a.Index]))
                {
                    if (!Iso4217.FitsMinorUnits(limit, action.Decimals))
                    {
                        errors.Add($"{conditionPath}:Limit: {limit.ToString(CultureInfo.InvariantCulture)} has more than the {action.Decimals} decimals that {action.Name} ({action.UnitName}) allows.");
                    }
                }
            }
        }

        const LimitScopes AllScopes = LimitScopes.PerIncident | LimitScopes.PerCustomer | LimitScopes.PerAgent;
        LimitScopes scopes = condition.AppliesTo ?? (effect == ConditionEffect.Limit ? LimitScopes.PerIncident : LimitScopes.PerIncident | LimitScopes.PerCustomer);
        if (condition.AppliesTo is not null && (scopes == LimitScopes.None || (scopes & ~AllScopes) != 0))
        {
            errors.Add($"{conditionPath}:AppliesTo: '{scopes}' must name one or more of PerIncident, PerCustomer, PerAgent.");
        }

        int minimumApproverRank = int.MinValue;
        if (condition.ApproverRole is not null && effect == ConditionEffect.RequireApproval)
        {
            if (!roleIndex.TryGetValue(condition.ApproverRole, out int approver))
            {
                errors.Add($"{conditionPath}:ApproverRole: '{condition.ApproverRole}' is not a configured role.");
            }
            else if (roles[approver].IsBot)
            {
                errors.Add($"{conditionPath}:ApproverRole: '{condition.ApproverRole}' is a bot; bots never approve.");
            }
            else
            {
                minimumApproverRank = roles[approver].Rank;
            }
        }

        if (errors.Count > before || test < 0)
        {
            return null;
        }

        return new CompiledCondition
        {
            Name = name,
            Path = conditionPath,
            Test = test,
            Effect = effect,
            Actions = actionFilter,
            Roles = roleFilter,
            Multiplier = condition.Multiplier ?? 1m,
            Limit = condition.Limit,
            Scopes = scopes,
            MinimumApproverRank = minimumApproverRank,
            ApproverRole = condition.ApproverRole,
            Description = condition.Description,
        };

        void Belongs(bool isSet, bool belongs, string setting, string effects)
        {
            if (isSet && !belongs && condition.Effect is not null)
            {
                errors.Add($"{conditionPath}:{setting}: does not belong to a {effect} effect; it applies only to {effects}.");
            }
        }
    }

    /// <summary>A per-index filter from a list of names; <see langword="null"/> (everything) for an empty list.</summary>
    private static bool[]? Filter(List<string> names, FrozenDictionary<string, int> index, int length, string listPath, string what, List<string> errors)
    {
        if (names.Count == 0)
        {
            return null;
        }

        var filter = new bool[length];
        for (int i = 0; i < names.Count; i++)
        {
            if (index.TryGetValue(names[i] ?? string.Empty, out int found))
            {
                filter[found] = true;
            }
            else
            {
                errors.Add($"{listPath}:{i}: '{names[i]}' is not a configured {what}.");
            }
        }

        return filter;
    }
}
