using System.Globalization;
using System.Text;
using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Escalation;
using CustomerCraft.Escalation.Sla;
using CustomerCraft.Policy;

namespace CustomerCraft.Insight.Description;

/// <summary>
/// Writes a compiled snapshot as a <see cref="PolicyDescription"/>. It reads the snapshot rather than
/// the options, so the description shows what the engine enforces (defaults applied, names
/// resolved), and conditions are written by the same walker that explains them in decisions.
/// </summary>
internal static class PolicyDescriptionWriter
{
    public static PolicyDescription Describe(PolicySnapshot snapshot)
    {
        var lines = new List<PolicyDescriptionLine>();
        string version = PolicyVersion.Format(snapshot.Version);
        lines.Add(new("policy/version", $"Policy version {version}"));
        lines.Add(new("policy/currency", $"Amounts in {snapshot.Currency}"));
        lines.Add(new("policy/time-zone", $"Days, weeks and months in {snapshot.TimeZone.Id}, weeks starting {snapshot.FirstDayOfWeek}"));

        var roles = new List<RoleDescription>(snapshot.Roles.Length);
        foreach (RoleEntry role in snapshot.Roles)
        {
            roles.Add(DescribeRole(snapshot, role, lines));
        }

        var conditions = new List<ConditionDescription>();
        var text = new StringBuilder();
        foreach (CompiledCondition condition in snapshot.Conditions)
        {
            conditions.Add(DescribeCondition(snapshot, condition, text, lines));
        }

        var ladder = new List<LadderLevelDescription>();
        foreach (LevelEntry level in snapshot.Escalation.Levels)
        {
            ladder.Add(DescribeLevel(snapshot, level, lines));
        }

        return new PolicyDescription(version, snapshot.Currency, roles, conditions, ladder, lines);
    }

    /// <summary>An amount in its unit: <c>100 USD</c>, <c>3 Days</c>; the one place the description formats amounts.</summary>
    internal static string Amount(decimal value, string unit) => $"{value.ToString("0.############", CultureInfo.InvariantCulture)} {unit}";

    private static string Grants(int count) => count == 1 ? "1 grant" : $"{count.ToString(CultureInfo.InvariantCulture)} grants";

    private static RoleDescription DescribeRole(PolicySnapshot snapshot, RoleEntry role, List<PolicyDescriptionLine> lines)
    {
        string roleKey = $"roles/{role.Name}";
        lines.Add(new(roleKey, $"{Named(role.DisplayName, role.Name)}: rank {role.Rank.ToString(CultureInfo.InvariantCulture)}{(role.IsBot ? ", a bot (never approves)" : string.Empty)}"));
        var actions = new List<ActionAuthorityDescription>(snapshot.Actions.Length);
        foreach (ActionEntry action in snapshot.Actions)
        {
            string actionKey = $"{roleKey}/actions/{action.Name}";
            CompiledLimit? limit = snapshot.LimitFor(role.Index, action.Index);
            string who = $"{role.DisplayName}, {action.DisplayName}";
            string limitText = limit switch
            {
                null => $"{who}: no authority; every request needs approval",
                { Unlimited: true } => $"{who}: without limit",
                _ => $"{who}: {IncidentText(limit, action)}",
            };
            lines.Add(new($"{actionKey}/limit", limitText));

            var budgets = new List<BudgetDescription>(2);
            foreach ((LimitScopes scope, CompiledBudget? budget) in new[] { (LimitScopes.PerCustomer, limit?.Customer), (LimitScopes.PerAgent, limit?.Agent) })
            {
                if (budget is null)
                {
                    continue;
                }

                string budgetText = $"{who}: {BudgetText(scope, budget, action)}";
                lines.Add(new($"{actionKey}/budgets/{scope}", budgetText));
                budgets.Add(new BudgetDescription
                {
                    Scope = scope,
                    Window = budget.Window,
                    Length = budget.Window == BudgetWindow.Rolling ? budget.Length : null,
                    Amount = budget.Amount,
                    Count = budget.Count,
                    Text = budgetText,
                });
            }

            actions.Add(new ActionAuthorityDescription
            {
                Action = action.Name,
                ActionDisplayName = action.DisplayName,
                Unit = action.IsCount ? "grants" : action.UnitName,
                HasAuthority = limit is not null,
                Unlimited = limit?.Unlimited == true,
                PerIncidentAmount = limit?.IncidentAmount,
                PerIncidentCount = limit?.IncidentCount,
                Budgets = budgets,
                Text = limitText,
            });
        }

        return new RoleDescription { Name = role.Name, DisplayName = role.DisplayName, Rank = role.Rank, IsBot = role.IsBot, Actions = actions };
    }

