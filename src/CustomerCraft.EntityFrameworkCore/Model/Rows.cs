namespace CustomerCraft.EntityFrameworkCore.Model;

// The rows behind the stores. They are internal: hosts see the core's records, and the table
// layout is an implementation detail that migrations own. Times that are compared or ordered in
// SQL are stored as UTC ticks, because SQLite keeps DateTimeOffset as text that does not sort.

/// <summary>One grant, with its idempotency key unique across every instance sharing the database.</summary>
internal sealed class GrantRow
{
    public string GrantId { get; set; } = "";
    public string IdempotencyKey { get; set; } = "";
    public string AgentId { get; set; } = "";
    public string Role { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string IncidentId { get; set; } = "";
    public string Action { get; set; } = "";
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "";
    public decimal RequestedAmount { get; set; }
    public string RequestedCurrency { get; set; } = "";
    public string? ApproverId { get; set; }
    public string? ApproverRole { get; set; }
    public string ContextFingerprint { get; set; } = "";
    /// <summary>For people reading the table; <see cref="GrantedAtTicks"/> is the exact instant (PostgreSQL keeps microseconds).</summary>
    public DateTimeOffset GrantedAt { get; set; }

    public long GrantedAtTicks { get; set; }
    public DateTimeOffset? VoidedAt { get; set; }
    public long? VoidedAtTicks { get; set; }
    public string? VoidReason { get; set; }
}

/// <summary>What one grant charged to one budget; usage is the sum over a window of the rows not voided.</summary>
internal sealed class BudgetChargeRow
{
    public string GrantId { get; set; } = "";
    public int Ordinal { get; set; }
    public int Scope { get; set; }
    public string SubjectId { get; set; } = "";

    /// <summary>The action in lower case: budgets match action names ignoring case.</summary>
    public string Action { get; set; } = "";

    public long AtTicks { get; set; }

    /// <summary>The amount in ten-thousandths, so that sums are exact integers on every provider.</summary>
    public long AmountUnits { get; set; }

    public bool Voided { get; set; }
}

/// <summary>
/// One row per budget, the thing a reservation locks on PostgreSQL (<c>SELECT ... FOR UPDATE</c>)
/// so that two instances charging the same budget take turns.
/// </summary>
internal sealed class BudgetLockRow
{
    public int Scope { get; set; }
    public string SubjectId { get; set; } = "";
    public string Action { get; set; } = "";
}

/// <summary>One decision log record; the request is kept as JSON.</summary>
internal sealed class DecisionRow
{
    public Guid Id { get; set; }
    public long TimestampTicks { get; set; }

    /// <summary>Orders records with the same timestamp in the order one instance appended them.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset Timestamp { get; set; }
    public int Kind { get; set; }
    public int Outcome { get; set; }
    public string AgentId { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string? RequiredApproverRole { get; set; }
    public decimal Amount { get; set; }
    public string? GrantId { get; set; }
    public long PolicyVersion { get; set; }
    public string Request { get; set; } = "";
}

/// <summary>A case: the columns queries filter on, and the rest of the case as a JSON document.</summary>
internal sealed class CaseRow
{
    public string Id { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public int State { get; set; }
    public int Level { get; set; }
    public string? OwnerId { get; set; }

    /// <summary>The concurrency token: a save names the version it read.</summary>
    public long Version { get; set; }

    public long OpenedAtTicks { get; set; }
    public long? NextDueTicks { get; set; }

    /// <summary>While in the future, a deadline worker holds the case; the next save clears it.</summary>
    public long? ClaimedUntilTicks { get; set; }

    /// <summary>Names the claim, so that a claim retried after its reply was lost gets its cases back.</summary>
    public Guid? ClaimToken { get; set; }

    /// <summary>
    /// Made afresh by every save: after a save whose outcome is unknown, finding this save's token
    /// is the only proof that the row is this save's and not an identical-looking one by someone else.
    /// </summary>
    public Guid SaveToken { get; set; }

    public int HistoryCount { get; set; }
    public string Document { get; set; } = "";
}

/// <summary>One entry of a case's timeline; rows are inserted, never updated.</summary>
internal sealed class CaseEventRow
{
    public string CaseId { get; set; } = "";
    public int Sequence { get; set; }
    public string Document { get; set; } = "";
}
