namespace CustomerCraft.Empowerment;

/// <summary>What a <see cref="DecisionReason"/> is about.</summary>
public enum DecisionReasonKind
{
    /// <summary>A limit was checked; <see cref="DecisionReason.Limit"/>, <see cref="DecisionReason.Used"/> and <see cref="DecisionReason.Remaining"/> say how it stood.</summary>
    Limit,

    /// <summary>A condition matched and adjusted a limit or forced the outcome.</summary>
    Condition,

    /// <summary>The role has no limits configured for the action, so no authority for it.</summary>
    NoAuthority,

    /// <summary>No role above the requester has authority that covers the request.</summary>
    NoApprover,
}

/// <summary>Which limit a <see cref="DecisionReasonKind.Limit"/> reason checked.</summary>
/// <remarks>Each scope's amount is followed by its count; the engine relies on that order.</remarks>
public enum LimitKind
{
    /// <summary>The total amount per incident.</summary>
    IncidentAmount = 0,

    /// <summary>The number of grants per incident.</summary>
    IncidentCount = 1,

    /// <summary>The customer's budget amount for the window.</summary>
    CustomerAmount = 2,

    /// <summary>The customer's number of grants for the window.</summary>
    CustomerCount = 3,

    /// <summary>The agent's budget amount for the window.</summary>
    AgentAmount = 4,

    /// <summary>The agent's number of grants for the window.</summary>
    AgentCount = 5,
}

/// <summary>
/// One reason behind a decision: a limit and how it stood, or a condition that matched. Every
/// reason names the configuration path it comes from, so an agent or an administrator can find
/// the rule that said yes or no.
/// </summary>
public sealed class DecisionReason
{
    internal DecisionReason()
    {
    }

    /// <summary>What the reason is about.</summary>
    public DecisionReasonKind Kind { get; internal init; }

    /// <summary>The configuration path of the limit or condition, for example <c>CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount</c>.</summary>
    public string ConfigurationPath { get; internal init; } = string.Empty;

    /// <summary><see langword="true"/> when the request passes this check; <see langword="false"/> when this reason is why it is not allowed.</summary>
    public bool Passed { get; internal init; }

    /// <summary>A sentence an agent can read.</summary>
    public string Message { get; internal init; } = string.Empty;

    /// <summary>For limits: which limit.</summary>
    public LimitKind? Limit { get; internal init; }

    /// <summary>For limits: the effective limit (after multipliers), in the policy currency or as a count.</summary>
    public decimal? LimitValue { get; internal init; }

    /// <summary>For limits: what was already used in the window before this request.</summary>
    public decimal? Used { get; internal init; }

    /// <summary>For limits: what remains before this request (never negative).</summary>
    public decimal? Remaining { get; internal init; }

    /// <summary>For conditions: the condition's name (its key in configuration).</summary>
    public string? ConditionName { get; internal init; }
}

/// <summary>
/// How much of one action an agent can still grant to this customer now, without approval.
/// </summary>
/// <param name="Action">The action name.</param>
/// <param name="HasAuthority"><see langword="false"/> when the role has no authority for the action or a condition forces approval or denial for it.</param>
/// <param name="Amount">The largest amount a single grant could have now, in <paramref name="Unit"/> (zero when none); <see langword="null"/> when no amount limit applies (a counted action, or authority without limit).</param>
/// <param name="Count">How many more grants the count limits allow; <see langword="null"/> when no count limit applies.</param>
/// <param name="Unit">What <paramref name="Amount"/> counts: the policy currency's code, <c>grants</c> for a counted action, or a quantity's name such as <c>Days</c>.</param>
public readonly record struct ActionHeadroom(string Action, bool HasAuthority, decimal? Amount, int? Count, string Unit);
