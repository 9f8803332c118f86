namespace CustomerCraft.Benchmarks;

/// <summary>
/// The system clock shifted by <see cref="Shift"/>, so that a setup can record grants in the past.
/// With a zero shift it costs what <see cref="TimeProvider.System"/> costs (a virtual call to the
/// real UTC clock), so evaluations measured with it pay the real price of reading the time.
/// </summary>
public sealed class ShiftableClock : TimeProvider
{
    /// <summary>Added to the real time.</summary>
    public TimeSpan Shift { get; set; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
}
