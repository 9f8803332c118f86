using System.Runtime.CompilerServices;
using CustomerCraft.Insight;

namespace CustomerCraft.Tests.Insight;

/// <summary>The what-if's read-ahead: a sequence read on a task of its own, in batches, through a bounded channel.</summary>
public class ReadAheadTests
{
    [Fact]
    public async Task BatchesAsync_WholeSequence_YieldsEveryItemInOrderInBatches()
    {
        List<int[]> batches = [];
        await foreach (ArraySegment<int> batch in ReadAhead.BatchesAsync(Numbers(10), batchSize: 3, capacity: 2))
        {
            batches.Add([.. batch]);
        }

        batches.Select(b => b.Length).Should().Equal(3, 3, 3, 1);
        batches.SelectMany(b => b).Should().Equal(Enumerable.Range(0, 10));
    }

    [Fact]
    public async Task BatchesAsync_EmptySequence_YieldsNothing()
    {
        int batches = 0;
        await foreach (ArraySegment<int> _ in ReadAhead.BatchesAsync(Numbers(0), batchSize: 4, capacity: 1))
        {
            batches++;
        }

        batches.Should().Be(0);
    }

    [Fact]
    public async Task BatchesAsync_SourceFailsHalfWay_GivesTheBatchesReadBeforeThenThrowsTheSourcesOwnException()
    {
        var failing = new InvalidDataException("Line 7: not a decision record.");
        List<int> seen = [];

        Func<Task> consume = async () =>
        {
            await foreach (ArraySegment<int> batch in ReadAhead.BatchesAsync(Failing(6, failing), batchSize: 3, capacity: 4))
            {
                seen.AddRange(batch);
            }
        };

        (await consume.Should().ThrowExactlyAsync<InvalidDataException>()).Which.Should().BeSameAs(failing);
        seen.Should().Equal(0, 1, 2, 3, 4, 5);
    }

    [Fact]
    public async Task BatchesAsync_ConsumerStopsEarly_CancelsTheSourceAndWaitsForItToFinish()
    {
        var source = new EndlessSource();
        await foreach (ArraySegment<int> batch in ReadAhead.BatchesAsync(source.ReadAsync(), batchSize: 2, capacity: 1))
        {
            break;
        }

        // Disposing the enumerator waited for the reader, which was blocked on the full channel.
        source.Finished.Should().BeTrue();
        source.Cancelled.Should().BeTrue();
    }

    [Fact]
    public async Task BatchesAsync_ConsumerFails_CancelsTheSourceAndKeepsTheConsumersException()
    {
        var source = new EndlessSource();
        Func<Task> consume = async () =>
        {
            await foreach (ArraySegment<int> _ in ReadAhead.BatchesAsync(source.ReadAsync(), batchSize: 2, capacity: 1))
            {
                throw new InvalidOperationException("The replay failed.");
            }
        };

        await consume.Should().ThrowExactlyAsync<InvalidOperationException>().WithMessage("The replay failed.");
        source.Finished.Should().BeTrue();
        source.Cancelled.Should().BeTrue();
    }

    [Fact]
    public async Task BatchesAsync_CallerCancels_StopsReadingAndThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var source = new EndlessSource();
        Func<Task> consume = async () =>
        {
            await foreach (ArraySegment<int> _ in ReadAhead.BatchesAsync(source.ReadAsync(), batchSize: 2, capacity: 1, cancellation.Token))
            {
                await cancellation.CancelAsync();
            }
        };

        await consume.Should().ThrowAsync<OperationCanceledException>();
        source.Finished.Should().BeTrue();
    }

    private static async IAsyncEnumerable<int> Numbers(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> Failing(int before, Exception failure)
    {
        for (int i = 0; i < before; i++)
        {
            await Task.Yield();
            yield return i;
        }

        throw failure;
    }

    /// <summary>Never ends by itself; says whether its enumeration finished (its finally ran) and saw the cancellation.</summary>
    private sealed class EndlessSource
    {
        public bool Finished { get; private set; }

        public bool Cancelled { get; private set; }

        public async IAsyncEnumerable<int> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            try
            {
                for (int i = 0; ; i++)
                {
                    await Task.Yield();
                    yield return i;
                }
            }
            finally
            {
                Cancelled = cancellationToken.IsCancellationRequested;
                Finished = true;
            }
        }
    }
}
