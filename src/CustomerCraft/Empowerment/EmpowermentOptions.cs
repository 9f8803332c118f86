namespace CustomerCraft.Empowerment;

/// <summary>
/// The empowerment policy as configured under <c>CustomerCraft:Empowerment</c>: a ladder of
/// roles, the resolution actions, each role's limits per action, and conditions that adjust
/// limits or force an outcome. The options are validated at start-up and compiled into an
/// immutable snapshot; see <c>docs/configuration.md</c> for every setting.
/// </summary>
public sealed class EmpowermentOptions
{
    /// <summary>
    /// The ISO 4217 code of the currency every amount in this policy is written in, for
    /// example <c>USD</c>. Requests in another currency need an <see cref="ICurrencyConverter"/>.
    /// </summary>
    public string Currency { get; set; } = "USD";

    /// <summary>
    /// The IANA (or Windows) time zone id in which calendar windows (day, week, month) start,
    /// for example <c>America/New_York</c>. Defaults to <c>UTC</c>.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The day on which a calendar <see cref="BudgetWindow.Week"/> starts. Defaults to Monday.</summary>
    public DayOfWeek FirstDayOfWeek { get; set; } = DayOfWeek.Monday;

    /// <summary>
    /// The roles, keyed by name (for example <c>Agent</c>, <c>TeamLead</c>), each with a rank and
    /// its limits per action. A higher rank means more authority.
    /// </summary>
    public Dictionary<string, RoleOptions> Roles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The resolution actions, keyed by name (for example <c>Refund</c>, <c>FeeWaiver</c>, or any
    /// custom name). Limits may only name actions declared here, and requests name them the same way.
    /// </summary>
    public Dictionary<string, ActionOptions> Actions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The request attributes the policy reads, keyed by name, each with its type and whether it is
    /// required. A request that lacks a required attribute or carries a value of the wrong type is
    /// rejected with an <see cref="ArgumentException"/> naming it; a test on an undeclared attribute
    /// is a start-up error. The request fields <c>CustomerSegment</c>, <c>Channel</c> and
    /// <c>ReasonCodes</c> may be declared here too, to close their set of values or require them.
    /// </summary>
    public Dictionary<string, AttributeOptions> Attributes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Named tests that conditions (and other tests) reference with <c>"Test": "name"</c>.</summary>
    public Dictionary<string, ConditionTestOptions> Tests { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Conditions keyed by a name of your choosing (the name appears in decision reasons): a test
    /// (<see cref="ConditionOptions.When"/>) and an effect.
    /// </summary>
    public Dictionary<string, ConditionOptions> Conditions { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A role on the authority ladder, bound from <c>CustomerCraft:Empowerment:Roles:{name}</c>.</summary>
public sealed class RoleOptions
{
    /// <summary>
    /// The role's place on the ladder; higher means more authority. Ranks must be unique and
    /// non-negative. Approvals go to the lowest-ranked role whose limits cover a request.
    /// </summary>
    public int? Rank { get; set; }

    /// <summary>
    /// <see langword="true"/> for automated agents (chat bots, self-service flows). A bot may
    /// grant within its limits but is never asked to approve anything.
    /// </summary>
    public bool IsBot { get; set; }

    /// <summary>A human-readable name for screens and reports; defaults to the key.</summary>
    public string? DisplayName { get; set; }

    /// <summary>
    /// The role's limits keyed by action name. A role without an entry for an action has no
    /// authority for it: every such request needs approval.
    /// </summary>
    public Dictionary<string, ActionLimitOptions> Limits { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A resolution action, bound from <c>CustomerCraft:Empowerment:Actions:{name}</c>.</summary>
public sealed class ActionOptions
{
    /// <summary>A human-readable name for screens and reports; defaults to the key.</summary>
    public string? DisplayName { get; set; }

    /// <summary>What the action is for, shown to agents next to their headroom.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// What a request's amount counts: <c>Money</c> (the default: amounts in the policy currency),
    /// <c>Count</c> (no amount: each grant counts one, limits are counts only), or the name of a
    /// quantity such as <c>Days</c> or <c>Points</c>, in which limits, budgets, reasons and headroom
    /// are then written.
    /// </summary>
    public string? Unit { get; set; }

    /// <summary>For a named quantity: how many decimals an amount may have. Defaults to 0 (whole numbers); at most 4.</summary>
    public int? Decimals { get; set; }
}

/// <summary>
/// One role's limits for one action, bound from
/// <c>CustomerCraft:Empowerment:Roles:{role}:Limits:{action}</c>.
/// </summary>
public sealed class ActionLimitOptions
{
    /// <summary>
    /// <see langword="true"/> for authority without any limit (budgets are still charged, so usage
    /// stays known). Not allowed together with limits.
    /// </summary>
    public bool Unlimited { get; set; }

    /// <summary>
    /// Optional limit for one incident (all grants of this action on one incident together). A role
    /// may instead be limited only by a per-customer or per-agent budget.
    /// </summary>
    public IncidentLimitOptions? PerIncident { get; set; }

    /// <summary>
    /// Optional budget per customer per period: what all grants of this action to one customer
    /// may add up to within the window, whoever granted them.
    /// </summary>
    public BudgetLimitOptions? PerCustomer { get; set; }

    /// <summary>
    /// Optional budget per agent per period: what one person in this role may grant of this
    /// action within the window, across all customers.
    /// </summary>
    public BudgetLimitOptions? PerAgent { get; set; }
}

/// <summary>The limit per incident.</summary>
public sealed class IncidentLimitOptions
{
    /// <summary>The most that all grants of the action on one incident may add up to, in the action's unit; omit for no amount limit.</summary>
    public decimal? Amount { get; set; }

    /// <summary>The most grants of the action on one incident; omit for no count limit.</summary>
    public int? Count { get; set; }
}

/// <summary>A cumulative budget over a window of time, by amount and/or by count.</summary>
public sealed class BudgetLimitOptions
{
    /// <summary>The most the grants within the window may add up to; omit for no amount limit.</summary>
    public decimal? Amount { get; set; }

    /// <summary>The most grants within the window; omit for no count limit.</summary>
    public int? Count { get; set; }

    /// <summary>How the window is measured: rolling, or a calendar day, week or month in the policy's time zone.</summary>
    public BudgetWindow Window { get; set; } = BudgetWindow.Rolling;

    /// <summary>
    /// The length of a <see cref="BudgetWindow.Rolling"/> window, as a <see cref="TimeSpan"/>
    /// (<c>"30.00:00:00"</c> is 30 days). Required for rolling windows, not allowed for calendar ones.
    /// </summary>
    public TimeSpan? Length { get; set; }
}

/// <summary>How a cumulative budget's window is measured.</summary>
public enum BudgetWindow
{
    /// <summary>The last <see cref="BudgetLimitOptions.Length"/> of time, ending now.</summary>
    Rolling,

    /// <summary>The current calendar day in the policy's time zone.</summary>
    Day,

    /// <summary>The current calendar week in the policy's time zone, starting on <see cref="EmpowermentOptions.FirstDayOfWeek"/>.</summary>
    Week,

    /// <summary>The current calendar month in the policy's time zone.</summary>
    Month,
}
