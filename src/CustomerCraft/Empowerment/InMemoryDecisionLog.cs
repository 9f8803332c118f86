using System.Runtime.CompilerServices;
using CustomerCraft.Retention;
using CustomerCraft.Storage;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Empowerment;

/// <summary>
/// The default <see cref="IDecisionLog"/>: a thread-safe, bounded in-memory log that keeps the
/// most recent <see cref="InMemoryDecisionLogOptions.Capacity"/> records, less those older than
/// the audit period once <see cref="PruneAsync"/> has removed them.
/// </summary>
internal sealed class InMemoryDecisionLog : IDecisionLog, IRetentionStore
{
    private readonly DecisionRecord?[] _buffer;
    private readonly Lock _gate = new();
    private long _appended;

    // The position (counted like _appended) of the oldest record pruning left.
    private long _oldest;

    /// <summary>Creates a log holding up to <see cref="InMemoryDecisionLogOptions.Capacity"/> records.</summary>
    public InMemoryDecisionLog(IOptions<InMemoryDecisionLogOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int capacity = options.Value.Capacity;
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1, "InMemoryDecisionLogOptions.Capacity");
        _buffer = new DecisionRecord?[capacity];
    }

    /// <summary>How many records were appended since the log was created, including ones that no longer fit.</summary>
    public long AppendedCount => Interlocked.Read(ref _appended);

    /// <inheritdoc />
    public ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _buffer[_appended % _buffer.Length] = record;
            _appended++;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<DecisionRecord> ReadAsync(DecisionLogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        DecisionRecord[] snapshot;
        lock (_gate)
        {
            long start = Math.Max(_oldest, _appended - _buffer.Length);
            snapshot = new DecisionRecord[_appended - start];
            for (long i = start; i < _appended; i++)
            {
                snapshot[i - start] = _buffer[i % _buffer.Length]!;
            }
        }

        foreach (DecisionRecord record in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Matches(record, query))
            {
                yield return record;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Removes the records timestamped before <see cref="RetentionCutoffs.DecisionsBefore"/>, keeping the others in order.</summary>
    /// <param name="cutoffs">What may be removed; only <see cref="RetentionCutoffs.DecisionsBefore"/> applies here.</param>
    /// <param name="cancellationToken">Not observed: the pass is one short step under the log's lock.</param>
    /// <returns>How many records were removed, as <see cref="RetentionResult.Decisions"/>.</returns>
    public ValueTask<RetentionResult> PruneAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        if (cutoffs.DecisionsBefore is not { } before)
        {
            return ValueTask.FromResult(default(RetentionResult));
        }

        lock (_gate)
        {
            long start = Math.Max(_oldest, _appended - _buffer.Length);
            // Records arrive in about timestamp order but not exactly (instances, late appends):
            // keep the survivors in their order and close the gaps towards the newest end.
            long write = _appended;
            for (long read = _appended - 1; read >= start; read--)
            {
                DecisionRecord record = _buffer[read % _buffer.Length]!;
                if (record.Timestamp >= before)
                {
                    write--;
                    _buffer[write % _buffer.Length] = record;
                }
            }

            for (long i = start; i < write; i++)
            {
                _buffer[i % _buffer.Length] = null;
            }

            _oldest = write;
            return ValueTask.FromResult(new RetentionResult(0, 0, 0, write - start));
        }
    }

    private static bool Matches(DecisionRecord record, DecisionLogQuery query) =>
        (query.From is null || record.Timestamp >= query.From)
        && (query.To is null || record.Timestamp < query.To)
        && (query.AgentId is null || string.Equals(record.Request.AgentId, query.AgentId, StringComparison.Ordinal))
        && (query.CustomerId is null || string.Equals(record.Request.CustomerId, query.CustomerId, StringComparison.Ordinal));
}

/// <summary>Options of the default, in-memory decision log, bound from <c>CustomerCraft:DecisionLog</c>.</summary>
public sealed class InMemoryDecisionLogOptions
{
    /// <summary>The default <see cref="Capacity"/>.</summary>
    public const int DefaultCapacity = 100_000;

    /// <summary>How many of the most recent records to keep. At least 1; defaults to 100,000.</summary>
    public int Capacity { get; set; } = DefaultCapacity;
}
