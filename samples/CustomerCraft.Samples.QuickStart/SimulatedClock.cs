namespace CustomerCraft.Samples.QuickStart;

/// <summary>
/// A clock the quick start moves by hand, so the escalation story can skip over a weekend in a
/// second. CustomerCraft reads time only from <see cref="TimeProvider"/>, so a host can do this
/// too (in tests, or to replay a day).
/// </summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>Moves the clock to <paramref name="instant"/> (never backwards).</summary>
    public void MoveTo(DateTimeOffset instant)
    {
        if (instant.UtcTicks < Interlocked.Read(ref _ticks))
        {
            throw new ArgumentOutOfRangeException(nameof(instant), instant, "A clock does not go backwards.");
        }

        Interlocked.Exchange(ref _ticks, instant.UtcTicks);
    }
}
