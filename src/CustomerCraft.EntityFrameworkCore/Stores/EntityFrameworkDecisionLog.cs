using System.Runtime.CompilerServices;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Model;
using CustomerCraft.Retention;
using Microsoft.EntityFrameworkCore;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// The decision log on EF Core. Records are read in timestamp order; records with the same
/// timestamp from one instance keep the order that instance appended them in (instances have no
/// common order finer than their clocks).
/// </summary>
internal sealed class EntityFrameworkDecisionLog<TContext>(IDbContextFactory<TContext> contexts) : IDecisionLog, IRetentionStore
    where TContext : DbContext
{
    /// <summary>
    /// Removes the records timestamped before <see cref="RetentionCutoffs.DecisionsBefore"/>, a batch
    /// per statement (on PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>, so instances pruning at once
    /// share the work), by the timestamp index.
    /// </summary>
    public async ValueTask<RetentionResult> PruneAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        if (cutoffs.DecisionsBefore is not { } before)
        {
            return default;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(cutoffs.BatchSize, 1, "RetentionCutoffs.BatchSize");
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        string skipLocked = StoreProviders.Of(context.Database) == StoreProvider.PostgreSql ? " FOR UPDATE SKIP LOCKED" : "";
        long removed = await EntityFrameworkBudgetLedger<TContext>.DeleteInBatchesAsync(
            context,
            "DELETE FROM customercraft_decisions WHERE id IN (SELECT id FROM customercraft_decisions WHERE timestamp_ticks < {0} LIMIT {1}" + skipLocked + ")",
            [before.UtcTicks, cutoffs.BatchSize],
            cutoffs.BatchSize,
            cancellationToken).ConfigureAwait(false);
        return new RetentionResult(0, 0, 0, removed);
    }

    // Starts at the wall clock so that a restarted instance keeps counting upwards.
    private static long s_sequence = DateTime.UtcNow.Ticks;

    public async ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ColumnLimits.Check(record.Request.AgentId, ColumnLimits.Id, "DecisionRecord.Request.AgentId");
        ColumnLimits.Check(record.Request.CustomerId, ColumnLimits.Id, "DecisionRecord.Request.CustomerId");
        ColumnLimits.Check(record.RequiredApproverRole, ColumnLimits.Id, "DecisionRecord.RequiredApproverRole");
        ColumnLimits.Check(record.GrantId, ColumnLimits.Id, "DecisionRecord.GrantId");
        ColumnLimits.ToUnits(record.Amount, "DecisionRecord.Amount");
        var row = new DecisionRow
        {
            Id = Guid.CreateVersion7(),
            TimestampTicks = record.Timestamp.UtcTicks,
            Sequence = Interlocked.Increment(ref s_sequence),
            Timestamp = record.Timestamp.ToUniversalTime(),
            Kind = (int)record.Kind,
            Outcome = (int)record.Outcome,
            AgentId = record.Request.AgentId,
            CustomerId = record.Request.CustomerId,
            RequiredApproverRole = record.RequiredApproverRole,
            Amount = record.Amount,
            GrantId = record.GrantId,
            PolicyVersion = record.PolicyVersion,
            Request = StoreJson.Serialize(record.Request),
        };

        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        context.Add(row);
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // The key is made here, so a duplicate is this record: an attempt whose reply was lost
            // had stored it before the execution strategy retried the INSERT.
            if (!await ExistsAsync(context, row.Id, cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    private static async Task<bool> ExistsAsync(DbContext context, Guid id, CancellationToken cancellationToken)
    {
        context.ChangeTracker.Clear();
        return await context.Set<DecisionRow>().AsNoTracking().AnyAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<DecisionRecord> ReadAsync(DecisionLogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        IQueryable<DecisionRow> rows = context.Set<DecisionRow>().AsNoTracking();
        if (query.From is { } from)
        {
            long fromTicks = from.UtcTicks;
            rows = rows.Where(r => r.TimestampTicks >= fromTicks);
        }

        if (query.To is { } to)
        {
            long toTicks = to.UtcTicks;
            rows = rows.Where(r => r.TimestampTicks < toTicks);
        }

        if (query.AgentId is { } agentId)
        {
            rows = rows.Where(r => r.AgentId == agentId);
        }

        if (query.CustomerId is { } customerId)
        {
            rows = rows.Where(r => r.CustomerId == customerId);
        }

        // Only the columns a record is made of: the readable timestamp text and the row id would be
        // parsed for every row and thrown away (a third of reading 1,000,000 records, docs/benchmarks.md).
        var records = rows.OrderBy(r => r.TimestampTicks).ThenBy(r => r.Sequence).Select(r => new
        {
            r.TimestampTicks, r.Kind, r.Outcome, r.RequiredApproverRole, r.Amount, r.GrantId, r.PolicyVersion, r.Request,
        });
        await foreach (var row in records.AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return new DecisionRecord
            {
                // The ticks are exact; PostgreSQL keeps the readable column to the microsecond.
                Timestamp = new DateTimeOffset(row.TimestampTicks, TimeSpan.Zero),
                Kind = (DecisionRecordKind)row.Kind,
                Request = StoreJson.DeserializeRequest(row.Request),
                Outcome = (DecisionOutcome)row.Outcome,
                RequiredApproverRole = row.RequiredApproverRole,
                Amount = row.Amount,
                GrantId = row.GrantId,
                PolicyVersion = row.PolicyVersion,
            };
        }
    }
}
