using System.Collections.Frozen;
using CustomerCraft.Empowerment;

namespace CustomerCraft.Policy;

/// <summary>
/// Compiles the policy core that every capability builds on: currency and time zone, the role
/// ladder, the actions with their units, and the typed attribute schema (configured under
/// <c>CustomerCraft:Empowerment</c>, where policy authors expect them). Every problem is collected,
/// each named by its configuration path.
/// </summary>
internal static class PolicyCoreCompiler
{
    private const int MaxDecimalScale = 28;

    /// <summary>The most decimals a named quantity may have.</summary>
    public const int MaxQuantityDecimals = 4;

    /// <summary>Compiles the core, adding its errors; the snapshot is usable only when none were added.</summary>
    public static PolicySnapshot Compile(EmpowermentOptions options, string path, long version, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);

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

        AttributeSchema attributes = AttributeSchema.Compile(options.Attributes, $"{path}:Attributes", errors);

        // Actions and their units.
        if (options.Actions.Count == 0)
        {
            errors.Add($"{path}:Actions: at least one action is required (for example Refund).");
        }

        ActionEntry[] actions = options.Actions
            .Select((pair, index) => CompileAction(pair.Key, pair.Value ?? new ActionOptions(), index, $"{path}:Actions:{pair.Key}", currency, minorUnits, errors))
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

        // Returned even with errors (with fallbacks such as UTC), so that every capability compiles
        // its part over it and all the policy's errors are reported in one pass.
        return new PolicySnapshot
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
            Attributes = attributes,
        };
    }

    private static ActionEntry CompileAction(string name, ActionOptions action, int index, string actionPath, string currency, int minorUnits, List<string> errors)
    {
        string unit = action.Unit ?? "Money";
        if (string.IsNullOrWhiteSpace(unit) || unit != unit.Trim())
        {
            errors.Add($"{actionPath}:Unit: '{unit}' is empty or has spaces at an end; use Money, Count or the name of a quantity such as Days.");
        }

        ActionUnit kind = unit.Equals("Money", StringComparison.OrdinalIgnoreCase) ? ActionUnit.Money
            : unit.Equals("Count", StringComparison.OrdinalIgnoreCase) ? ActionUnit.Count
            : ActionUnit.Quantity;
        if (action.Decimals is int decimals && (kind != ActionUnit.Quantity || decimals is < 0 or > MaxQuantityDecimals))
        {
            errors.Add(kind == ActionUnit.Quantity
                ? $"{actionPath}:Decimals: {decimals} must be from 0 to {MaxQuantityDecimals}."
                : $"{actionPath}:Decimals: applies only to a named quantity; {(kind == ActionUnit.Money ? $"money has the currency's {minorUnits} decimals" : "a Count action has no amounts")}.");
        }

        return new ActionEntry(name, action.DisplayName ?? name, action.Description, index)
        {
            Unit = kind,
            UnitName = kind switch { ActionUnit.Money => currency, ActionUnit.Count => "grants", _ => unit },
            Decimals = kind switch { ActionUnit.Money => minorUnits, ActionUnit.Count => 0, _ => Math.Clamp(action.Decimals ?? 0, 0, MaxQuantityDecimals) },
        };
    }

}
