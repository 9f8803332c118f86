using CustomerCraft.Empowerment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Insight;

/// <summary>
/// Policy what-if: replays the decision history (<see cref="IDecisionLog"/>) against another
/// policy and reports, per action and requester role, the escalations it would have avoided, the
/// denials it would have added or removed and the extra spend. Registered by
/// <c>AddCustomerCraft</c> as a thread-safe singleton; see <c>docs/what-if.md</c> for the replay
/// model and its limits.
/// </summary>
public interface IPolicyWhatIf
{
    /// <summary>
    /// Replays the history, in time order, against <paramref name="alternative"/> in a separate,
    /// simulated engine (its own budget ledger, on a clock set to each record's time) and compares
    /// the outcome with what actually happened. Nothing in the running host changes.
    /// </summary>
    /// <param name="alternative">
    /// A <c>CustomerCraft</c>-shaped configuration section (the same shape as the host's, for
    /// example <c>configuration.GetSection("WhatIf:CustomerCraft")</c>); it is bound and validated
    /// with the same rules as the host's, and must use the same currency as the policy in force.
    /// </param>
    /// <param name="options">Which history to replay; <see langword="null"/> replays all of it.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The comparison. Records the alternative cannot evaluate (a role or action it does not have) are listed in <see cref="WhatIfReport.Unreplayable"/>, not thrown.</returns>
    /// <exception cref="OptionsValidationException">The alternative is invalid, or uses another currency; every error names its configuration path.</exception>
    ValueTask<WhatIfReport> CompareAsync(IConfiguration alternative, WhatIfOptions? options = null, CancellationToken cancellationToken = default);
}

/// <summary>Options of <see cref="IPolicyWhatIf.CompareAsync"/>.</summary>
public sealed record WhatIfOptions
{
    /// <summary>
    /// Which records of the decision log to replay (a time range, an agent, a customer); by default
    /// all of them. Budgets in the replay see only the records replayed: usage from before
    /// <see cref="DecisionLogQuery.From"/>, or by other agents when filtering by agent, is not in them.
    /// </summary>
    public DecisionLogQuery Query { get; init; } = DecisionLogQuery.All;

    /// <summary>
    /// Told how far the replay has got: every 10,000 records read, every 10,000 replayed, and once at
    /// the end. Reports come on the replaying thread (an <see cref="IProgress{T}"/> such as
    /// <see cref="Progress{T}"/> moves them to its own context); <see langword="null"/> for none.
    /// </summary>
    public IProgress<WhatIfProgress>? Progress { get; init; }
}

/// <summary>How far a what-if has got (see <see cref="WhatIfOptions.Progress"/>).</summary>
public sealed class WhatIfProgress
{
    internal WhatIfProgress(long recordsRead, long recordsReplayed)
    {
        RecordsRead = recordsRead;
        RecordsReplayed = recordsReplayed;
    }

    /// <summary>Records read from the decision log so far.</summary>
    public long RecordsRead { get; }

    /// <summary>Records replayed so far. A log read in time order is replayed as it is read, so this keeps pace with <see cref="RecordsRead"/>; a log found out of order is read again and sorted first, and replaying then starts once every record is read. It ends at <see cref="RecordsRead"/>.</summary>
    public long RecordsReplayed { get; }
}
