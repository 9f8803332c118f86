using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
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

    /// <summary>The factory this log's contexts come from: the ledger stores grants' records itself when it shares it.</summary>
    internal IDbContextFactory<TContext> Contexts => contexts;

    /// <summary>
    /// The <see cref="Columns"/> values of <paramref name="record"/>'s row, in the order of the
    /// <c>INSERT</c>'s columns (id, timestamp_ticks, sequence, timestamp, kind, outcome, agent_id,
    /// customer_id, required_approver_role, amount, grant_id, policy_version, request), checked
    /// against the columns' limits; a new id and the next sequence number.
    /// </summary>
    internal static object?[] Row(DecisionRecord record)
    {
        ColumnLimits.Check(record.Request.AgentId, ColumnLimits.Id, "DecisionRecord.Request.AgentId");
        ColumnLimits.Check(record.Request.CustomerId, ColumnLimits.Id, "DecisionRecord.Request.CustomerId");
        ColumnLimits.Check(record.RequiredApproverRole, ColumnLimits.Id, "DecisionRecord.RequiredApproverRole");
        ColumnLimits.Check(record.GrantId, ColumnLimits.Id, "DecisionRecord.GrantId");
        ColumnLimits.ToUnits(record.Amount, "DecisionRecord.Amount");
        return
        [
            Guid.CreateVersion7(),
            record.Timestamp.UtcTicks,
            Interlocked.Increment(ref s_sequence),
            record.Timestamp.ToUniversalTime(),
            (int)record.Kind,
            (int)record.Outcome,
            record.Request.AgentId,
            record.Request.CustomerId,
            record.RequiredApproverRole,
            record.Amount,
            record.GrantId,
            record.PolicyVersion,
            StoreJson.Serialize(record.Request),
        ];
    }

    /// <summary>The decision log's <c>INSERT</c> up to its <c>VALUES</c>, the columns in <see cref="Row"/>'s order.</summary>
    internal const string InsertInto =
        "INSERT INTO customercraft_decisions (id, timestamp_ticks, sequence, timestamp, kind, outcome, agent_id, customer_id, " +
        "required_approver_role, amount, grant_id, policy_version, request) VALUES ";

    /// <summary>Appends one row's <c>({n}, {n+1}, ...)</c>, its <see cref="Columns"/> placeholders numbered from <paramref name="first"/>.</summary>
    internal static StringBuilder AppendValues(StringBuilder sql, int first)
    {
        for (int c = 0; c < Columns; c++)
        {
            sql.Append(c == 0 ? "({" : ", {").Append(first + c).Append('}');
        }

        return sql.Append(')');
    }

    // Starts at the wall clock so that a restarted instance keeps counting upwards.
    private static long s_sequence = DateTime.UtcNow.Ticks;

    /// <summary>The most records one statement writes; about 800 parameters, within every engine's limit.</summary>
    internal const int MaxBatch = 64;

    internal const int Columns = 13;

    private readonly ConcurrentQueue<PendingRecord> _queue = new();

    // 1 while one appender (the leader) writes the queue for everyone.
    private int _writing;

    /// <summary>
    /// Stores <paramref name="record"/> and returns once it is committed, as before; but appenders
    /// arriving together share one <c>INSERT</c> (group commit). The first appender to find no write
    /// in progress becomes the leader: it writes what is queued, up to <see cref="MaxBatch"/> records
    /// a statement, until its own record is stored, then hands the lead to the next waiting
    /// appender. Each appender returns when the statement holding its record has committed (or
    /// throws what that statement threw), so a returned append is as durable as a lone INSERT and
    /// nothing is left behind in memory. With eight workers granting at once, a grant's log write
    /// was a round trip of its own; now a round trip carries the records of all the workers that
    /// reached the log during the previous one.
    /// </summary>
    public async ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        object?[] values = Row(record);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingRecord(values);

        _queue.Enqueue(pending);
        // Not the leader: wait until a leader has written the record (true) or hands us the lead
        // (false). Not cancellable once queued: the lead may be handed to any waiter, and one that
        // stopped waiting would leave the others waiting for ever. The wait is one or two
        // statements, each bounded by the command timeout.
        bool lead = Interlocked.CompareExchange(ref _writing, 1, 0) == 0
            || !await pending.Signal.Task.ConfigureAwait(false);
        if (lead)
        {
            await LeadAsync(pending).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the queue, batch by batch, until <paramref name="mine"/> is stored, then passes the
    /// lead on (or gives it up when nobody waits). Runs to the end even if the leader's caller
    /// cancels, since other appenders wait on it. Throws what the batch holding
    /// <paramref name="mine"/> threw.
    /// </summary>
    private async Task LeadAsync(PendingRecord mine)
    {
        Exception? failure = null;
        bool stored = false;
        var batch = new List<PendingRecord>(MaxBatch);
        while (!stored)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.TryDequeue(out PendingRecord? next))
            {
                batch.Add(next);
                stored |= ReferenceEquals(next, mine);
            }

            Exception? error = null;
            try
            {
                await WriteAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                error = ex;
            }

            foreach (PendingRecord written in batch)
            {
                if (ReferenceEquals(written, mine))
                {
                    failure = error;
                }
                else if (error is null)
                {
                    written.Signal.TrySetResult(true);
                }
                else
                {
                    written.Signal.TrySetException(error);
                }
            }
        }

        // Hand the lead to the oldest waiter. Only the leader dequeues, so the head stays put; a
        // record queued just after the flag is cleared finds the flag clear and leads itself.
        while (true)
        {
            if (_queue.TryPeek(out PendingRecord? waiting))
            {
                waiting.Signal.TrySetResult(false);
                break;
            }

            Volatile.Write(ref _writing, 0);
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
            {
                break;
            }
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>
    /// One multi-row <c>INSERT</c>, committed on its own. Ids are made here, so a conflict on one
    /// can only be an earlier attempt of the same statement whose reply was lost: the retry (the
    /// execution strategy's) skips the rows already there. A failure after which every record is
    /// found stored (a lost reply with no retrying strategy) is success.
    /// </summary>
    private async Task WriteAsync(List<PendingRecord> batch)
    {
        var sql = new StringBuilder(InsertInto);
        object?[] parameters = new object?[batch.Count * Columns];
        for (int r = 0; r < batch.Count; r++)
        {
            batch[r].Values.CopyTo(parameters, r * Columns);
            AppendValues(sql.Append(r == 0 ? "" : ", "), r * Columns);
        }

        sql.Append(" ON CONFLICT (id) DO NOTHING");
        string statement = sql.ToString();
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (StoreProviders.Of(context.Database) == StoreProvider.Sqlite)
            {
                // SQLite: the statement rides in the next transaction of the host's writer, with the
                // reservations queued beside it, rather than taking the write lock for a commit of its own.
                await SqliteWriter<TContext>.For(contexts).RunAsync(
                    (writing, ct) => StoreCommands.ExecuteAsync(writing, statement, parameters, ct),
                    CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await context.Database.CreateExecutionStrategy().ExecuteAsync(
                    ct => StoreCommands.ExecuteAsync(context, statement, parameters, ct),
                    CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (DbException)
        {
            if (await CountStoredAsync(context, batch).ConfigureAwait(false) != batch.Count)
            {
                throw;
            }
        }
    }

    private static async Task<int> CountStoredAsync(DbContext context, List<PendingRecord> batch)
    {
        Guid[] ids = new Guid[batch.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = (Guid)batch[i].Values[0]!;
        }

        return await context.Set<DecisionRow>().AsNoTracking().CountAsync(r => ids.Contains(r.Id)).ConfigureAwait(false);
    }

    /// <summary>A record waiting to be written, and how its appender learns the outcome.</summary>
    private sealed class PendingRecord(object?[] values)
    {
        public object?[] Values { get; } = values;

        /// <summary>True: stored by a leader. False: not stored yet, and the lead is this appender's.</summary>
        public TaskCompletionSource<bool> Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
