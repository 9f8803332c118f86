using CustomerCraft.Coaching;
using CustomerCraft.Escalation;

namespace CustomerCraft.Insight;

/// <summary>
/// Computes service metrics (CSAT, NPS, CES, first contact resolution, SLA compliance, escalation
/// rate and approval turnaround) over interactions and cases, for everyone or per agent or team,
/// over all time or per day, week or month. Every definition is in docs/metrics.md.
/// </summary>
/// <remarks>
/// The computation is pure and takes O(n log n) time: nothing is cached and the inputs are read
/// once. Out-of-range answers are counted in <see cref="MetricValue.Excluded"/> instead of being
/// used or thrown on, and a metric with nothing to count has a <see langword="null"/> value, never NaN.
/// </remarks>
public static class ServiceMetrics
{
    /// <summary>Computes the metrics, grouped and split as asked.</summary>
    /// <param name="interactions">The interactions (surveys and first contact resolution).</param>
    /// <param name="cases">The support cases (SLA compliance, escalation rate and approval turnaround).</param>
    /// <param name="grouping">Who each row is about: everyone, each agent or each team.</param>
    /// <param name="period">The calendar periods rows are split into.</param>
    /// <param name="timeZone">The time zone of the periods; <see langword="null"/> means UTC.</param>
    /// <param name="teamOfAgent">The team of an agent id, for cases (and interactions without a <see cref="Interaction.TeamId"/>).</param>
    /// <returns>The metrics for everyone and the rows asked for.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="interactions"/> or <paramref name="cases"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An interaction or a case is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="grouping"/> or <paramref name="period"/> is not a defined value.</exception>
    public static ServiceMetricsReport Compute(
        IEnumerable<Interaction> interactions,
        IEnumerable<SupportCase> cases,
        MetricsGrouping grouping = MetricsGrouping.None,
        MetricsPeriod period = MetricsPeriod.All,
        TimeZoneInfo? timeZone = null,
        Func<string, string?>? teamOfAgent = null)
    {
        if (!Enum.IsDefined(grouping))
        {
            throw new ArgumentOutOfRangeException(nameof(grouping), grouping, "Unknown MetricsGrouping.");
        }

        if (!Enum.IsDefined(period))
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown MetricsPeriod.");
        }

