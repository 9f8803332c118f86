using CustomerCraft.Escalation;

namespace CustomerCraft.Storage;

/// <summary>
/// Where cases live. Saves are optimistic: a save names the version it was based on and fails
/// with <see cref="CaseConcurrencyException"/> when the stored case has moved on, so two people
/// acting on one case at once can never both win. The in-memory default serves one process; a
/// durable store (such as the EF Core package) serves many. Reads must see the caller's own
/// committed saves (read-your-writes): after a save whose acknowledgement was lost, the workflow
/// reads the case back to learn whether it was stored.
/// </summary>
public interface ICaseStore
{
    /// <summary>The case with the id, or <see langword="null"/>.</summary>
    ValueTask<SupportCase?> FindAsync(string caseId, CancellationToken cancellationToken = default);

    /// <summary>Stores a new case; throws <see cref="CaseAlreadyExistsException"/> when the id is taken.</summary>
    ValueTask CreateAsync(SupportCase supportCase, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the case whose stored version is <paramref name="expectedVersion"/> with
    /// <paramref name="supportCase"/> (whose version is one higher), releasing any claim on it;
    /// throws <see cref="CaseConcurrencyException"/> when the stored version differs. History is
    /// only ever appended: the new case's timeline starts with the stored one.
    /// </summary>
    ValueTask SaveAsync(SupportCase supportCase, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="maxCount"/> cases whose <see cref="SupportCase.NextDueAt"/> is at
    /// or before <paramref name="now"/> and that nobody else holds a live claim on, for
    /// <paramref name="lease"/>. A claim ends when the case is saved or the lease runs out (so a
    /// worker that dies does not strand a case). Callers still save with the version they read: a
    /// claim spreads work, the version check is what makes processing happen once.
    /// </summary>
    ValueTask<IReadOnlyList<SupportCase>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Cases matching <paramref name="query"/>, the soonest due first, then the oldest.</summary>
    ValueTask<IReadOnlyList<SupportCase>> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default);
}
