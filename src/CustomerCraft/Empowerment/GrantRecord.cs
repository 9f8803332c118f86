namespace CustomerCraft.Empowerment;

/// <summary>A resolution that was granted: what, for whom, by whose authority, and whether it was voided.</summary>
public sealed record GrantRecord
{
    /// <summary>The grant's id, unique in the ledger.</summary>
    public required string GrantId { get; init; }

    /// <summary>The idempotency key the grant was made with.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The agent who proposed the resolution.</summary>
    public required string AgentId { get; init; }

    /// <summary>The agent's role.</summary>
    public required string Role { get; init; }

    /// <summary>The customer.</summary>
    public required string CustomerId { get; init; }

    /// <summary>The incident.</summary>
    public required string IncidentId { get; init; }

    /// <summary>The action, as configured.</summary>
    public required string Action { get; init; }

    /// <summary>The amount charged, in the policy currency.</summary>
    public required decimal Amount { get; init; }

    /// <summary>The policy currency.</summary>
    public required string Currency { get; init; }

    /// <summary>The amount as requested, before any currency conversion.</summary>
    public required decimal RequestedAmount { get; init; }

    /// <summary>The currency as requested.</summary>
    public required string RequestedCurrency { get; init; }

    /// <summary>The approver whose authority the grant was made under, when it needed approval.</summary>
    public string? ApproverId { get; init; }

    /// <summary>The approver's role.</summary>
    public string? ApproverRole { get; init; }

    /// <summary>
    /// A hash of the request's context (segment, channel, reason codes, customer tenure, attributes):
    /// a retry with the same idempotency key must carry the same context, or it is a different
    /// request. Stores keep it as an opaque string.
    /// </summary>
    public required string ContextFingerprint { get; init; }

    /// <summary>When the grant was made.</summary>
    public required DateTimeOffset GrantedAt { get; init; }

    /// <summary>When the grant was voided, if it was.</summary>
    public DateTimeOffset? VoidedAt { get; init; }

    /// <summary>Why the grant was voided.</summary>
    public string? VoidReason { get; init; }

    /// <summary><see langword="true"/> once the grant is voided and its budget released.</summary>
    public bool IsVoided => VoidedAt is not null;

    /// <summary>
    /// The id of the agent whose per-agent budget the grant charged: the approver when there is one,
    /// the agent otherwise.
    /// </summary>
    public string ChargedAgentId => ApproverId ?? AgentId;
}