    private static string IncidentText(CompiledLimit limit, ActionEntry action)
    {
        var parts = new List<string>(2);
        if (limit.IncidentAmount is decimal amount)
        {
            parts.Add($"up to {Amount(amount, action.UnitName)}");
        }

        if (limit.IncidentCount is int count)
        {
            parts.Add($"at most {Grants(count)}");
        }

        return parts.Count == 0
            ? "no per-incident limit (only budgets)"
            : $"{string.Join(" and ", parts)} per incident";
    }

    private static string BudgetText(LimitScopes scope, CompiledBudget budget, ActionEntry action)
    {
        var parts = new List<string>(2);
        if (budget.Amount is decimal amount)
        {
            parts.Add($"up to {Amount(amount, action.UnitName)}");
        }

        if (budget.Count is int count)
        {
            parts.Add($"at most {Grants(count)}");
        }

        string whose = scope == LimitScopes.PerCustomer ? "per customer" : "per agent";
        string window = budget.Window switch
        {
            BudgetWindow.Rolling => $"in any {Duration(budget.Length)}",
            BudgetWindow.Day => "per calendar day",
            BudgetWindow.Week => "per calendar week",
            _ => "per calendar month",
        };
        return $"{string.Join(" and ", parts)} {whose} {window}";
    }

