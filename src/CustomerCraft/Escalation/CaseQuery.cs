namespace CustomerCraft.Escalation;

/// <summary>A filter over cases; unset filters match everything.</summary>
public sealed record CaseQuery
{
    /// <summary>Only cases in this state.</summary>
    public CaseState? State { get; init; }

    /// <summary>Only cases at this ladder level.</summary>
    public int? Level { get; init; }

    /// <summary>Only cases owned by this agent.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Only cases about this customer.</summary>
    public string? CustomerId { get; init; }

    /// <summary>At most this many cases (default 100).</summary>
    public int Limit { get; init; } = 100;
}
