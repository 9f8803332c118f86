using CustomerCraft.Escalation;
using CustomerCraft.EntityFrameworkCore.Model;
using CustomerCraft.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// The case store on EF Core. A case is one row (the columns queries need, plus a JSON document)
/// and one row per timeline entry. A save is one batch in one transaction: an UPDATE guarded by
/// the version concurrency token and INSERTs of the new timeline entries only, so history is
/// appended and never rewritten. Due cases are claimed with a lease: on PostgreSQL with
/// <c>FOR UPDATE SKIP LOCKED</c>, so instances claiming at once take different cases without
/// waiting; on SQLite under the database's write lock.
/// </summary>
internal sealed class EntityFrameworkCaseStore<TContext>(IDbContextFactory<TContext> contexts) : ICaseStore
    where TContext : DbContext
{
    private readonly TimelineCache _timelines = new();

    public async ValueTask<SupportCase?> FindAsync(string caseId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(caseId);
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        CaseRow? row = await context.Set<CaseRow>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        // Only the entries this instance has not seen: usually none, after its own save.
        int known = _timelines.TryGet(caseId, out TimelineCache.Entry cached) && cached.History.Count <= row.HistoryCount ? cached.History.Count : 0;
        List<CaseEventRow> events = known == row.HistoryCount
            ? []
            : await context.Set<CaseEventRow>().AsNoTracking()
                .Where(e => e.CaseId == caseId && e.Sequence > known)
                .OrderBy(e => e.Sequence)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        return Materialize(row, known == 0 ? [] : cached.History, events);
    }

    public async ValueTask CreateAsync(SupportCase supportCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);

        // A taken id is a caller's mistake, not a database failure: looked up first, it is refused
        // without an INSERT that EF Core would log at Error. Only a racing open of the same id
        // reaches the unique-key violation below.
        if (await context.Set<CaseRow>().AsNoTracking().AnyAsync(c => c.Id == supportCase.Id, cancellationToken).ConfigureAwait(false))
        {
            throw new CaseAlreadyExistsException(supportCase.Id);
        }

        CaseRow row = ToRow(supportCase);
        context.Add(row);
        AddEvents(context, supportCase, from: 0);
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            _timelines.Set(supportCase.Id, supportCase.Version, supportCase.History);
        }
        catch (DbUpdateException)
        {
            context.ChangeTracker.Clear();
            CaseRow? stored = await context.Set<CaseRow>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == supportCase.Id, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                throw;
            }

            if (stored.SaveToken == row.SaveToken)
            {
                // A retried insert that had in fact been committed: this save's own token.
                _timelines.Set(supportCase.Id, supportCase.Version, supportCase.History);
                return;
            }

            throw new CaseAlreadyExistsException(supportCase.Id);
        }
    }

    public async ValueTask SaveAsync(SupportCase supportCase, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(supportCase);
        if (supportCase.Version != expectedVersion + 1)
        {
            throw new ArgumentException($"A saved case's version must be one more than the version it was based on ({expectedVersion}); it is {supportCase.Version}.", nameof(supportCase));
        }

        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        int storedCount;
        if (_timelines.TryGet(supportCase.Id, out TimelineCache.Entry cached) && cached.Version == expectedVersion)
        {
            // This instance read or wrote that version: its timeline length is known (a version's
            // timeline never changes), and the UPDATE's version check still guards the save.
            storedCount = cached.History.Count;
        }
        else
        {
            var stored = await context.Set<CaseRow>().AsNoTracking()
                .Where(c => c.Id == supportCase.Id)
                .Select(c => new { c.Version, c.HistoryCount })
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new CaseNotFoundException(supportCase.Id);
            if (stored.Version != expectedVersion)
            {
                throw new CaseConcurrencyException(supportCase.Id, expectedVersion, stored.Version);
            }

            storedCount = stored.HistoryCount;
        }

        if (supportCase.History.Count < storedCount)
        {
            throw new ArgumentException($"Case '{supportCase.Id}': history is append-only; the saved case has {supportCase.History.Count} entries, the stored one {storedCount}.", nameof(supportCase));
        }

        CaseRow row = ToRow(supportCase);
        EntityEntry<CaseRow> entry = context.Attach(row);
        foreach (PropertyEntry property in entry.Properties)
        {
            if (!property.Metadata.IsPrimaryKey())
            {
                property.IsModified = true;
            }
        }

        // The concurrency token: the UPDATE matches only the version this save was based on.
        entry.Property(c => c.Version).OriginalValue = expectedVersion;
        row.ClaimedUntilTicks = null;
        row.ClaimToken = null;
        AddEvents(context, supportCase, from: storedCount);
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            _timelines.Set(supportCase.Id, supportCase.Version, supportCase.History);
        }
        catch (DbUpdateException)
        {
            // Lost the race (the version moved, or another save inserted the same timeline
            // entries first), or a retry of a save that had in fact been committed.
            context.ChangeTracker.Clear();
            CaseRow? now = await context.Set<CaseRow>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == supportCase.Id, cancellationToken).ConfigureAwait(false)
                ?? throw new CaseNotFoundException(supportCase.Id);
            if (now.SaveToken == row.SaveToken)
            {
                // This save's own token: an attempt whose reply was lost had committed it. (The
                // document alone cannot tell: two people's identical moves at one instant match.)
                _timelines.Set(supportCase.Id, supportCase.Version, supportCase.History);
                return;
            }

            if (now.Version != expectedVersion)
            {
                throw new CaseConcurrencyException(supportCase.Id, expectedVersion, now.Version);
            }

            throw; // Not a conflict: the database's own error, with nothing saved.
        }
    }

    public async ValueTask<IReadOnlyList<SupportCase>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        long nowTicks = now.UtcTicks;
        long untilTicks = (now + lease).UtcTicks;
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        StoreProvider provider = StoreProviders.Of(context.Database);

        // PostgreSQL: rows another instance is claiming right now are skipped, not waited for.
        // SQLite: the UPDATE holds the database's write lock, which serializes claimers. The
        // token names this claim: if its reply is lost and the execution strategy runs it again,
        // the retry gets back the cases the first attempt took instead of leaving them held
        // until the lease runs out.
        Guid token = Guid.NewGuid();
        string lockClause = provider == StoreProvider.PostgreSql ? " FOR UPDATE SKIP LOCKED" : "";
        string sql =
            "UPDATE customercraft_cases SET claimed_until_ticks = {0}, claim_token = {3} WHERE id IN (" +
            "SELECT id FROM customercraft_cases WHERE (next_due_ticks <= {1} AND (claimed_until_ticks IS NULL OR claimed_until_ticks <= {1})) OR claim_token = {3} " +
            "ORDER BY next_due_ticks LIMIT {2}" + lockClause + ") RETURNING id AS \"Value\"";

        IExecutionStrategy strategy = context.Database.CreateExecutionStrategy();
        List<string> claimed = await strategy.ExecuteAsync(
            ct => context.Database.SqlQueryRaw<string>(sql, untilTicks, nowTicks, maxCount, token).ToListAsync(ct),
            cancellationToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return [];
        }

        List<SupportCase> cases = await LoadAsync(context, context.Set<CaseRow>().AsNoTracking().Where(c => claimed.Contains(c.Id)), cancellationToken).ConfigureAwait(false);
        cases.Sort(static (a, b) => Nullable.Compare(a.NextDueAt, b.NextDueAt));
        return cases;
    }

    public async ValueTask<IReadOnlyList<SupportCase>> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, "query.Limit");
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        IQueryable<CaseRow> rows = context.Set<CaseRow>().AsNoTracking();
        if (query.State is { } state)
        {
            rows = rows.Where(c => c.State == (int)state);
        }

        if (query.Level is { } level)
        {
            rows = rows.Where(c => c.Level == level);
        }

        if (query.OwnerId is { } ownerId)
        {
            rows = rows.Where(c => c.OwnerId == ownerId);
        }

        if (query.CustomerId is { } customerId)
        {
            rows = rows.Where(c => c.CustomerId == customerId);
        }

        rows = rows
            .OrderBy(c => c.NextDueTicks == null)
            .ThenBy(c => c.NextDueTicks)
            .ThenBy(c => c.OpenedAtTicks)
            .ThenBy(c => c.Id)
            .Take(query.Limit);
        return await LoadAsync(context, rows, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the rows, then in one more query the timeline entries this instance has not cached, keeping the rows' order.</summary>
    private async Task<List<SupportCase>> LoadAsync(DbContext context, IQueryable<CaseRow> rows, CancellationToken cancellationToken)
    {
        List<CaseRow> found = await rows.ToListAsync(cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return [];
        }

        // One look at the cache per row: a save on this instance may replace an entry at any time.
        var known = new IReadOnlyList<CaseEvent>?[found.Count];
        var missing = new List<string>();
        for (int i = 0; i < found.Count; i++)
        {
            known[i] = _timelines.TryGet(found[i].Id, out TimelineCache.Entry cached) && cached.History.Count == found[i].HistoryCount ? cached.History : null;
            if (known[i] is null)
            {
                missing.Add(found[i].Id);
            }
        }

        ILookup<string, CaseEventRow> byCase = missing.Count == 0
            ? Array.Empty<CaseEventRow>().ToLookup(e => e.CaseId, StringComparer.Ordinal)
            : (await context.Set<CaseEventRow>().AsNoTracking()
                .Where(e => missing.Contains(e.CaseId))
                .OrderBy(e => e.CaseId).ThenBy(e => e.Sequence)
                .ToListAsync(cancellationToken).ConfigureAwait(false))
                .ToLookup(e => e.CaseId, StringComparer.Ordinal);
        var cases = new List<SupportCase>(found.Count);
        for (int i = 0; i < found.Count; i++)
        {
            cases.Add(known[i] is { } history
                ? Materialize(found[i], history, [])
                : Materialize(found[i], [], byCase[found[i].Id].ToList()));
        }

        return cases;
    }

    /// <summary>
    /// The case in <paramref name="row"/> with its timeline: the <paramref name="known"/> entries
    /// (a cached prefix) followed by <paramref name="events"/>. Entries past the row's count belong
    /// to a save that committed after the row was read, and are left for the next read.
    /// </summary>
    private SupportCase Materialize(CaseRow row, IReadOnlyList<CaseEvent> known, List<CaseEventRow> events)
    {
        int fromCache = Math.Min(known.Count, row.HistoryCount);
        int count = Math.Min(row.HistoryCount, fromCache + events.Count);
        if (count < row.HistoryCount)
        {
            throw new InvalidDataException($"Case '{row.Id}' records {row.HistoryCount} timeline entries but {fromCache + events.Count} are stored.");
        }

        IReadOnlyList<CaseEvent> history;
        if (count == known.Count)
        {
            history = known;
        }
        else
        {
            var entries = new CaseEvent[count];
            for (int i = 0; i < fromCache; i++)
            {
                entries[i] = known[i];
            }

            for (int i = fromCache; i < count; i++)
            {
                entries[i] = StoreJson.DeserializeEvent(events[i - fromCache].Document);
            }

            history = entries;
        }

        _timelines.Set(row.Id, row.Version, history);
        return StoreJson.DeserializeCase(row.Document, history);
    }

    private static void AddEvents(DbContext context, SupportCase supportCase, int from)
    {
        IReadOnlyList<CaseEvent> history = supportCase.History;
        for (int i = from; i < history.Count; i++)
        {
            context.Add(new CaseEventRow { CaseId = supportCase.Id, Sequence = i + 1, Document = StoreJson.Serialize(history[i]) });
        }
    }

    private static CaseRow ToRow(SupportCase supportCase)
    {
        ColumnLimits.Check(supportCase.Id, ColumnLimits.Id, "SupportCase.Id");
        ColumnLimits.Check(supportCase.CustomerId, ColumnLimits.Id, "SupportCase.CustomerId");
        ColumnLimits.Check(supportCase.Owner?.Id, ColumnLimits.Id, "SupportCase.Owner.Id");
        return new CaseRow
        {
            Id = supportCase.Id,
            CustomerId = supportCase.CustomerId,
            State = (int)supportCase.State,
            Level = supportCase.Level,
            OwnerId = supportCase.Owner?.Id,
            Version = supportCase.Version,
            OpenedAtTicks = supportCase.OpenedAt.UtcTicks,
            NextDueTicks = supportCase.NextDueAt?.UtcTicks,
            HistoryCount = supportCase.History.Count,
            Document = StoreJson.Serialize(supportCase),
            SaveToken = Guid.NewGuid(),
        };
    }
}
