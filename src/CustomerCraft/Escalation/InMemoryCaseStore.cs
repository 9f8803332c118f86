using System.Collections.Concurrent;
using CustomerCraft.Storage;

namespace CustomerCraft.Escalation;

/// <summary>
/// A thread-safe in-memory <see cref="ICaseStore"/> for one process: reads take no lock; saves,
/// claims and the index of due cases share one short lock. Cases live for the life of the process.
/// </summary>
internal sealed class InMemoryCaseStore : ICaseStore
{
    private readonly ConcurrentDictionary<string, SupportCase> _cases = new(StringComparer.Ordinal);
    private readonly SortedSet<DueEntry> _due = new();
    private readonly Dictionary<string, DateTimeOffset> _claims = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public ValueTask<SupportCase?> FindAsync(string caseId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(caseId);
        return ValueTask.FromResult(_cases.TryGetValue(caseId, out SupportCase? found) ? found : null);
    }

    /// <inheritdoc />
    public ValueTask CreateAsync(SupportCase supportCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_cases.TryAdd(supportCase.Id, supportCase))
            {
                throw new CaseAlreadyExistsException(supportCase.Id);
            }

            Index(null, supportCase);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SaveAsync(SupportCase supportCase, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        cancellationToken.ThrowIfCancellationRequested();
        if (supportCase.Version != expectedVersion + 1)
        {
            throw new ArgumentException($"A saved case's version must be one more than the version it was based on ({expectedVersion}); it is {supportCase.Version}.", nameof(supportCase));
        }

        lock (_gate)
        {
            if (!_cases.TryGetValue(supportCase.Id, out SupportCase? stored))
            {
                throw new CaseNotFoundException(supportCase.Id);
            }

            if (stored.Version != expectedVersion)
            {
                throw new CaseConcurrencyException(supportCase.Id, expectedVersion, stored.Version);
            }

            if (supportCase.History.Count < stored.History.Count)
            {
                throw new ArgumentException($"Case '{supportCase.Id}': history is append-only; the saved case has {supportCase.History.Count} entries, the stored one {stored.History.Count}.", nameof(supportCase));
            }

            _cases[supportCase.Id] = supportCase;
            _claims.Remove(supportCase.Id);
            Index(stored, supportCase);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SupportCase>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        List<SupportCase>? claimed = null;
        lock (_gate)
        {
            foreach ((long dueTicks, string caseId) in _due)
            {
                if (dueTicks > now.UtcTicks || claimed?.Count >= maxCount)
                {
                    break;
                }

                if (_claims.TryGetValue(caseId, out DateTimeOffset until) && until > now)
                {
                    continue;
                }

                _claims[caseId] = now + lease;
                (claimed ??= []).Add(_cases[caseId]);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<SupportCase>>(claimed ?? (IReadOnlyList<SupportCase>)[]);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SupportCase>> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, "query.Limit");
        var matches = new List<SupportCase>();
        foreach (SupportCase candidate in _cases.Values)
        {
            if ((query.State is null || candidate.State == query.State)
                && (query.Level is null || candidate.Level == query.Level)
                && (query.OwnerId is null || string.Equals(candidate.Owner?.Id, query.OwnerId, StringComparison.Ordinal))
                && (query.CustomerId is null || string.Equals(candidate.CustomerId, query.CustomerId, StringComparison.Ordinal)))
            {
                matches.Add(candidate);
            }
        }

        matches.Sort(static (a, b) =>
        {
            int byDue = (a.NextDueAt ?? DateTimeOffset.MaxValue).CompareTo(b.NextDueAt ?? DateTimeOffset.MaxValue);
            return byDue != 0 ? byDue : a.OpenedAt.CompareTo(b.OpenedAt);
        });
        if (matches.Count > query.Limit)
        {
            matches.RemoveRange(query.Limit, matches.Count - query.Limit);
        }

        return ValueTask.FromResult<IReadOnlyList<SupportCase>>(matches);
    }

    private void Index(SupportCase? before, SupportCase after)
    {
        DateTimeOffset? oldDue = before?.NextDueAt;
        DateTimeOffset? newDue = after.NextDueAt;
        if (oldDue == newDue && before is not null)
        {
            return;
        }

        if (oldDue is { } old)
        {
            _due.Remove(new DueEntry(old.UtcTicks, before!.Id));
        }

        if (newDue is { } due)
        {
            _due.Add(new DueEntry(due.UtcTicks, after.Id));
        }
    }

    /// <summary>A case in the due index: by due time, then by id compared ordinally (a culture-aware comparison could equate distinct ids).</summary>
    private readonly record struct DueEntry(long DueTicks, string CaseId) : IComparable<DueEntry>
    {
        public int CompareTo(DueEntry other) =>
            DueTicks != other.DueTicks ? DueTicks.CompareTo(other.DueTicks) : string.CompareOrdinal(CaseId, other.CaseId);
    }
}
