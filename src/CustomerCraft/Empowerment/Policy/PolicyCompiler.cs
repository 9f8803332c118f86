using System.Collections.Frozen;
using System.Globalization;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// Validates <see cref="EmpowermentOptions"/> and compiles them into a <see cref="PolicySnapshot"/>.
/// Every problem is collected (not just the first) and named by its configuration path, so an
/// administrator fixes a policy file in one pass.
/// </summary>
internal static class PolicyCompiler
{
    /// <summary>At most 64 actions and conditions: they are tracked as bit masks on the hot path.</summary>
    public const int MaxActions = 64;

    public const int MaxConditions = 64;

    private const int MaxDecimalScale = 28;

    /// <summary>
    /// The largest amount a limit or a request may have (a trillion): far above any resolution,
    /// and far enough below <see cref="decimal.MaxValue"/> that sums and multipliers never overflow.
    /// </summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>The largest condition multiplier.</summary>
    public const decimal MaxMultiplier = 1_000m;

    public static PolicyCompilation Compile(
        EmpowermentOptions options,
        string path,
        ConditionTypeRegistry conditionTypes,
        long version)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        // Currency and time.
        string currency = options.Currency ?? string.Empty;
        if (!Iso4217.TryGetMinorUnits(currency, out int minorUnits))
        {
            // Without a currency there is no minor unit to check amounts against; checking
            // against 0 would bury the one real error under knock-on ones.
            minorUnits = MaxDecimalScale;
            errors.Add($"{path}:Currency: '{currency}' is not an ISO 4217 currency code (three upper-case letters such as USD or EUR).");
        }

