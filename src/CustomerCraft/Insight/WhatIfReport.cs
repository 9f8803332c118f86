using CustomerCraft.Empowerment;

namespace CustomerCraft.Insight;

/// <summary>The result of <see cref="IPolicyWhatIf.CompareAsync"/>: the history as it happened against its replay under the alternative policy.</summary>
public sealed class WhatIfReport
{
    internal WhatIfReport()
    {
    }

    /// <summary>The policy currency every amount is in.</summary>
    public string Currency { get; internal init; } = string.Empty;

    /// <summary>One row per action and requester role that occurs in the replayed history, ordered by action, then role.</summary>
    public IReadOnlyList<WhatIfRow> Rows { get; internal init; } = [];

    /// <summary>The sums of <see cref="Rows"/>.</summary>
    public WhatIfFigures Totals { get; internal init; } = new();

    /// <summary>How many decision log records were read (after <see cref="WhatIfOptions.Query"/>).</summary>
    public int RecordsRead { get; internal init; }

    /// <summary>
    /// Voids of grants that are not in the replayed history (made before the time range, by
    /// another agent than the one filtered on, or dropped from a bounded log); they change neither side.
    /// </summary>
    public int IgnoredVoids { get; internal init; }

    /// <summary>
    /// The records of requests the alternative policy rejects as invalid (for example a role or
    /// action it does not have), each with the reason. The whole request they belong to (the
    /// requester's attempts, approvals, voids) is left out of <see cref="Rows"/> on both sides.
    /// </summary>
    public IReadOnlyList<UnreplayableRecord> Unreplayable { get; internal init; } = [];

    /// <summary>How many records could not be replayed: the length of <see cref="Unreplayable"/>.</summary>
    public int UnreplayableCount => Unreplayable.Count;
}

/// <summary>
/// Counts and amounts of requests before (as they happened) and after (as replayed under the
/// alternative policy). A request is one need of the requester: their attempts, the approval that
/// followed an escalation and its grant count once.
/// </summary>
public class WhatIfFigures
{
    internal WhatIfFigures()
    {
    }

    /// <summary>How many requests (needs) were replayed.</summary>
    public int Requests { get; internal init; }

    /// <summary>Requests whose first answer to the requester was <see cref="DecisionOutcome.RequiresApproval"/>, as it happened (a request first seen as a grant under an approver counts as escalated).</summary>
    public int EscalationsBefore { get; internal init; }

    /// <summary>Requests whose first answer to the requester is <see cref="DecisionOutcome.RequiresApproval"/> under the alternative.</summary>
    public int EscalationsAfter { get; internal init; }

    /// <summary><see cref="EscalationsBefore"/> minus <see cref="EscalationsAfter"/>; negative when the alternative escalates more.</summary>
    public int EscalationsAvoided => EscalationsBefore - EscalationsAfter;

    /// <summary>Requests whose first answer to the requester was <see cref="DecisionOutcome.Denied"/>, as it happened.</summary>
    public int DenialsBefore { get; internal init; }

    /// <summary>Requests whose first answer to the requester is <see cref="DecisionOutcome.Denied"/> under the alternative.</summary>
    public int DenialsAfter { get; internal init; }

    /// <summary><see cref="DenialsAfter"/> minus <see cref="DenialsBefore"/>; negative when the alternative denies less.</summary>
    public int AdditionalDenials => DenialsAfter - DenialsBefore;

    /// <summary>The amount granted and not voided, in the policy currency, as it happened.</summary>
    public decimal SpendBefore { get; internal init; }

    /// <summary>The amount granted and not voided in the replay, in the policy currency.</summary>
    public decimal SpendAfter { get; internal init; }

    /// <summary><see cref="SpendAfter"/> minus <see cref="SpendBefore"/>; negative when the alternative grants less.</summary>
    public decimal ExtraSpend => SpendAfter - SpendBefore;
}

/// <summary>The figures of one action and requester role.</summary>
public sealed class WhatIfRow : WhatIfFigures
{
    internal WhatIfRow()
    {
    }

    /// <summary>The action, as the requests named it.</summary>
    public string Action { get; internal init; } = string.Empty;

    /// <summary>The requester's role (not the approver's), as the requests named it.</summary>
    public string Role { get; internal init; } = string.Empty;
}

/// <summary>A decision log record the alternative policy could not replay.</summary>
public sealed class UnreplayableRecord
{
    internal UnreplayableRecord(DecisionRecord record, string reason)
    {
        Record = record;
        Reason = reason;
    }

    /// <summary>The record.</summary>
    public DecisionRecord Record { get; }

    /// <summary>Why: the alternative's answer to the request, for example that a role is not configured.</summary>
    public string Reason { get; }
}
