using System.Collections.Concurrent;
using System.Globalization;
using CustomerCraft.Coaching;

namespace CustomerCraft.Samples.SupportDesk;

/// <summary>
/// The interactions reviewed since the app started, for the metrics. In memory: CustomerCraft
/// keeps cases, grants and decisions, while transcripts belong to the host's contact center system.
/// </summary>
public sealed class InteractionArchive
{
    private readonly ConcurrentQueue<Interaction> _interactions = new();
    private int _next;

    public IReadOnlyCollection<Interaction> All => _interactions;

    public string NextId() => "I-" + Interlocked.Increment(ref _next).ToString("D4", CultureInfo.InvariantCulture);

    public void Add(Interaction interaction) => _interactions.Enqueue(interaction);
}
