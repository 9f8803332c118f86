namespace CustomerCraft.Empowerment;

/// <summary>
/// A declarative condition, bound from <c>CustomerCraft:Empowerment:Conditions:{name}</c>: when its
/// test (<see cref="When"/>) holds for a request, its <see cref="Effect"/> applies to the actions in
/// <see cref="Actions"/> (every action when empty) and, where the effect adjusts limits, to the roles
/// in <see cref="Roles"/> (every role when empty). Nothing here is code: a policy file can never run
/// anything.
/// </summary>
public sealed class ConditionOptions
{
    /// <summary>The test: an attribute comparison, a named test, a host condition, or all-of, any-of and none-of combinations of them.</summary>
    public ConditionTestOptions? When { get; set; }

    /// <summary>What the condition does when its test holds.</summary>
    public ConditionEffect? Effect { get; set; }

    /// <summary>The actions the condition applies to; empty means every action.</summary>
    public List<string> Actions { get; set; } = [];

    /// <summary>
    /// For <see cref="ConditionEffect.Multiply"/>, <see cref="ConditionEffect.Limit"/> and
    /// <see cref="ConditionEffect.Allow"/>: the roles whose authority the effect changes; empty means
    /// every role.
    /// </summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>
    /// For <see cref="ConditionEffect.Multiply"/>: the factor applied to the configured limits in
    /// <see cref="AppliesTo"/>, for example <c>1.5</c> for platinum customers or <c>0.5</c> for an
    /// anonymous channel. Greater than zero, at most 1000. Several matching multipliers multiply.
    /// </summary>
    public decimal? Multiplier { get; set; }

    /// <summary>
    /// For <see cref="ConditionEffect.Limit"/>: the absolute limit, in the action's unit, that replaces
    /// the configured limits in <see cref="AppliesTo"/> for matching requests (0 means never without
    /// approval). When several apply, the smallest wins; multipliers do not scale it.
    /// </summary>
    public decimal? Limit { get; set; }

    /// <summary>
    /// For <see cref="ConditionEffect.Multiply"/> and <see cref="ConditionEffect.Limit"/>: which amount
    /// limits the effect changes. Defaults to the per-incident and per-customer limits for a multiplier
    /// and to the per-incident limit for an absolute limit.
    /// </summary>
    public LimitScopes? AppliesTo { get; set; }

    /// <summary>
    /// For <see cref="ConditionEffect.RequireApproval"/>: the lowest role that may approve. Omit to
    /// require the next role above the requester whose limits cover the request.
    /// </summary>
    public string? ApproverRole { get; set; }

    /// <summary>A sentence for team leads: why the rule exists. Shown in the policy's plain-words views, never evaluated.</summary>
    public string? Description { get; set; }
}

/// <summary>
/// A test over a request, bound from a condition's <c>When</c> (or a named test under
/// <c>CustomerCraft:Empowerment:Tests</c>). Set exactly one kind: <see cref="AllOf"/>,
/// <see cref="AnyOf"/>, <see cref="NoneOf"/>, <see cref="Test"/>, <see cref="Condition"/> or
/// <see cref="Attribute"/> with one or more comparisons that suit the attribute's declared type.
/// Any setting that does not belong to the kind is a start-up error.
/// </summary>
public sealed class ConditionTestOptions
{
    /// <summary>Holds when every test in the list holds.</summary>
    public List<ConditionTestOptions>? AllOf { get; set; }

    /// <summary>Holds when at least one test in the list holds.</summary>
    public List<ConditionTestOptions>? AnyOf { get; set; }

    /// <summary>Holds when no test in the list holds.</summary>
    public List<ConditionTestOptions>? NoneOf { get; set; }

    /// <summary>The name of a test declared under <c>CustomerCraft:Empowerment:Tests</c>.</summary>
    public string? Test { get; set; }

    /// <summary>A condition type a host registered with <c>AddCondition&lt;T&gt;(type)</c>.</summary>
    public string? Condition { get; set; }

    /// <summary>For <see cref="Condition"/>: the settings handed to the host condition.</summary>
    public Dictionary<string, string>? Parameters { get; set; }