        TimeZoneInfo timeZone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(options.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out TimeZoneInfo? found))
        {
            errors.Add($"{path}:TimeZone: '{options.TimeZone}' is not a known time zone id (use an IANA id such as 'America/New_York' or 'UTC').");
        }
        else
        {
            timeZone = found;
        }

        if (!Enum.IsDefined(options.FirstDayOfWeek))
        {
            errors.Add($"{path}:FirstDayOfWeek: '{options.FirstDayOfWeek}' is not a day of the week.");
        }

        // Actions.
        var actionNames = options.Actions.Keys.ToList();
        if (actionNames.Count == 0)
        {
            errors.Add($"{path}:Actions: at least one action is required (for example Refund).");
        }
        else if (actionNames.Count > MaxActions)
        {
            errors.Add($"{path}:Actions: {actionNames.Count} actions are configured; at most {MaxActions} are supported.");
        }

        ActionEntry[] actions = actionNames
            .Select((name, index) => new ActionEntry(name, options.Actions[name]?.DisplayName ?? name, options.Actions[name]?.Description, index))
            .ToArray();
        FrozenDictionary<string, int> actionIndex = actions.ToFrozenDictionary(a => a.Name, a => a.Index, StringComparer.OrdinalIgnoreCase);

        // Roles.
        if (options.Roles.Count == 0)
        {
            errors.Add($"{path}:Roles: at least one role is required (for example Agent with Rank 10).");
        }

        var rankedRoles = new List<(string Name, RoleOptions Options, int Rank)>();
        foreach ((string name, RoleOptions? role) in options.Roles)
        {
            string rolePath = $"{path}:Roles:{name}";
            if (role?.Rank is not int rank)
            {
                errors.Add($"{rolePath}:Rank: a rank is required (a whole number; higher means more authority).");
                continue;
            }

            if (rank < 0)
            {
                errors.Add($"{rolePath}:Rank: {rank} is negative; ranks must be zero or more.");
            }

            rankedRoles.Add((name, role, rank));
        }

        foreach (IGrouping<int, (string Name, RoleOptions Options, int Rank)> group in rankedRoles.GroupBy(r => r.Rank).Where(g => g.Count() > 1))
        {
            string names = string.Join(", ", group.Select(r => r.Name));
            foreach ((string name, _, _) in group)
            {
                errors.Add($"{path}:Roles:{name}:Rank: rank {group.Key} is used by more than one role ({names}); each role needs its own rank.");
            }
        }

        rankedRoles.Sort((a, b) => a.Rank.CompareTo(b.Rank));
        RoleEntry[] roles = rankedRoles
            .Select((r, index) => new RoleEntry(r.Name, r.Options.DisplayName ?? r.Name, r.Rank, r.Options.IsBot, index))
            .ToArray();
        FrozenDictionary<string, int> roleIndex = roles
            .DistinctBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(r => r.Name, r => r.Index, StringComparer.OrdinalIgnoreCase);

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

                CompiledLimit? compiled = CompileLimit(limit, limitPath, minorUnits, errors);
                if (compiled is null)
                {
                    invalidLimits.Add((r, a));
                }
                else if (actions.Length > 0)
                {
                    limits[(r * actions.Length) + a] = compiled;
                }
            }
        }

        CheckLadder(path, roles, actions, limits, invalidLimits, errors);

        // Conditions.
        if (options.Conditions.Count > MaxConditions)
        {
            errors.Add($"{path}:Conditions: {options.Conditions.Count} conditions are configured; at most {MaxConditions} are supported.");
        }

        var conditions = new List<CompiledCondition>();
        foreach ((string name, ConditionOptions? condition) in options.Conditions)
        {
            CompiledCondition? compiled = CompileCondition(name, condition ?? new ConditionOptions(), $"{path}:Conditions:{name}", actionIndex, roles, roleIndex, conditionTypes, errors);
            if (compiled is not null)
            {
                conditions.Add(compiled);
            }
        }

        if (errors.Count > 0)
        {
            return new PolicyCompilation(null, errors);
        }

        var snapshot = new PolicySnapshot
        {
            Version = version,
            Path = path,
            Currency = currency,
            MinorUnits = minorUnits,
            TimeZone = timeZone,
            FirstDayOfWeek = options.FirstDayOfWeek,
            Roles = roles,
            RoleIndex = roleIndex,
            Actions = actions,
            ActionIndex = actionIndex,
            Limits = limits,
            Conditions = [.. conditions],
            TopHumanRole = actions.Select(a => Array.FindLastIndex(roles, r => !r.IsBot && limits[(r.Index * actions.Length) + a.Index] is not null)).ToArray(),
        };
        return new PolicyCompilation(snapshot, errors);
    }

    private static CompiledLimit? CompileLimit(ActionLimitOptions? limit, string limitPath, int minorUnits, List<string> errors)
    {
        if (limit?.PerIncident is null)
        {
            errors.Add($"{limitPath}:PerIncident: missing; every limit needs a per-incident Amount (use 0 to allow only counted grants of nothing).");
            return null;
        }

        int before = errors.Count;
        decimal incidentAmount = 0;
        if (limit.PerIncident.Amount is not decimal amount)
        {
            errors.Add($"{limitPath}:PerIncident:Amount: missing; a per-incident amount is required.");
        }
        else
        {
            CheckAmount(amount, $"{limitPath}:PerIncident:Amount", minorUnits, errors);
            incidentAmount = amount;
        }

        CheckCount(limit.PerIncident.Count, $"{limitPath}:PerIncident:Count", errors);
        CompiledBudget? customer = CompileBudget(limit.PerCustomer, $"{limitPath}:PerCustomer", minorUnits, errors);
        CompiledBudget? agent = CompileBudget(limit.PerAgent, $"{limitPath}:PerAgent", minorUnits, errors);
        if (errors.Count > before)
        {
            return null;
        }

        return new CompiledLimit
        {
            Path = limitPath,
            IncidentAmount = incidentAmount,
            IncidentCount = limit.PerIncident.Count,
            Customer = customer,
            Agent = agent,
        };
    }

    private static CompiledBudget? CompileBudget(BudgetLimitOptions? budget, string budgetPath, int minorUnits, List<string> errors)
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
            CheckAmount(amount, $"{budgetPath}:Amount", minorUnits, errors);
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
            Count = budget.Count,
            Window = budget.Window,
            Length = budget.Length ?? TimeSpan.Zero,
        };
    }

    private static void CheckAmount(decimal amount, string amountPath, int minorUnits, List<string> errors)
    {
        if (amount < 0)
        {
            errors.Add($"{amountPath}: {amount.ToString(CultureInfo.InvariantCulture)} is negative; limits must be zero or more.");
        }
        else if (amount > MaxAmount)
        {
            errors.Add($"{amountPath}: {amount.ToString(CultureInfo.InvariantCulture)} is larger than the largest supported limit, {MaxAmount.ToString(CultureInfo.InvariantCulture)}; leave the limit out for no limit.");
        }
        else if (!Iso4217.FitsMinorUnits(amount, minorUnits))
        {
            errors.Add($"{amountPath}: {amount.ToString(CultureInfo.InvariantCulture)} has more than {minorUnits} decimals, which the policy currency allows.");
        }
    }

    private static void CheckCount(int? count, string countPath, List<string> errors)
    {
        if (count < 0)
        {
            errors.Add($"{countPath}: {count} is negative; counts must be zero or more.");
        }
    }

    /// <summary>A higher role must never have less authority than a lower one for the same action.</summary>
    private static void CheckLadder(string path, RoleEntry[] roles, ActionEntry[] actions, CompiledLimit?[] limits, HashSet<(int Role, int Action)> invalidLimits, List<string> errors)
    {
        if (actions.Length == 0)
        {
            return;
        }

        foreach (ActionEntry action in actions)
        {
            for (int higher = 1; higher < roles.Length; higher++)
            {
                CompiledLimit? high = limits[(higher * actions.Length) + action.Index];
                if (invalidLimits.Contains((higher, action.Index)))
                {
                    // Already reported; comparing a broken limit would only add noise.
                    continue;
                }

                for (int lower = 0; lower < higher; lower++)
                {
                    CompiledLimit? low = limits[(lower * actions.Length) + action.Index];
                    if (low is null)
                    {
                        continue;
                    }

                    string highPath = $"{path}:Roles:{roles[higher].Name}:Limits:{action.Name}";
                    if (high is null)
                    {
                        errors.Add($"{highPath}: {roles[higher].Name} (rank {roles[higher].Rank}) has no authority for {action.Name} while the lower role {roles[lower].Name} (rank {roles[lower].Rank}) has; a higher role needs at least the same limits.");
                        break;
                    }

                    CompareWindows(high.Customer, low.Customer, $"{high.Path}:PerCustomer", roles[higher], roles[lower], errors);
                    CompareWindows(high.Agent, low.Agent, $"{high.Path}:PerAgent", roles[higher], roles[lower], errors);
                    CompareLimit(high.IncidentAmount, low.IncidentAmount, $"{high.Path}:PerIncident:Amount", roles[higher], roles[lower], errors);
                    CompareLimit(high.IncidentCount, low.IncidentCount, $"{high.Path}:PerIncident:Count", roles[higher], roles[lower], errors);
                    CompareLimit(high.Customer?.Amount, low.Customer?.Amount, $"{high.Path}:PerCustomer:Amount", roles[higher], roles[lower], errors, high.Customer is null, low.Customer is null);
                    CompareLimit(high.Customer?.Count, low.Customer?.Count, $"{high.Path}:PerCustomer:Count", roles[higher], roles[lower], errors, high.Customer is null, low.Customer is null);
                    CompareLimit(high.Agent?.Amount, low.Agent?.Amount, $"{high.Path}:PerAgent:Amount", roles[higher], roles[lower], errors, high.Agent is null, low.Agent is null);
                    CompareLimit(high.Agent?.Count, low.Agent?.Count, $"{high.Path}:PerAgent:Count", roles[higher], roles[lower], errors, high.Agent is null, low.Agent is null);
                }
            }
        }
    }

    /// <summary>
    /// Budgets of one scope must be measured over the same window along the ladder: the same
    /// amount over a longer window is less authority, and calendar and rolling windows of the same
    /// nominal length free budget at different moments, so only equal windows compare safely.
    /// </summary>
    private static void CompareWindows(CompiledBudget? high, CompiledBudget? low, string highPath, RoleEntry higher, RoleEntry lower, List<string> errors)
    {
        if (high is null || low is null || (high.Window == low.Window && high.Length == low.Length))
        {
            return;
        }

        errors.Add($"{highPath}:Window: {higher.Name} (rank {higher.Rank}) measures this budget over {Describe(high)} while the lower role {lower.Name} (rank {lower.Rank}) uses {Describe(low)}; roles on one ladder must use the same window for a budget so that a higher role never has less authority.");

        static string Describe(CompiledBudget budget) => budget.Window == BudgetWindow.Rolling
            ? $"a rolling {budget.Length.ToString("c", CultureInfo.InvariantCulture)}"
            : $"a calendar {budget.Window.ToString().ToLowerInvariant()}";
    }

    /// <summary>Compares two limits where a missing limit (or a missing budget) means "unlimited".</summary>
    private static void CompareLimit(decimal? high, decimal? low, string highPath, RoleEntry higher, RoleEntry lower, List<string> errors, bool highUnlimited = false, bool lowUnlimited = false)
    {
        decimal highValue = highUnlimited || high is null ? decimal.MaxValue : high.Value;
        decimal lowValue = lowUnlimited || low is null ? decimal.MaxValue : low.Value;
        if (highValue < lowValue)
        {
            string lowText = lowValue == decimal.MaxValue ? "no limit" : lowValue.ToString(CultureInfo.InvariantCulture);
            errors.Add($"{highPath}: {higher.Name} (rank {higher.Rank}) allows {highValue.ToString(CultureInfo.InvariantCulture)}, less than the lower role {lower.Name} (rank {lower.Rank}) with {lowText}; a higher role needs at least the same authority.");
        }
    }

    private static void CompareLimit(int? high, int? low, string highPath, RoleEntry higher, RoleEntry lower, List<string> errors, bool highUnlimited = false, bool lowUnlimited = false) =>
        CompareLimit(high is null ? null : (decimal?)high.Value, low is null ? null : (decimal?)low.Value, highPath, higher, lower, errors, highUnlimited, lowUnlimited);

    private static CompiledCondition? CompileCondition(
        string name,
        ConditionOptions condition,
        string conditionPath,
        FrozenDictionary<string, int> actionIndex,
        RoleEntry[] roles,
        FrozenDictionary<string, int> roleIndex,
        ConditionTypeRegistry conditionTypes,
        List<string> errors)
    {
        int before = errors.Count;
        string? type = condition.Type;
        string? builtIn = BuiltInConditionTypes.Find(type);
        IResolutionCondition? host = null;
        if (string.IsNullOrWhiteSpace(type))
        {
            errors.Add($"{conditionPath}:Type: missing; use one of {string.Join(", ", BuiltInConditionTypes.All)} or a type registered with AddCondition<T>().");
        }
        else if (builtIn is null && !conditionTypes.TryGet(type, out host))
        {
            errors.Add($"{conditionPath}:Type: '{type}' is not a known condition type; use one of {string.Join(", ", BuiltInConditionTypes.All.Concat(conditionTypes.Names))} or register it with AddCondition<T>(\"{type}\").");
        }

        ulong mask = 0;
        if (condition.Actions.Count == 0)
        {
            mask = ulong.MaxValue;
        }

        for (int i = 0; i < condition.Actions.Count; i++)
        {
            if (actionIndex.TryGetValue(condition.Actions[i] ?? string.Empty, out int a))
            {
                mask |= 1UL << a;
            }
            else
            {
                errors.Add($"{conditionPath}:Actions:{i}: '{condition.Actions[i]}' is not a configured action.");
            }
        }

        if (condition.Multiplier is null == condition.Outcome is null)
        {
            errors.Add($"{conditionPath}: set exactly one effect, Multiplier or Outcome.");
        }

        if (condition.Multiplier is decimal multiplier && (multiplier <= 0 || multiplier > MaxMultiplier))
        {
            errors.Add($"{conditionPath}:Multiplier: {multiplier.ToString(CultureInfo.InvariantCulture)} must be greater than zero and at most {MaxMultiplier.ToString(CultureInfo.InvariantCulture)}.");
        }

        const LimitScopes AllScopes = LimitScopes.PerIncident | LimitScopes.PerCustomer | LimitScopes.PerAgent;
        if (condition.Multiplier is not null && (condition.AppliesTo == LimitScopes.None || (condition.AppliesTo & ~AllScopes) != 0))
        {
            errors.Add($"{conditionPath}:AppliesTo: '{condition.AppliesTo}' must name one or more of PerIncident, PerCustomer, PerAgent for the multiplier to scale.");
        }

        if (condition.Outcome is ConditionOutcome outcome && !Enum.IsDefined(outcome))
        {
            errors.Add($"{conditionPath}:Outcome: '{outcome}' is not an outcome; use RequireApproval or Deny.");
        }

        int minimumApproverRank = int.MinValue;
        if (condition.ApproverRole is not null)
        {
            if (condition.Outcome != ConditionOutcome.RequireApproval)
            {
                errors.Add($"{conditionPath}:ApproverRole: applies only with Outcome RequireApproval.");
            }
            else if (!roleIndex.TryGetValue(condition.ApproverRole, out int approver))
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

        // The test's own settings.
        switch (builtIn)
        {
            case BuiltInConditionTypes.Segment:
                RequireList(condition.Segments, $"{conditionPath}:Segments", "segment", errors);
                break;
            case BuiltInConditionTypes.Channel:
                RequireList(condition.Channels, $"{conditionPath}:Channels", "channel", errors);
                break;
            case BuiltInConditionTypes.ReasonCode:
                RequireList(condition.ReasonCodes, $"{conditionPath}:ReasonCodes", "reason code", errors);
                break;
            case BuiltInConditionTypes.Tenure:
                if (condition.MinimumTenureDays is null && condition.MaximumTenureDays is null)
                {
                    errors.Add($"{conditionPath}: a Tenure condition needs MinimumTenureDays, MaximumTenureDays or both.");
                }

                if (condition.MinimumTenureDays < 0)
                {
                    errors.Add($"{conditionPath}:MinimumTenureDays: {condition.MinimumTenureDays} is negative.");
                }

                if (condition.MaximumTenureDays <= 0)
                {
                    errors.Add($"{conditionPath}:MaximumTenureDays: {condition.MaximumTenureDays} must be greater than zero.");
                }

                if (condition.MinimumTenureDays >= condition.MaximumTenureDays)
                {
                    errors.Add($"{conditionPath}:MaximumTenureDays: {condition.MaximumTenureDays} must be greater than MinimumTenureDays ({condition.MinimumTenureDays}).");
                }

                break;
            case BuiltInConditionTypes.Attribute:
                if (string.IsNullOrWhiteSpace(condition.Attribute))
                {
                    errors.Add($"{conditionPath}:Attribute: missing; name the request attribute to test.");
                }

                if (condition.Minimum > condition.Maximum)
                {
                    errors.Add($"{conditionPath}:Maximum: {condition.Maximum?.ToString(CultureInfo.InvariantCulture)} is less than Minimum ({condition.Minimum?.ToString(CultureInfo.InvariantCulture)}).");
                }

                break;
        }

        if (errors.Count > before)
        {
            return null;
        }

        decimal factor = condition.Multiplier ?? 1m;
        var effect = new ConditionEffect
        {
            Name = name,
            Path = conditionPath,
            ActionMask = mask,
            Multiplier = condition.Multiplier,
            IncidentMultiplier = condition.AppliesTo.HasFlag(LimitScopes.PerIncident) ? factor : 1m,
            CustomerMultiplier = condition.AppliesTo.HasFlag(LimitScopes.PerCustomer) ? factor : 1m,
            AgentMultiplier = condition.AppliesTo.HasFlag(LimitScopes.PerAgent) ? factor : 1m,
            Outcome = condition.Outcome,
            MinimumApproverRank = minimumApproverRank,
            ApproverRole = condition.ApproverRole,
        };

        return builtIn switch
        {
            BuiltInConditionTypes.Segment => new SegmentCondition(effect, condition.Segments),
            BuiltInConditionTypes.Channel => new ChannelCondition(effect, condition.Channels),
            BuiltInConditionTypes.ReasonCode => new ReasonCodeCondition(effect, condition.ReasonCodes),
            BuiltInConditionTypes.Tenure => new TenureCondition(effect, condition.MinimumTenureDays, condition.MaximumTenureDays),
            BuiltInConditionTypes.Attribute => new AttributeCondition(effect, condition.Attribute!, condition.Values, condition.Minimum, condition.Maximum),
            _ => new HostCondition(effect, type!, host!, condition.Parameters.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase)),
        };
    }

    private static void RequireList(List<string> values, string listPath, string what, List<string> errors)
    {
        if (values.Count == 0)
        {
            errors.Add($"{listPath}: missing; list at least one {what}.");
        }

        for (int i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                errors.Add($"{listPath}:{i}: an empty {what} never matches.");
            }
        }
    }
}

/// <summary>The result of compiling a policy: a snapshot, or the errors that stopped it.</summary>
internal sealed record PolicyCompilation(PolicySnapshot? Snapshot, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Snapshot is not null;
}
