using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Empowerment;

/// <summary>
/// The default <see cref="IDecisionLog"/>: a thread-safe, bounded in-memory log that keeps the
/// most recent <see cref="InMemoryDecisionLogOptions.Capacity"/> records.
/// </summary>
public sealed class InMemoryDecisionLog : IDecisionLog
{
    private readonly DecisionRecord?[] _buffer;
    private readonly Lock _gate = new();
    private long _appended;

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
            long start = Math.Max(0, _appended - _buffer.Length);
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

    private static bool Matches(DecisionRecord record, DecisionLogQuery query) =>
        (query.From is null || record.Timestamp >= query.From)
        && (query.To is null || record.Timestamp < query.To)
        && (query.AgentId is null || string.Equals(record.Request.AgentId, query.AgentId, StringComparison.Ordinal))
        && (query.CustomerId is null || string.Equals(record.Request.CustomerId, query.CustomerId, StringComparison.Ordinal));
}

/// <summary>Options of <see cref="InMemoryDecisionLog"/>, bound from <c>CustomerCraft:DecisionLog</c>.</summary>
public sealed class InMemoryDecisionLogOptions
{
    /// <summary>The default <see cref="Capacity"/>.</summary>
    public const int DefaultCapacity = 100_000;

    /// <summary>How many of the most recent records to keep. At least 1; defaults to 100,000.</summary>
    public int Capacity { get; set; } = DefaultCapacity;
}
