namespace CustomerCraft.Retention;

/// <summary>
/// How long CustomerCraft keeps budget charges, grants and decision records, bound from
/// <c>CustomerCraft:Retention</c>. Nothing is removed unless a host runs the pruning, for example
/// with <c>AddRetentionJob()</c> from <c>CustomerCraft.Hosting</c>; read at start-up.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>The default <see cref="KeepPastLongestWindow"/>: one day.</summary>
    public static readonly TimeSpan DefaultKeepPastLongestWindow = TimeSpan.FromDays(1);

    /// <summary>The default <see cref="DecisionRecords"/>: 400 days, a year's audit with a month to spare.</summary>
    public static readonly TimeSpan DefaultDecisionRecords = TimeSpan.FromDays(400);

    /// <summary>The default <see cref="Interval"/>: one hour.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);

    /// <summary>The default <see cref="BatchSize"/>.</summary>
    public const int DefaultBatchSize = 1000;

    /// <summary>The largest <see cref="BatchSize"/>.</summary>
    public const int MaxBatchSize = 100_000;

    /// <summary>
    /// How long a customer or agent budget's charges are kept after they leave the longest window
    /// the policy configures for those budgets (a calendar month counts as 32 days, a week as 8, a
    /// day as 2, so daylight saving and any time zone are covered). The margin covers clocks that
    /// differ between instances and a window made longer by a reload; a grant whose every charge
    /// is removed goes with them. Default one day; zero or more.
    /// </summary>
    public TimeSpan KeepPastLongestWindow { get; set; } = DefaultKeepPastLongestWindow;

    /// <summary>
    /// How long a per-incident budget's charges are kept after they were made. Per-incident limits
    /// have no window (they count every grant ever made on the incident), so removing a charge
    /// changes the decisions on that incident: set it to longer than any incident stays open.
    /// Default <see langword="null"/>: never removed (and so neither are the grants that made them,
    /// except voided ones).
    /// </summary>
    public TimeSpan? IncidentBudgets { get; set; }

    /// <summary>
    /// How long decision log records are kept (the audit period). Default 400 days;
    /// <see langword="null"/> keeps them for ever. More than zero.
    /// </summary>
    public TimeSpan? DecisionRecords { get; set; } = DefaultDecisionRecords;

    /// <summary>How often the retention job prunes. Default one hour; between one minute and one day.</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>
    /// How many rows one pruning statement removes at most; each batch is its own short transaction,
    /// so a large backlog never holds locks for long. Default 1,000; between 1 and 100,000.
    /// </summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>Lists what is wrong with these settings, each message starting with the setting's path.</summary>
    internal IEnumerable<string> Validate(string path)
    {
        if (KeepPastLongestWindow < TimeSpan.Zero)
        {
            yield return $"{path}:KeepPastLongestWindow: {KeepPastLongestWindow} must be zero or more.";
        }

        if (IncidentBudgets is { } incident && incident <= TimeSpan.Zero)
        {
            yield return $"{path}:IncidentBudgets: {incident} must be more than zero (omit it to keep incident budgets for ever).";
        }

        if (DecisionRecords is { } decisions && decisions <= TimeSpan.Zero)
        {
            yield return $"{path}:DecisionRecords: {decisions} must be more than zero (set it to null to keep decision records for ever).";
        }

        if (Interval < TimeSpan.FromMinutes(1) || Interval > TimeSpan.FromDays(1))
        {
            yield return $"{path}:Interval: {Interval} must be between 00:01:00 and 1.00:00:00.";
        }

        if (BatchSize < 1 || BatchSize > MaxBatchSize)
        {
            yield return $"{path}:BatchSize: {BatchSize} must be between 1 and {MaxBatchSize}.";
        }
    }
}
