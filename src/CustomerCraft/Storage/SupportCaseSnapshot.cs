using CustomerCraft.Escalation;

namespace CustomerCraft.Storage;

/// <summary>
/// A support case as a store keeps it: every property of <see cref="SupportCase"/>, settable, so
/// that a store can serialize it, map it to columns and read it back. Turn it into a case with
/// <see cref="CaseRehydration.Restore"/>, which checks that its state, level, clocks and timeline
/// agree; a snapshot itself is only data and is never handed to the workflow.
/// </summary>
public sealed record SupportCaseSnapshot
{
    /// <summary>The host's case id.</summary>
    public required string Id { get; init; }

    /// <summary>The customer the case is about.</summary>
    public required string CustomerId { get; init; }

    /// <summary>A short description for people.</summary>
    public string? Subject { get; init; }

    /// <summary>The priority SLA targets are chosen by.</summary>
    public CasePriority Priority { get; init; } = CasePriority.Normal;

    /// <summary>Where the case is in its life; must be where the last timeline entry left it.</summary>
    public CaseState State { get; init; }

    /// <summary>The ladder level holding the case; must be the last timeline entry's level.</summary>
    public int Level { get; init; }

    /// <summary>The agent who owns the customer.</summary>
    public CaseActor? Owner { get; init; }

    /// <summary>Who holds the case now.</summary>
    public CaseActor? Handler { get; init; }

    /// <summary>The version the store saved; 1 or more.</summary>
    public long Version { get; init; }

    /// <summary>When the case was opened.</summary>
    public DateTimeOffset OpenedAt { get; init; }

    /// <summary>When the case last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The approval the case waits for; set exactly when <see cref="State"/> is <see cref="CaseState.AwaitingApproval"/>.</summary>
    public PendingApproval? PendingApproval { get; init; }

    /// <summary>The SLA clocks, all at <see cref="Level"/>.</summary>
    public IReadOnlyList<SlaTimer> Timers { get; init; } = [];

    /// <summary>The whole timeline, oldest first, numbered from 1 and starting with the opening entry.</summary>
    public IReadOnlyList<CaseEvent> History { get; init; } = [];

    /// <summary>Takes a snapshot of <paramref name="supportCase"/> for a store to keep.</summary>
    /// <param name="supportCase">The case the workflow asked the store to create or save.</param>
    /// <exception cref="ArgumentNullException"><paramref name="supportCase"/> is <see langword="null"/>.</exception>
    public static SupportCaseSnapshot From(SupportCase supportCase)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        return new SupportCaseSnapshot
        {
            Id = supportCase.Id,
            CustomerId = supportCase.CustomerId,
            Subject = supportCase.Subject,
            Priority = supportCase.Priority,
            State = supportCase.State,
            Level = supportCase.Level,
            Owner = supportCase.Owner,
            Handler = supportCase.Handler,
            Version = supportCase.Version,
            OpenedAt = supportCase.OpenedAt,
            UpdatedAt = supportCase.UpdatedAt,
            PendingApproval = supportCase.PendingApproval,
            Timers = supportCase.Timers,
            History = supportCase.History,
        };
    }
}