    /// <summary>
    /// The attribute to compare: one declared under <c>CustomerCraft:Empowerment:Attributes</c>, or a
    /// request field (<c>CustomerSegment</c>, <c>Channel</c>, <c>ReasonCodes</c>, <c>CustomerSince</c>,
    /// <c>Amount</c>).
    /// </summary>
    public string? Attribute { get; set; }

    /// <summary>For string attributes: holds when the value is one of these (ignoring case). For <c>ReasonCodes</c>: when any code is.</summary>
    public List<string>? In { get; set; }

    /// <summary>For boolean attributes: holds when the value is this.</summary>
    public bool? Is { get; set; }

    /// <summary>For any attribute: <see langword="true"/> holds when the request carries it, <see langword="false"/> when it does not.</summary>
    public bool? IsSet { get; set; }

    /// <summary>For number attributes: holds when the value equals this.</summary>
    public decimal? EqualTo { get; set; }

    /// <summary>For number attributes: holds when the value is greater than this.</summary>
    public decimal? GreaterThan { get; set; }

    /// <summary>For number attributes: holds when the value is this or more.</summary>
    public decimal? AtLeast { get; set; }

    /// <summary>For number attributes: holds when the value is less than this.</summary>
    public decimal? LessThan { get; set; }

    /// <summary>For number attributes: holds when the value is this or less.</summary>
    public decimal? AtMost { get; set; }

    /// <summary>For date-time attributes: holds when the time lies more than this before the decision (<c>"7.00:00:00"</c>: over a week ago).</summary>
    public TimeSpan? OlderThan { get; set; }

    /// <summary>For date-time attributes: holds when the time lies this long or longer before the decision.</summary>
    public TimeSpan? AtLeastAgo { get; set; }

    /// <summary>For date-time attributes: holds when the time lies less than this before the decision.</summary>
    public TimeSpan? NewerThan { get; set; }

    /// <summary>For date-time attributes: holds when the time lies at most this long before the decision (<c>"180.00:00:00"</c>: within 180 days).</summary>
    public TimeSpan? Within { get; set; }
}

/// <summary>What a matching condition does. See <c>docs/configuration.md</c> for how effects combine.</summary>
public enum ConditionEffect
{
    /// <summary>Scales the configured amount limits by <see cref="ConditionOptions.Multiplier"/>.</summary>
    Multiply,

    /// <summary>Replaces the configured amount limits with the absolute <see cref="ConditionOptions.Limit"/>.</summary>
    Limit,

    /// <summary>Allows without any limit (budgets are still charged, so usage stays known).</summary>
    Allow,

    /// <summary>The request needs approval from a higher role (or <see cref="ConditionOptions.ApproverRole"/>) whatever its amount.</summary>
    RequireApproval,

    /// <summary>The request is denied; no role may approve it.</summary>
    Deny,
}

/// <summary>The kinds of limit a condition's multiplier or absolute limit changes.</summary>
[Flags]
public enum LimitScopes
{
    /// <summary>No limit.</summary>
    None = 0,

    /// <summary>The per-incident amount.</summary>
    PerIncident = 1,

    /// <summary>The per-customer budget amount.</summary>
    PerCustomer = 2,

    /// <summary>The per-agent budget amount.</summary>
    PerAgent = 4,
}

/// <summary>A request attribute the policy reads, bound from <c>CustomerCraft:Empowerment:Attributes:{name}</c>.</summary>
public sealed class AttributeOptions
{
    /// <summary>The attribute's type; a request value that does not parse as it is an error, never a silent no-match.</summary>
    public AttributeType? Type { get; set; }

    /// <summary>For strings: the closed set of values a request may carry (compared ignoring case); empty means any value.</summary>
    public List<string> Values { get; set; } = [];

    /// <summary><see langword="true"/> when every request must carry the attribute.</summary>
    public bool Required { get; set; }

    /// <summary>What the attribute means, for policy readers.</summary>
    public string? Description { get; set; }
}

/// <summary>The type of a request attribute.</summary>
public enum AttributeType
{
    /// <summary>Text, optionally from a closed set of values.</summary>
    String,

    /// <summary>A decimal number, written with a dot (<c>12.5</c>).</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>An ISO 8601 date and time with an offset (<c>2026-11-20T17:30:00-05:00</c>) or a date (<c>2026-11-20</c>, midnight UTC).</summary>
    DateTime,
}
