using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Model;
using CustomerCraft.Retention;
using CustomerCraft.Storage;
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

        // A plain data reader on the context's connection rather than EF Core materialisation:
        // a what-if reads a million rows, and EF's per-row work (shaping an object per row, a
        // buffer per column) was a third of reading them (docs/benchmarks.md). Table and column
        // names come from the context's model, so a host's mapping is honoured.
        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DbConnection connection = context.Database.GetDbConnection();
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = DecisionSelect.For(context, query);
            if (context.Database.GetCommandTimeout() is { } timeout)
            {
                command.CommandTimeout = timeout;
            }

            AddParameter(command, DecisionSelect.FromParameter, query.From?.UtcTicks);
            AddParameter(command, DecisionSelect.ToParameter, query.To?.UtcTicks);
            AddParameter(command, DecisionSelect.AgentParameter, query.AgentId);
            AddParameter(command, DecisionSelect.CustomerParameter, query.CustomerId);
            await using DbDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Columns read in select order, as sequential access requires.
                yield return new DecisionRecord
                {
                    // The ticks are exact; PostgreSQL keeps the readable column to the microsecond.
                    Timestamp = new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero),
                    Kind = (DecisionRecordKind)reader.GetInt32(1),
                    Outcome = (DecisionOutcome)reader.GetInt32(2),
                    RequiredApproverRole = reader.IsDBNull(3) ? null : reader.GetString(3),
                    Amount = reader.GetDecimal(4),
                    GrantId = reader.IsDBNull(5) ? null : reader.GetString(5),
                    PolicyVersion = reader.GetInt64(6),
                    Request = StoreJson.DeserializeRequest(reader.GetString(7)),
                };
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Adds a filter's parameter when the query has that filter (the statement names only those).</summary>
    private static void AddParameter(DbCommand command, string name, object? value)
    {
        if (value is null)
        {
            return;
        }

        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
