using System.Collections.Concurrent;
using CustomerCraft.Escalation;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// The timelines this instance last read or wrote, so that loading a case does not read and
/// deserialize its whole history every time. Safe because a timeline is append-only: the first
/// <c>n</c> entries of a case never change, so a cached prefix is extended with the entries stored
/// after it (another instance may have added some) and is never wrong. It also remembers each
/// case's version and entry count, so a save based on a version this instance read knows where
/// the new entries start without asking the database.
/// </summary>
internal sealed class TimelineCache
{
    /// <summary>How many cases are kept; past it the cache starts over (a host with more busy cases reads more).</summary>
    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The cached timeline of <paramref name="caseId"/>, if any.</summary>
    public bool TryGet(string caseId, out Entry entry) => _entries.TryGetValue(caseId, out entry);

    /// <summary>Remembers the timeline of a case as read or written at <paramref name="version"/>.</summary>
    public void Set(string caseId, long version, IReadOnlyList<CaseEvent> history)
    {
        if (_entries.Count >= Capacity && !_entries.ContainsKey(caseId))
        {
            _entries.Clear();
        }

        // A newer version only: a slow reader must not replace what a later save wrote.
        _entries.AddOrUpdate(
            caseId,
            static (_, added) => added,
            static (_, existing, added) => added.Version >= existing.Version ? added : existing,
            new Entry(version, history));
    }

    /// <summary>A case's version and its timeline at that version.</summary>
    public readonly record struct Entry(long Version, IReadOnlyList<CaseEvent> History);
}
