using CustomerCraft.Empowerment;

namespace CustomerCraft.Policy.Testing;

/// <summary>One case of a <see cref="PolicyTestSuite"/>: a request on a frozen clock, the grants made before it, and what the policy must answer.</summary>
public sealed class PolicyTestCase
{
    /// <summary>The case's name (its key in the file); test runners show it.</summary>
    public required string Name { get; init; }

    /// <summary>Why the case exists, for readers.</summary>
    public string? Description { get; init; }

    /// <summary>The decision time.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The request to evaluate.</summary>
    public required ResolutionRequest Request { get; init; }

    /// <summary>Grants already made, recorded in the budgets before the request.</summary>
    public IReadOnlyList<PolicyTestGrant> PriorGrants { get; init; } = [];

    /// <summary>The expected outcome; <see langword="null"/> when the case expects an error.</summary>
    public DecisionOutcome? ExpectedOutcome { get; init; }

    /// <summary>The expected approver role, when given.</summary>
    public string? ExpectedApproverRole { get; init; }

    /// <summary>The expected headroom per action: only the fields given are compared.</summary>
    public IReadOnlyDictionary<string, PolicyTestHeadroom> ExpectedHeadroom { get; init; } = new Dictionary<string, PolicyTestHeadroom>();

    /// <summary>Texts that some reason's message or configuration path must contain, each.</summary>
    public IReadOnlyList<string> ExpectedReasons { get; init; } = [];

    /// <summary>When set, the request must be rejected with an <see cref="ArgumentException"/> whose message contains this.</summary>
    public string? ExpectedError { get; init; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A grant made before a test case's request.</summary>
/// <param name="At">When it was granted.</param>
/// <param name="AgentId">Who granted it (charged to their per-agent budget).</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="IncidentId">The incident.</param>
/// <param name="Action">The action.</param>
/// <param name="Amount">The amount in the action's unit (0 for a counted action).</param>
public sealed record PolicyTestGrant(DateTimeOffset At, string AgentId, string CustomerId, string IncidentId, string Action, decimal Amount);

/// <summary>The headroom a case expects for one action; <see langword="null"/> fields are not compared.</summary>
/// <param name="Amount">The expected amount.</param>
/// <param name="Count">The expected remaining count.</param>
/// <param name="HasAuthority">Whether the role has authority for the action now.</param>
public sealed record PolicyTestHeadroom(decimal? Amount, int? Count, bool? HasAuthority);
