using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// Group commit for the SQLite stores: one writer per context factory (so per host; the ledger and
/// the decision log of a host share it) that takes the writes queued by concurrent callers and runs
/// up to <see cref="MaxBatch"/> of them in ONE transaction, in the order they were queued, each
/// seeing what the ones before it wrote (and, before committing, the writes queued meanwhile),
/// then commits once and completes every caller with its own result.
/// <para>
/// SQLite has one write lock per database and, in WAL mode with <c>synchronous=FULL</c> (the
/// default), every commit waits for a flush of the log to the disk: about 7 ms on the machine of
/// docs/benchmarks.md, against well under a millisecond of work per grant. One transaction per
/// grant therefore caps a database at about 150 grants a second however many callers there are;
/// sharing the commit multiplies that by the batch size.
/// </para>
/// <para>
/// Guarantees kept: the transaction begins with <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's
/// default), so it holds the database's write lock for the whole batch, and other writers, in this
/// process or any other opening the same file, take turns with it as before. A caller's result is
/// delivered only once the commit holding its write has returned. A write that throws is not
/// allowed to take the others with it: the batch is rolled back, that caller gets the exception,
/// and the others run again in a new transaction without it (so nothing is half written, and
/// nothing is reported written that was not). A failure of the transaction itself (its begin or
/// its commit) is every caller's. A caller that cancels while its write is still queued is removed
/// and sees <see cref="OperationCanceledException"/>; once its write is in a batch, it is carried
/// out, and the caller waits for the outcome (each command is bounded by the command timeout).
/// </para>
/// </summary>
internal sealed class SqliteWriter<TContext>
    where TContext : DbContext
{
    /// <summary>The most writes one transaction carries.</summary>
    internal const int MaxBatch = 64;

    private static readonly ConditionalWeakTable<IDbContextFactory<TContext>, SqliteWriter<TContext>> s_writers = [];

    private readonly IDbContextFactory<TContext> _contexts;
    private readonly ConcurrentQueue<Write> _queue = new();

    // 1 while a drain loop runs.
    private int _running;

    private SqliteWriter(IDbContextFactory<TContext> contexts) => _contexts = contexts;

    /// <summary>The writer of the stores created by <paramref name="contexts"/>.</summary>
    public static SqliteWriter<TContext> For(IDbContextFactory<TContext> contexts) =>
        s_writers.GetValue(contexts, static c => new SqliteWriter<TContext>(c));

    // The command builder and model of this factory's contexts, taken from the first context made
    // (one object, so that a racing reader sees both or neither).
    private volatile Tuple<IRawSqlCommandBuilder, Microsoft.EntityFrameworkCore.Metadata.IModel>? _commands;

    /// <summary>
    /// Builds a command of <paramref name="sql"/> (with <c>{0}</c>-style placeholders) for a write
    /// of this writer: done by the caller before queuing, so that the batch, which runs its writes
    /// one after another while holding the database's write lock, only executes it.
    /// </summary>
    public RawSqlCommand Build(string sql, object?[] parameters)
    {
        if (_commands is not { } commands)
        {
            using TContext context = _contexts.CreateDbContext();
            _commands = commands = Tuple.Create(context.GetService<IRawSqlCommandBuilder>(), context.Model);
        }

        return commands.Item1.Build(sql, parameters!, commands.Item2);
    }

    /// <summary>How many transactions the writer has committed (for tests and diagnostics).</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    private long _commits;

    /// <summary>
    /// Queues <paramref name="step"/> to run inside the next batch's transaction and returns its
    /// result once that transaction has committed. <paramref name="step"/> may run more than once
    /// (when another write of its batch failed, or the execution strategy retried the batch), each
    /// time in a new transaction that holds none of its earlier run's writes.
    /// </summary>
    public Task<T> RunAsync<T>(Func<DbContext, CancellationToken, Task<T>> step, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new Write<T>(step);
        if (cancellationToken.CanBeCanceled)
        {
            write.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Write)state!).TryCancel(token), write);
        }

        _queue.Enqueue(write);
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }

        return write.Completion.Task;
    }

    /// <summary>Writes batches until the queue is empty.</summary>
    private async Task DrainAsync()
    {
        var batch = new List<Write>(MaxBatch);
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.TryDequeue(out Write? next))
            {
                if (next.TryTake())
                {
                    batch.Add(next);
                }
            }

            if (batch.Count == 0)
            {
                // Stop, unless something was queued after the queue was found empty and its writer
                // saw the flag still set (it then did not start a loop of its own).
                Volatile.Write(ref _running, 0);
                if (_queue.IsEmpty || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            await WriteBatchAsync(batch).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the batch in one transaction; a write that throws is failed alone and the others run again.</summary>
    private async Task WriteBatchAsync(List<Write> batch)
    {
        while (batch.Count > 0)
        {
            Write? failed = null;
            Exception? error = null;
            try
            {
                await using TContext context = await StoreProviders.CreateContextAsync(_contexts, CancellationToken.None).ConfigureAwait(false);
                IExecutionStrategy strategy = context.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(
                    async ct =>
                    {
                        failed = null;
                        error = null;
                        await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                        for (int i = 0; i < batch.Count || (batch.Count < MaxBatch && TakeQueued(batch)); i++)
                        {
                            // (Writes queued while the batch ran join it before it commits: see TakeQueued.)
                            Write write = batch[i];
                            try
                            {
                                await write.RunAsync(context, ct).ConfigureAwait(false);
                            }
                            catch (Exception ex)
                            {
                                failed = write;
                                error = ex;
                                try
                                {
                                    await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                                }
                                catch (Exception)
                                {
                                    // SQLite may have rolled the transaction back itself (a full disk, an
                                    // I/O error); either way nothing of it is committed, and the context's
                                    // disposal closes the connection.
                                }

                                return;
                            }
                        }

                        await transaction.CommitAsync(ct).ConfigureAwait(false);
                    },
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The transaction itself failed (begin, commit, the connection, or the rollback
                // after a write failed): no write of the batch is known to be stored.
                foreach (Write write in batch)
                {
                    write.Fail(ex);
                }

                return;
            }

            if (failed is null)
            {
                Interlocked.Increment(ref _commits);
                foreach (Write write in batch)
                {
                    write.Complete();
                }

                return;
            }

            failed.Fail(error!);
            batch.Remove(failed);
        }
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the writes queued since it was taken, up to
    /// <see cref="MaxBatch"/>; false when there were none. Called when the batch's writes have run
    /// and before its commit: callers that arrived while it ran share its commit instead of
    /// waiting for it and then paying for one of their own. With eight callers and a commit that
    /// costs several writes' time, batches otherwise settle at half the callers each (one half
    /// writing while the other waits), and every commit is paid for by four grants instead of eight.
    /// </summary>
    private bool TakeQueued(List<Write> batch)
    {
        int before = batch.Count;
        while (batch.Count < MaxBatch && _queue.TryDequeue(out Write? next))
        {
            if (next.TryTake())
            {
                batch.Add(next);
            }
        }

        return batch.Count > before;
    }

    /// <summary>One queued write.</summary>
    private abstract class Write
    {
        // 0 queued, 1 taken into a batch, 2 cancelled while queued.
        private int _state;

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>Claims the write for a batch; false when its caller cancelled first.</summary>
        public bool TryTake()
        {
            bool taken = Interlocked.CompareExchange(ref _state, 1, 0) == 0;
            Registration.Dispose();
            return taken;
        }

        public void TryCancel(CancellationToken token)
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                Cancel(token);
            }
        }

        /// <summary>Runs the step in the batch's transaction, keeping its result until the commit.</summary>
        public abstract Task RunAsync(DbContext context, CancellationToken cancellationToken);

        /// <summary>Delivers the kept result: the transaction has committed.</summary>
        public abstract void Complete();

        public abstract void Fail(Exception error);

        protected abstract void Cancel(CancellationToken token);
    }

    private sealed class Write<T>(Func<DbContext, CancellationToken, Task<T>> step) : Write
    {
        private T? _result;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task RunAsync(DbContext context, CancellationToken cancellationToken) =>
            _result = await step(context, cancellationToken).ConfigureAwait(false);

        public override void Complete() => Completion.TrySetResult(_result!);

        public override void Fail(Exception error) => Completion.TrySetException(error);

        protected override void Cancel(CancellationToken token) => Completion.TrySetCanceled(token);
    }
}
