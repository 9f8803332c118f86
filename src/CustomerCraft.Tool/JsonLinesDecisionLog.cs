using System.Runtime.CompilerServices;
using CustomerCraft.Empowerment;

namespace CustomerCraft.Tool;

/// <summary>
/// A JSON Lines export (<see cref="DecisionLogJsonLines"/>) as a read-only <see cref="IDecisionLog"/>, so
/// the library's what-if replays it like a host's own log. Records stream from the file; the query's
/// filters apply as the stores apply them.
/// </summary>
internal sealed class JsonLinesDecisionLog(string path) : IDecisionLog
{
    public ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("A JSON Lines export is read-only.");

    public async IAsyncEnumerable<DecisionRecord> ReadAsync(DecisionLogQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: false);
        await foreach (DecisionRecord record in DecisionLogJsonLines.ReadAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            if ((query.From is { } from && record.Timestamp < from)
                || (query.To is { } to && record.Timestamp >= to)
                || (query.AgentId is { } agent && !string.Equals(record.Request.AgentId, agent, StringComparison.Ordinal))
                || (query.CustomerId is { } customer && !string.Equals(record.Request.CustomerId, customer, StringComparison.Ordinal)))
            {
                continue;
            }

            yield return record;
        }
    }
}