        return Compute(interactions, cases, new ServiceMetricsOptions
        {
            Grouping = grouping,
            Period = period,
            TimeZone = timeZone,
            TeamOfAgent = teamOfAgent,
        });
    }

    /// <summary>Computes the metrics as <paramref name="options"/> say.</summary>
    /// <param name="interactions">The interactions (surveys and first contact resolution).</param>
    /// <param name="cases">The support cases (SLA compliance, escalation rate and approval turnaround).</param>
    /// <param name="options">Grouping, periods, time zone, teams and which cases are under an SLA.</param>
    /// <returns>The metrics for everyone and the rows asked for.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An interaction or a case is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is not a defined value.</exception>
    public static ServiceMetricsReport Compute(IEnumerable<Interaction> interactions, IEnumerable<SupportCase> cases, ServiceMetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(interactions);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(options);
        MetricsGrouping grouping = options.Grouping;
        MetricsPeriod period = options.Period;
        DayOfWeek firstDayOfWeek = options.FirstDayOfWeek;
        if (!Enum.IsDefined(grouping))
        {
            throw new ArgumentOutOfRangeException(nameof(options), grouping, "Unknown MetricsGrouping.");
        }

        if (!Enum.IsDefined(period))
        {
            throw new ArgumentOutOfRangeException(nameof(options), period, "Unknown MetricsPeriod.");
        }

        if (!Enum.IsDefined(firstDayOfWeek))
        {
            throw new ArgumentOutOfRangeException(nameof(options), firstDayOfWeek, "Unknown FirstDayOfWeek.");
        }

        TimeZoneInfo zone = options.TimeZone ?? TimeZoneInfo.Utc;
        Func<string, string?>? teamOfAgent = options.TeamOfAgent;
        Func<SupportCase, bool>? slaApplies = options.SlaApplies;
        bool split = grouping != MetricsGrouping.None || period != MetricsPeriod.All;

        var overall = new MetricsAccumulator();
        var rows = split ? new Dictionary<RowKey, MetricsAccumulator>() : null;
        int undatedInteractions = 0, undatedCases = 0;

        int index = 0;
        foreach (Interaction interaction in interactions)
        {
            if (interaction is null)
            {
                throw new ArgumentException($"The interaction at index {index} is null.", nameof(interactions));
            }

            index++;
            overall.Add(interaction);
            if (rows is null)
            {
                continue;
            }

            DateOnly? periodStart = null;
            if (period != MetricsPeriod.All)
            {
                periodStart = EarliestTurn(interaction) is { } at ? LocalPeriods.StartDate(at, period, zone, firstDayOfWeek) : null;
                if (periodStart is null)
                {
                    undatedInteractions++;
                    continue;
                }
            }

            string? key = grouping switch
            {
                MetricsGrouping.Agent => interaction.AgentId,
                MetricsGrouping.Team => interaction.TeamId ?? (interaction.AgentId is { } agent ? teamOfAgent?.Invoke(agent) : null),
                _ => null,
            };
            RowFor(rows, new RowKey(key, periodStart)).Add(interaction);
        }

        var turnarounds = new List<long>();
        var approvals = new Dictionary<string, ApprovalState>(StringComparer.Ordinal);
        index = 0;
        foreach (SupportCase supportCase in cases)
        {
            if (supportCase is null)
            {
                throw new ArgumentException($"The case at index {index} is null.", nameof(cases));
            }

            index++;
            CaseFacts facts = CaseFacts.Read(supportCase, slaApplies?.Invoke(supportCase) ?? true, turnarounds, approvals);
            overall.Add(facts, turnarounds);
            if (rows is null)
            {
                continue;
            }

            DateOnly? periodStart = null;
            if (period != MetricsPeriod.All)
            {
                periodStart = OpenedAt(supportCase) is { } at ? LocalPeriods.StartDate(at, period, zone, firstDayOfWeek) : null;
                if (periodStart is null)
                {
                    undatedCases++;
                    continue;
                }
            }

            string? owner = supportCase.Owner?.Id;
            string? key = grouping switch
            {
                MetricsGrouping.Agent => owner,
                MetricsGrouping.Team => owner is null ? null : teamOfAgent?.Invoke(owner),
                _ => null,
            };
            RowFor(rows, new RowKey(key, periodStart)).Add(facts, turnarounds);
        }

        ServiceMetricsRow overallRow = overall.ToRow(null, null, null);
        return new ServiceMetricsReport
        {
            Grouping = grouping,
            Period = period,
            TimeZone = zone,
            Overall = overallRow,
            Rows = rows is null ? [overallRow] : ToRows(rows, period, zone),
            UndatedInteractions = undatedInteractions,
            UndatedCases = undatedCases,
        };
    }

    private static MetricsAccumulator RowFor(Dictionary<RowKey, MetricsAccumulator> rows, RowKey key)
    {
        if (!rows.TryGetValue(key, out MetricsAccumulator? row))
        {
            row = new MetricsAccumulator();
            rows.Add(key, row);
        }

        return row;
    }

    private static ServiceMetricsRow[] ToRows(Dictionary<RowKey, MetricsAccumulator> rows, MetricsPeriod period, TimeZoneInfo zone)
    {
        var keys = new RowKey[rows.Count];
        rows.Keys.CopyTo(keys, 0);
        Array.Sort(keys, static (a, b) =>
        {
            int byPeriod = Nullable.Compare(a.PeriodStart, b.PeriodStart);
            if (byPeriod != 0)
            {
                return byPeriod;
            }

            return (a.Key, b.Key) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => string.CompareOrdinal(a.Key, b.Key),
            };
        });

        var result = new ServiceMetricsRow[keys.Length];
        var starts = new Dictionary<DateOnly, DateTimeOffset>();
        for (int i = 0; i < keys.Length; i++)
        {
            RowKey key = keys[i];
            DateTimeOffset? start = null, end = null;
            if (key.PeriodStart is { } first)
            {
                start = StartOf(first, zone, starts);
                end = StartOf(LocalPeriods.NextStart(first, period), zone, starts);
            }

            result[i] = rows[key].ToRow(key.Key, start, end);
        }

        return result;
    }

    private static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone, Dictionary<DateOnly, DateTimeOffset> cache)
    {
        if (!cache.TryGetValue(date, out DateTimeOffset start))
        {
            start = LocalPeriods.StartOfDay(date, zone);
            cache.Add(date, start);
        }

        return start;
    }

    /// <summary>When the interaction started: its earliest turn.</summary>
    private static DateTimeOffset? EarliestTurn(Interaction interaction)
    {
        IReadOnlyList<Turn>? turns = interaction.Turns;
        if (turns is null)
        {
            return null;
        }

        DateTimeOffset? earliest = null;
        for (int i = 0; i < turns.Count; i++)
        {
            if (turns[i] is { } turn && turn.Timestamp != default && (earliest is null || turn.Timestamp < earliest))
            {
                earliest = turn.Timestamp;
            }
        }

        return earliest;
    }

    /// <summary>When the case was opened: <see cref="SupportCase.OpenedAt"/>, or its first timeline entry when that was not set.</summary>
    private static DateTimeOffset? OpenedAt(SupportCase supportCase)
    {
        if (supportCase.OpenedAt != default)
        {
            return supportCase.OpenedAt;
        }

        return supportCase.History is { Count: > 0 } history && history[0] is { } first && first.At != default ? first.At : null;
    }

    private readonly record struct RowKey(string? Key, DateOnly? PeriodStart);
}