    private static ConditionDescription DescribeCondition(PolicySnapshot snapshot, CompiledCondition condition, StringBuilder text, List<PolicyDescriptionLine> lines)
    {
        text.Clear().Append(condition.Name).Append(": when ");
        TestEvaluator.Describe(snapshot.Tests, condition.Test, text);
        text.Append(", ");
        ActionEntry[] actions = [.. snapshot.Actions.Where(a => condition.AppliesTo(a.Index))];
        switch (condition.Effect)
        {
            case ConditionEffect.Multiply:
                text.Append("limits x").Append(condition.Multiplier.ToString("0.############", CultureInfo.InvariantCulture)).Append(' ').Append(Scopes(condition.Scopes));
                break;
            case ConditionEffect.Limit:
                string[] units = [.. actions.Select(a => a.IsCount ? "grants" : a.UnitName).Distinct(StringComparer.Ordinal)];
                decimal limit = condition.Limit.GetValueOrDefault();
                text.Append("limit ").Append(units.Length == 1 ? Amount(limit, units[0]) : $"{Amount(limit, "in each action's unit")}").Append(' ').Append(Scopes(condition.Scopes));
                break;
            case ConditionEffect.Allow:
                text.Append("allowed without limit");
                break;
            case ConditionEffect.RequireApproval:
                text.Append("needs approval").Append(condition.ApproverRole is { } approver ? $" by {approver} or higher" : string.Empty);
                break;
            default:
                text.Append("denied");
                break;
        }

        text.Append(condition.Actions is null ? "; every action" : $"; for {string.Join(", ", actions.Select(a => a.Name))}");
        if (condition.Roles is { } roles)
        {
            text.Append(", roles ").AppendJoin(", ", snapshot.Roles.Where(r => roles[r.Index]).Select(r => r.Name));
        }

        string line = text.ToString();
        lines.Add(new($"conditions/{condition.Name}", line));
        if (condition.Description is { Length: > 0 } description)
        {
            lines.Add(new($"conditions/{condition.Name}/description", $"{condition.Name}: \"{description}\""));
        }

        return new ConditionDescription { Name = condition.Name, Effect = condition.Effect, Description = condition.Description, Text = line };

        static string Scopes(LimitScopes scopes) => $"({string.Join(" and ", Enum.GetValues<LimitScopes>().Where(s => s != LimitScopes.None && scopes.HasFlag(s)).Select(Scope))})";

        static string Scope(LimitScopes scope) => scope switch
        {
            LimitScopes.PerIncident => "per incident",
            LimitScopes.PerCustomer => "per customer",
            _ => "per agent",
        };
    }

    private static LadderLevelDescription DescribeLevel(PolicySnapshot snapshot, LevelEntry level, List<PolicyDescriptionLine> lines)
    {
        string roleName = snapshot.RoleIndex.TryGetValue(level.Role, out int role) ? snapshot.Roles[role].DisplayName : level.Role;
        var text = new StringBuilder();
        text.Append("Level ").Append(level.Number.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Named(level.DisplayName, level.Name))
            .Append(": ").Append(roleName).Append(level.Number == 0 ? " (the front line)" : " approves")
            .Append("; on a missed target: ").Append(Breach(level.OnBreach));
        if (level.ApprovalTimeout is TimeSpan timeout)
        {
            text.Append("; an approval not given within ").Append(Duration(timeout)).Append(": ").Append(Breach(level.OnApprovalTimeout));
        }

        text.Append("; ").Append(level.Clock == SlaClock.BusinessHours ? "business hours" : "calendar time");
        string line = text.ToString();
        string key = $"ladder/{level.Name}";
        lines.Add(new(key, line));
        foreach (CasePriority priority in Enum.GetValues<CasePriority>())
        {
            SlaTargets targets = level.TargetsFor(priority);
            if (targets.Response is null && targets.Resolution is null)
            {
                continue;
            }

            var parts = new List<string>(2);
            if (targets.Response is TimeSpan response)
            {
                parts.Add($"respond within {Duration(response)}");
            }

            if (targets.Resolution is TimeSpan resolution)
            {
                parts.Add($"resolve within {Duration(resolution)}");
            }

            lines.Add(new($"{key}/targets/{priority}", $"Level {level.Number.ToString(CultureInfo.InvariantCulture)}, {priority} priority: {string.Join(", ", parts)}"));
        }

        return new LadderLevelDescription { Level = level.Number, Name = level.Name, Role = level.Role, DisplayName = level.DisplayName, Text = line };
    }

    private static string Breach(SlaBreachAction action) => action switch
    {
        SlaBreachAction.Escalate => "escalate to the next level",
        SlaBreachAction.Reroute => "pass the approval to the next level",
        _ => "deny",
    };

    private static string Named(string displayName, string name) =>
        string.Equals(displayName, name, StringComparison.Ordinal) ? name : $"{displayName} ({name})";

    /// <summary>A duration as people say it: <c>30 days</c>, <c>4 h</c>, <c>1 h 30 min</c>, <c>15 min</c>.</summary>
    internal static string Duration(TimeSpan span)
    {
        if (span.Ticks % TimeSpan.TicksPerDay == 0)
        {
            return span.Days == 1 ? "1 day" : $"{span.Days.ToString(CultureInfo.InvariantCulture)} days";
        }

        var parts = new List<string>(3);
        int hours = (int)span.TotalHours;
        if (hours > 0)
        {
            parts.Add($"{hours.ToString(CultureInfo.InvariantCulture)} h");
        }

        if (span.Minutes > 0)
        {
            parts.Add($"{span.Minutes.ToString(CultureInfo.InvariantCulture)} min");
        }

        if (span.Seconds > 0 || parts.Count == 0)
        {
            parts.Add($"{span.Seconds.ToString(CultureInfo.InvariantCulture)} s");
        }

        return string.Join(" ", parts);
    }
}
