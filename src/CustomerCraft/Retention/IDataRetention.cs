using CustomerCraft.Storage;

namespace CustomerCraft.Retention;

/// <summary>
/// Prunes the registered stores by <see cref="RetentionOptions"/> and the policy in force. The
/// retention job in <c>CustomerCraft.Hosting</c> calls it on an interval; a host with its own
/// scheduler may call it instead.
/// </summary>
public interface IDataRetention
{
    /// <summary>
    /// What may be removed at <paramref name="now"/>: customer and agent charges older than the
    /// policy's longest customer or agent window plus <see cref="RetentionOptions.KeepPastLongestWindow"/>,
    /// incident charges older than <see cref="RetentionOptions.IncidentBudgets"/> and decision records
    /// older than <see cref="RetentionOptions.DecisionRecords"/>.
    /// </summary>
    /// <param name="now">The instant to count back from.</param>
    RetentionCutoffs CutoffsAt(DateTimeOffset now);

    /// <summary>
    /// Prunes the budget ledger and the decision log, each when it is an <see cref="Storage.IRetentionStore"/>,
    /// with the cutoffs at the current time.
    /// </summary>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>What was removed.</returns>
    ValueTask<RetentionResult> PruneAsync(CancellationToken cancellationToken = default);
}
