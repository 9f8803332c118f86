namespace CustomerCraft.Empowerment;

/// <summary>
/// A declarative condition, bound from <c>CustomerCraft:Empowerment:Conditions:{name}</c>.
/// A condition matches requests by one typed test (<see cref="Type"/>) and then has exactly one
/// effect: it multiplies amount limits (<see cref="Multiplier"/>) or forces an outcome
/// (<see cref="Outcome"/>). Nothing here is code: a policy file can never run anything.
/// </summary>
public sealed class ConditionOptions
{
    /// <summary>
    /// The test this condition applies: one of the built-in types (see <see cref="BuiltInConditionTypes"/>)
    /// or a type a host registered with <c>AddCondition&lt;T&gt;(type)</c>.
    /// </summary>
    public string? Type { get; set; }

    /// <summary>The actions the condition applies to; empty means every action.</summary>
    public List<string> Actions { get; set; } = [];

    /// <summary>
    /// A factor applied to the amount limits in <see cref="AppliesTo"/> when the condition matches,
    /// for example <c>1.5</c> for platinum customers or <c>0.5</c> for an anonymous channel.
    /// Must be greater than zero. Several matching multipliers multiply.
    /// </summary>
    public decimal? Multiplier { get; set; }

    /// <summary>Which limits a <see cref="Multiplier"/> scales. Defaults to the per-incident and per-customer limits.</summary>
    public LimitScopes AppliesTo { get; set; } = LimitScopes.PerIncident | LimitScopes.PerCustomer;

    /// <summary>The outcome the condition forces when it matches, instead of a multiplier.</summary>
    public ConditionOutcome? Outcome { get; set; }

    /// <summary>
    /// With <see cref="ConditionOutcome.RequireApproval"/>: the lowest role that may approve.
    /// Omit to require the next role above the requester whose limits cover the request.
    /// </summary>
    public string? ApproverRole { get; set; }

    /// <summary>For <c>Segment</c>: the customer segments that match (case-insensitive), for example <c>Platinum</c>.</summary>
    public List<string> Segments { get; set; } = [];

    /// <summary>For <c>Channel</c>: the contact channels that match (case-insensitive), for example <c>Chat</c>.</summary>
    public List<string> Channels { get; set; } = [];

    /// <summary>For <c>ReasonCode</c>: the reason codes that match (case-insensitive) when the request carries any of them.</summary>
    public List<string> ReasonCodes { get; set; } = [];

    /// <summary>For <c>Tenure</c>: the condition matches customers with at least this many days since they became customers.</summary>
    public int? MinimumTenureDays { get; set; }

    /// <summary>For <c>Tenure</c>: the condition matches customers with fewer than this many days since they became customers.</summary>
    public int? MaximumTenureDays { get; set; }

    /// <summary>For <c>Attribute</c>: the name of the request attribute to test, looked up in <see cref="ResolutionRequest.Attributes"/> with that dictionary's own key comparer.</summary>
    public string? Attribute { get; set; }

    /// <summary>For <c>Attribute</c>: the attribute matches when it equals one of these values (case-insensitive).</summary>
    public List<string> Values { get; set; } = [];

    /// <summary>For <c>Attribute</c>: the attribute matches when it is a number at least this large.</summary>
    public decimal? Minimum { get; set; }

    /// <summary>For <c>Attribute</c>: the attribute matches when it is a number at most this large.</summary>
    public decimal? Maximum { get; set; }

    /// <summary>Free-form settings for a host-registered condition type; ignored by the built-in types.</summary>
    public Dictionary<string, string> Parameters { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>An outcome a condition can force.</summary>
public enum ConditionOutcome
{
    /// <summary>The request needs approval from a higher role (or <see cref="ConditionOptions.ApproverRole"/>) whatever its amount.</summary>
    RequireApproval,

    /// <summary>The request is denied; no role may approve it.</summary>
    Deny,
}

/// <summary>The kinds of limit a condition's multiplier can scale.</summary>
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

/// <summary>The names of the built-in condition types.</summary>
public static class BuiltInConditionTypes
{
    /// <summary>Matches requests whose <see cref="ResolutionRequest.CustomerSegment"/> is in <see cref="ConditionOptions.Segments"/>.</summary>
    public const string Segment = "Segment";

    /// <summary>Matches requests whose <see cref="ResolutionRequest.Channel"/> is in <see cref="ConditionOptions.Channels"/>.</summary>
    public const string Channel = "Channel";

    /// <summary>Matches requests carrying any of <see cref="ConditionOptions.ReasonCodes"/>.</summary>
    public const string ReasonCode = "ReasonCode";

    /// <summary>Matches on the customer's tenure, from <see cref="ResolutionRequest.CustomerSince"/>.</summary>
    public const string Tenure = "Tenure";

    /// <summary>Matches on a host-supplied attribute in <see cref="ResolutionRequest.Attributes"/>.</summary>
    public const string Attribute = "Attribute";

    /// <summary>Every built-in type, the one list the compiler and the builder both check against.</summary>
    internal static readonly string[] All = [Segment, Channel, ReasonCode, Tenure, Attribute];

    /// <summary>Returns the canonical spelling of a built-in type name, or <see langword="null"/> for any other name.</summary>
    internal static string? Find(string? type) =>
        type is null ? null : Array.Find(All, t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase));
}
