namespace CustomerCraft.Empowerment;

/// <summary>
/// Records what the empowerment engine decided when it was asked to grant and void, so that
/// coaching and policy what-if analysis can replay history. Evaluation alone writes nothing.
/// </summary>
public interface IDecisionLog
{
    /// <summary>Appends one record.</summary>
    ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default);

    /// <summary>Reads records in the order they were appended, filtered by <paramref name="query"/>.</summary>
    IAsyncEnumerable<DecisionRecord> ReadAsync(DecisionLogQuery query, CancellationToken cancellationToken = default);
}

/// <summary>What a <see cref="DecisionRecord"/> records.</summary>
public enum DecisionRecordKind
{
    /// <summary>A grant was asked for and made.</summary>
    Granted,

    /// <summary>A grant was asked for and refused: the decision was not <see cref="DecisionOutcome.Allowed"/>.</summary>
    Refused,

    /// <summary>A grant was voided and its budget released.</summary>
    Voided,
}

/// <summary>One entry of the decision log.</summary>
public sealed record DecisionRecord
{
    /// <summary>When it happened.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>What happened.</summary>
    public required DecisionRecordKind Kind { get; init; }

    /// <summary>The request as the host sent it.</summary>
    public required ResolutionRequest Request { get; init; }

    /// <summary>The outcome the engine decided.</summary>
    public required DecisionOutcome Outcome { get; init; }

    /// <summary>For <see cref="DecisionOutcome.RequiresApproval"/>: the lowest role that could approve.</summary>
    public string? RequiredApproverRole { get; init; }

    /// <summary>The amount in the policy currency.</summary>
    public required decimal Amount { get; init; }

    /// <summary>The grant, for <see cref="DecisionRecordKind.Granted"/> and <see cref="DecisionRecordKind.Voided"/>.</summary>
    public string? GrantId { get; init; }

    /// <summary>The version of the policy snapshot that decided.</summary>
    public required long PolicyVersion { get; init; }
}

/// <summary>Filters for <see cref="IDecisionLog.ReadAsync"/>; every filter left <see langword="null"/> matches everything.</summary>
public sealed record DecisionLogQuery
{
    /// <summary>Everything.</summary>
    public static DecisionLogQuery All { get; } = new();

    /// <summary>Records at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Records before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Records of requests by this agent.</summary>
    public string? AgentId { get; init; }

    /// <summary>Records of requests for this customer.</summary>
    public string? CustomerId { get; init; }
}
