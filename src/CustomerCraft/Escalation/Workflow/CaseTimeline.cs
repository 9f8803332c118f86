using System.Collections;

namespace CustomerCraft.Escalation.Workflow;

/// <summary>
/// An immutable, append-only timeline that shares one growing buffer between versions: appending
/// to the newest version writes the next slot in place (older versions never look past their own
/// count), so a move costs one entry, not a copy of the whole history. Appending to an older
/// version (a lost race) copies.
/// </summary>
internal sealed class CaseTimeline : IReadOnlyList<CaseEvent>
{
    private readonly Buffer _buffer;
    private readonly int _count;

    private CaseTimeline(Buffer buffer, int count)
    {
        _buffer = buffer;
        _count = count;
    }

    public int Count => _count;

    public CaseEvent this[int index] => (uint)index < (uint)_count ? _buffer.Items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public static CaseTimeline Append(IReadOnlyList<CaseEvent> history, CaseEvent entry)
    {
        if (history is CaseTimeline timeline)
        {
            Buffer buffer = timeline._buffer;
            int count = timeline._count;
            // Claim the next slot only if nobody has appended to this buffer past our count.
            if (count < buffer.Items.Length && Interlocked.CompareExchange(ref buffer.Used, count + 1, count) == count)
            {
                buffer.Items[count] = entry;
                return new CaseTimeline(buffer, count + 1);
            }
        }

        var copy = new Buffer(new CaseEvent[Math.Max(8, (history.Count + 1) * 2)]);
        for (int i = 0; i < history.Count; i++)
        {
            copy.Items[i] = history[i];
        }

        copy.Items[history.Count] = entry;
        copy.Used = history.Count + 1;
        return new CaseTimeline(copy, history.Count + 1);
    }

    public IEnumerator<CaseEvent> GetEnumerator()
    {
        for (int i = 0; i < _count; i++)
        {
            yield return _buffer.Items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Buffer(CaseEvent[] items)
    {
        public readonly CaseEvent[] Items = items;
        public int Used;
    }
}
