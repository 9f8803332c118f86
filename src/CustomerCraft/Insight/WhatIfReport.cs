using CustomerCraft.Empowerment;

namespace CustomerCraft.Insight;

/// <summary>The result of <see cref="IPolicyWhatIf.CompareAsync"/>: the history as it happened against its replay under the alternative policy.</summary>
public sealed class WhatIfReport
{
    /// <summary>The policy currency every amount is in.</summary>
    public required string Currency { get; init; }

    /// <summary>One row per action and requester role that occurs in the replayed history, ordered by action, then role.</summary>
    public required IReadOnlyList<WhatIfRow> Rows { get; init; }

    /// <summary>The sums of <see cref="Rows"/>.</summary>
    public required WhatIfFigures Totals { get; init; }

    /// <summary>How many decision log records were read (after <see cref="WhatIfOptions.Query"/>).</summary>
    public required int RecordsRead { get; init; }

    /// <summary>
    /// Voids of grants that are not in the replayed history (made before the time range, by
    /// another agent than the one filtered on, or dropped from a bounded log); they change neither side.
    /// </summary>
    public required int IgnoredVoids { get; init; }

    /// <summary>
    /// The records of requests the alternative policy rejects as invalid (for example a role or
    /// action it does not have), each with the reason. The whole request they belong to (the
    /// requester's attempts, approvals, voids) is left out of <see cref="Rows"/> on both sides.
    /// </summary>
    public required IReadOnlyList<UnreplayableRecord> Unreplayable { get; init; }

    /// <summary>How many records could not be replayed: the length of <see cref="Unreplayable"/>.</summary>
    public int UnreplayableCount => Unreplayable.Count;
}

/// <summary>
/// Counts and amounts of requests before (as they happened) and after (as replayed under the
/// alternative policy). A request is one need of the requester: their attempts, the approval that
/// followed an escalation and its grant count once.
/// </summary>
public record WhatIfFigures
{
    /// <summary>How many requests (needs) were replayed.</summary>
    public int Requests { get; init; }

    /// <summary>Requests whose first answer to the requester was <see cref="DecisionOutcome.RequiresApproval"/>, as it happened (a request first seen as a grant under an approver counts as escalated).</summary>
    public int EscalationsBefore { get; init; }

    /// <summary>Requests whose first answer to the requester is <see cref="DecisionOutcome.RequiresApproval"/> under the alternative.</summary>
    public int EscalationsAfter { get; init; }

    /// <summary><see cref="EscalationsBefore"/> minus <see cref="EscalationsAfter"/>; negative when the alternative escalates more.</summary>
    public int EscalationsAvoided => EscalationsBefore - EscalationsAfter;

    /// <summary>Requests whose first answer to the requester was <see cref="DecisionOutcome.Denied"/>, as it happened.</summary>
    public int DenialsBefore { get; init; }

    /// <summary>Requests whose first answer to the requester is <see cref="DecisionOutcome.Denied"/> under the alternative.</summary>
    public int DenialsAfter { get; init; }

    /// <summary><see cref="DenialsAfter"/> minus <see cref="DenialsBefore"/>; negative when the alternative denies less.</summary>
    public int AdditionalDenials => DenialsAfter - DenialsBefore;

    /// <summary>The amount granted and not voided, in the policy currency, as it happened.</summary>
    public decimal SpendBefore { get; init; }

    /// <summary>The amount granted and not voided in the replay, in the policy currency.</summary>
    public decimal SpendAfter { get; init; }

    /// <summary><see cref="SpendAfter"/> minus <see cref="SpendBefore"/>; negative when the alternative grants less.</summary>
    public decimal ExtraSpend => SpendAfter - SpendBefore;
}

/// <summary>The figures of one action and requester role.</summary>
public sealed record WhatIfRow : WhatIfFigures
{
    /// <summary>The action, as the requests named it.</summary>
    public required string Action { get; init; }

    /// <summary>The requester's role (not the approver's), as the requests named it.</summary>
    public required string Role { get; init; }
}

/// <summary>A decision log record the alternative policy could not replay.</summary>
/// <param name="Record">The record.</param>
/// <param name="Reason">Why: the alternative's answer to the request, for example that a role is not configured.</param>
public sealed record UnreplayableRecord(DecisionRecord Record, string Reason);
