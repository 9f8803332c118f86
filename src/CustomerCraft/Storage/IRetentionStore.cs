using CustomerCraft.Retention;

namespace CustomerCraft.Storage;

/// <summary>
/// A store that can remove what no budget window and no audit period still needs. The built-in
/// ledgers and decision logs implement it; a host's own store may too, and
/// <see cref="IDataRetention"/> then prunes it with the others.
/// </summary>
/// <remarks>
/// An implementation must keep every decision the same: a budget's usage over any window that
/// starts at or after the cutoffs must not change. It must be safe to run on every instance at
/// once and beside grants, and remove in batches of at most <see cref="RetentionCutoffs.BatchSize"/>
/// rows per statement.
/// </remarks>
public interface IRetentionStore
{
    /// <summary>Removes what <paramref name="cutoffs"/> allow, batch after batch, and says how much.</summary>
    /// <param name="cutoffs">What may be removed.</param>
    /// <param name="cancellationToken">Stops between batches; what earlier batches removed stays removed.</param>
    ValueTask<RetentionResult> PruneAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default);
}
