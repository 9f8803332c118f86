namespace CustomerCraft.Escalation.Sla;

/// <summary>The escalation options compiled and validated: the ladder by level number, the calendar and warning fractions.</summary>
internal sealed class EscalationPolicy
{
    public static readonly double[] DefaultWarningFractions = [0.5, 0.75];

    public static EscalationPolicy Empty { get; } = new() { Levels = [], WarningFractions = DefaultWarningFractions, Calendar = null };

    /// <summary>The ladder; index is the level number (0 is the front line).</summary>
    public required LevelEntry[] Levels { get; init; }

    /// <summary>Warning fractions, ascending.</summary>
    public required double[] WarningFractions { get; init; }

    /// <summary>The business calendar, when any level counts business hours.</summary>
    public required BusinessCalendar? Calendar { get; init; }

    public int TopLevel => Levels.Length - 1;

    /// <summary>The lowest level above the front line whose role ranks at least <paramref name="rank"/>, or -1.</summary>
    public int ApprovalLevelFor(int rank)
    {
        for (int i = 1; i < Levels.Length; i++)
        {
            if (Levels[i].Rank >= rank)
            {
                return i;
            }
        }

        return -1;
    }

    public LevelEntry? Level(int level) => (uint)level < (uint)Levels.Length ? Levels[level] : null;

    /// <summary>Adds <paramref name="duration"/> of <paramref name="clock"/> time to <paramref name="start"/>.</summary>
    public DateTimeOffset Add(SlaClock clock, DateTimeOffset start, TimeSpan duration) =>
        clock == SlaClock.BusinessHours && Calendar is { } calendar ? calendar.Add(start, duration)
        : duration <= TimeSpan.Zero ? start
        : start + duration;

    /// <summary>The <paramref name="clock"/> time between two instants (zero when <paramref name="to"/> is not later).</summary>
    public TimeSpan Between(SlaClock clock, DateTimeOffset from, DateTimeOffset to) =>
        clock == SlaClock.BusinessHours && Calendar is { } calendar ? calendar.Between(from, to)
        : to > from ? to - from
        : TimeSpan.Zero;
}

/// <summary>One compiled rung of the ladder.</summary>
internal sealed record LevelEntry(
    int Number,
    string Name,
    string DisplayName,
    string Role,
    int Rank,
    SlaTargets[] Targets,
    SlaBreachAction OnBreach,
    TimeSpan? ApprovalTimeout,
    SlaBreachAction OnApprovalTimeout,
    SlaClock Clock,
    string Path)
{
    public SlaTargets TargetsFor(CasePriority priority) => (uint)priority < (uint)Targets.Length ? Targets[(int)priority] : default;
}

/// <summary>The targets for one priority at one level.</summary>
internal readonly record struct SlaTargets(TimeSpan? Response, TimeSpan? Resolution);
