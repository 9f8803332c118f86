using System.Collections.Concurrent;
using System.Globalization;
using CustomerCraft.Coaching;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Samples.SupportDesk;

/// <summary>
/// The most recent interactions reviewed since the app started (at most
/// <see cref="SupportDeskOptions.ArchiveCapacity"/>; the oldest go first), for the metrics. In
/// memory: CustomerCraft keeps cases, grants and decisions, while transcripts belong to the host's
/// contact center system.
/// </summary>
public sealed class InteractionArchive(IOptions<SupportDeskOptions> options)
{
    private readonly ConcurrentQueue<Interaction> _interactions = new();
    private readonly int _capacity = Math.Max(1, options.Value.ArchiveCapacity);
    private int _next;

    public IReadOnlyCollection<Interaction> All => _interactions;

    public string NextId() => "I-" + Interlocked.Increment(ref _next).ToString("D4", CultureInfo.InvariantCulture);

    public void Add(Interaction interaction)
    {
        _interactions.Enqueue(interaction);
        // Concurrent adds may each drop one: the archive never stays above its capacity for long
        // and never drops below it.
        while (_interactions.Count > _capacity && _interactions.TryDequeue(out _))
        {
        }
    }
}
