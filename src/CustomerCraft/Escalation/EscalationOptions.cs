namespace CustomerCraft.Escalation;

/// <summary>
/// The escalation ladder and its service-level targets, bound from <c>CustomerCraft:Escalation</c>.
/// See docs/configuration.md for every setting with an example.
/// </summary>
public sealed class EscalationOptions
{
    /// <summary>
    /// The ladder, keyed by a name of your choosing. Levels are numbered from 0 (the front line,
    /// where the agent who owns the customer works) upwards without gaps, and each level's role
    /// ranks strictly above the one below. Empty: cases stay at the front line and approvals
    /// cannot be requested.
    /// </summary>
    public Dictionary<string, EscalationLevelOptions> Levels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How targets are counted when a level does not say: calendar time (the default) or business hours.</summary>
    public SlaClock Clock { get; set; } = SlaClock.Calendar;

    /// <summary>The business calendar used by targets counted in business hours.</summary>
    public BusinessCalendarOptions Calendar { get; set; } = new();

    /// <summary>
    /// Fractions of a target at which a warning is raised, each strictly between 0 and 1.
    /// Not set: 0.5 and 0.75.
    /// </summary>
    public List<double>? WarningFractions { get; set; }

    /// <summary>The default <see cref="MaxNoteLength"/>: 8,000 characters, a long e-mail.</summary>
    public const int DefaultMaxNoteLength = 8_000;

    /// <summary>
    /// The longest note (or subject, or rejection reason) a case accepts, in characters; a longer
    /// one is refused with an <see cref="ArgumentException"/> naming the parameter and this setting,
    /// since every note is kept in the case's history for good. At least 1. Read at start-up.
    /// </summary>
    public int MaxNoteLength { get; set; } = DefaultMaxNoteLength;
}

/// <summary>One rung of the escalation ladder.</summary>
public sealed class EscalationLevelOptions
{
    /// <summary>The level number: 0 for the front line, then 1, 2, ... upwards. Required.</summary>
    public int? Level { get; set; }

    /// <summary>The empowerment role that works cases at this level (a key of <c>Empowerment:Roles</c>). Required.</summary>
    public string? Role { get; set; }

    /// <summary>A name for people; defaults to the level's key.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Targets per case priority (<c>Low</c>, <c>Normal</c>, <c>High</c>, <c>Urgent</c>); a priority without targets has no clock at this level.</summary>
    public Dictionary<string, SlaTargetOptions> Targets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What happens when a response or resolution target at this level is breached. Default <see cref="SlaBreachAction.Escalate"/>.</summary>
    public SlaBreachAction OnBreach { get; set; } = SlaBreachAction.Escalate;

    /// <summary>How long an approval request may wait at this level; not set: no approval timeout.</summary>
    public TimeSpan? ApprovalTimeout { get; set; }

    /// <summary>What happens when an approval request times out at this level. Default <see cref="SlaBreachAction.Reroute"/>.</summary>
    public SlaBreachAction OnApprovalTimeout { get; set; } = SlaBreachAction.Reroute;

    /// <summary>Overrides <see cref="EscalationOptions.Clock"/> for this level.</summary>
    public SlaClock? Clock { get; set; }
}

/// <summary>Response and resolution targets for one level and priority.</summary>
public sealed class SlaTargetOptions
{
    /// <summary>Time allowed from the case reaching the level until someone there acts on it.</summary>
    public TimeSpan? Response { get; set; }

    /// <summary>Time allowed from the case reaching the level until it leaves the level resolved or returned.</summary>
    public TimeSpan? Resolution { get; set; }
}

/// <summary>The business calendar: weekly opening hours in a time zone, and holidays.</summary>
public sealed class BusinessCalendarOptions
{
    /// <summary>The IANA (or Windows) time zone id the hours and holidays are in. Default <c>UTC</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Opening hours per day of the week, keyed by day name (<c>Monday</c> ... <c>Sunday</c>), as
    /// <c>"09:00-17:00"</c>, several ranges separated by commas (<c>"09:00-12:00, 13:00-17:00"</c>),
    /// <c>"24:00"</c> as an end for midnight, or <c>"closed"</c>. A day not listed is closed.
    /// </summary>
    public Dictionary<string, string> Hours { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Days with no business hours, keyed by a name of your choosing, as ISO dates (<c>"2026-12-25"</c>).</summary>
    public Dictionary<string, string> Holidays { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>How an SLA target is counted.</summary>
public enum SlaClock
{
    /// <summary>Elapsed wall-clock time, nights and weekends included.</summary>
    Calendar,

    /// <summary>Only the opening hours of the business calendar count.</summary>
    BusinessHours,
}

/// <summary>What happens when a target or an approval timeout is breached.</summary>
public enum SlaBreachAction
{
    /// <summary>The case goes to the next level (a pending approval is withdrawn). At the top: the breach is only recorded.</summary>
    Escalate,

    /// <summary>A pending approval moves to the next level's approvers; a case without one escalates. At the top: the request is denied.</summary>
    Reroute,

    /// <summary>A pending approval is rejected and the case returns to its owner; a case without one only records the breach.</summary>
    Deny,
}
