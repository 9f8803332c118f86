using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace CustomerCraft.Insight;

/// <summary>
/// Reads a sequence on a task of its own, a batch at a time, a few batches ahead of whoever
/// consumes it: the what-if reads its history (a database reader parsing each row's JSON) on one
/// core while it replays on another, instead of one after the other (docs/benchmarks.md, "What-if
/// over 1,000,000 decisions"). The channel is bounded, so the reader never runs more than
/// <c>capacity</c> batches ahead and memory stays small. An error of the reader reaches the
/// consumer as that same exception, after the batches read before it; a consumer that stops (a
/// break, an error, a cancellation) cancels the reader and waits for it, so nothing reads on.
/// </summary>
internal static class ReadAhead
{
    /// <summary>The items of <paramref name="source"/> in their order, in batches of at most <paramref name="batchSize"/>.</summary>
    /// <param name="source">The sequence to read; enumerated once, on the thread pool.</param>
    /// <param name="batchSize">Items per batch: large enough that handing a batch over costs nothing per item.</param>
    /// <param name="capacity">Batches read ahead at most.</param>
    /// <param name="cancellationToken">Stops both the reading and the consuming.</param>
    public static async IAsyncEnumerable<ArraySegment<T>> BatchesAsync<T>(
        IAsyncEnumerable<T> source,
        int batchSize,
        int capacity,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Channel<ArraySegment<T>> channel = Channel.CreateBounded<ArraySegment<T>>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task reader = Task.Run(() => ReadAsync(source, channel.Writer, batchSize, stop.Token), CancellationToken.None);
        try
        {
            // WaitToReadAsync throws the exception the reader completed the channel with.
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out ArraySegment<T> batch))
                {
                    yield return batch;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);

            // Never faults: the reader hands its error over through the channel.
            await reader.ConfigureAwait(false);
        }
    }

    private static async Task ReadAsync<T>(IAsyncEnumerable<T> source, ChannelWriter<ArraySegment<T>> writer, int batchSize, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            T[] batch = new T[batchSize];
            int count = 0;
            await foreach (T item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                batch[count++] = item;
                if (count == batchSize)
                {
                    await writer.WriteAsync(new ArraySegment<T>(batch), cancellationToken).ConfigureAwait(false);
                    batch = new T[batchSize];
                    count = 0;
                }
            }

            if (count > 0)
            {
                await writer.WriteAsync(new ArraySegment<T>(batch, 0, count), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Includes the cancellation: a consumer cancelled by its caller sees its own token's
            // exception, and one that stopped early never reads again.
            failure = ex;
        }

        writer.TryComplete(failure);
    }
}
