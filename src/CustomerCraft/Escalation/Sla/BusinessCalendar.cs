using System.Diagnostics;

namespace CustomerCraft.Escalation.Sla;

/// <summary>
/// Business hours in a time zone, with holidays; used to count SLA targets in business time.
/// </summary>
/// <remarks>
/// <para>
/// Opening hours are wall-clock times of <see cref="TimeZone"/>, so an interval's real length follows the
/// zone's daylight saving rules: in America/New_York a 00:00-24:00 day lasts 23 hours on the day clocks
/// spring forward and 25 hours on the day they fall back, while 09:00-17:00 stays 8 hours on ordinary days.
/// </para>
/// <para>
/// Wall-clock times are mapped to instants as follows. A time skipped by a spring-forward gap maps to the
/// first instant after the gap. A time repeated by a fall-back overlap maps to its earlier occurrence when it
/// opens an interval and to its later occurrence when it closes one, so an interval covering the repeated
/// hour covers both occurrences. Where that makes an interval overlap the one before it in real time, the
/// shared time is counted once.
/// </para>
/// <para>
/// All results are UTC instants (offset zero). The type is immutable and safe to share between threads;
/// <see cref="IsOpenAt"/>, <see cref="Add"/> and <see cref="Between"/> do not allocate.
/// </para>
/// </remarks>
internal sealed class BusinessCalendar
{
    private const long TicksPerDay = TimeSpan.TicksPerDay;

    // A calendar whose remaining days are all holidays would otherwise be searched to the end of time.
    private const int MaxClosedDays = 3653;

    // TimeZoneInfo exposes offsets but not its transitions, so offset changes are found by probing. Two
    // probes at most this far apart that agree are taken to mean no change in between, which assumes no
    // zone changes its offset and back again within nine days (true of modern rules, whose changes are
    // months apart). A local day needs three days of UTC around it (offsets reach 14 hours either way) and
    // a local week nine, so one pair of probes settles a whole week.
    private const long SteadySpanTicks = 9 * TicksPerDay;

    private static readonly int MaxDayNumber = DateOnly.MaxValue.DayNumber;
    private static readonly long MaxTicks = DateTime.MaxValue.Ticks;

    // Indexed by (int)DayOfWeek; spans are offsets from local midnight in ticks.
    private readonly OpenSpan[][] _hoursByDay;

    // Sorted and distinct: a sweep walks days in order and only ever needs the next holiday, which a
    // forward-moving index finds without hashing, and "is there a holiday this week" is one comparison.
    private readonly int[] _holidayDayNumbers;

    private readonly long _weeklyOpenTicks;

    // Zones without adjustment rules (UTC, fixed offsets) never change offset: skip the zone lookups.
    private readonly bool _hasConstantOffset;
    private readonly long _constantOffsetTicks;

    /// <summary>Creates a calendar.</summary>
    /// <param name="timeZone">The zone whose wall clock the opening hours and holidays are expressed in.</param>
    /// <param name="weeklyHours">
    /// For each day of the week, its open intervals in local wall-clock time, each with
    /// <c>0 &lt;= Start &lt; End &lt;= 24:00</c> (an end of 24:00 means until midnight), sorted and not
    /// overlapping. A day that is missing or has no intervals is closed. The caller validates the intervals.
    /// </param>
    /// <param name="holidays">Local dates that have no open hours.</param>
    public BusinessCalendar(
        TimeZoneInfo timeZone,
        IReadOnlyDictionary<DayOfWeek, IReadOnlyList<(TimeSpan Start, TimeSpan End)>> weeklyHours,
        IEnumerable<DateOnly> holidays)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        ArgumentNullException.ThrowIfNull(weeklyHours);
        ArgumentNullException.ThrowIfNull(holidays);

        TimeZone = timeZone;
        _hoursByDay = new OpenSpan[7][];
        long weekly = 0;
        for (int day = 0; day < 7; day++)
        {
            if (!weeklyHours.TryGetValue((DayOfWeek)day, out IReadOnlyList<(TimeSpan Start, TimeSpan End)>? intervals)
                || intervals is null
                || intervals.Count == 0)
            {
                _hoursByDay[day] = [];
                continue;
            }

            var spans = new OpenSpan[intervals.Count];
            for (int i = 0; i < spans.Length; i++)
            {
                (TimeSpan start, TimeSpan end) = intervals[i];
                Debug.Assert(start >= TimeSpan.Zero && start < end && end.Ticks <= TicksPerDay, "Each interval needs 0 <= Start < End <= 24:00.");
                Debug.Assert(i == 0 || start >= intervals[i - 1].End, "Intervals must be sorted and must not overlap.");
                spans[i] = new OpenSpan(start.Ticks, end.Ticks);
                weekly += end.Ticks - start.Ticks;
            }

            _hoursByDay[day] = spans;
        }

        _weeklyOpenTicks = weekly;

        var dayNumbers = new SortedSet<int>();
        foreach (DateOnly holiday in holidays)
        {
            dayNumbers.Add(holiday.DayNumber);
        }

        _holidayDayNumbers = [.. dayNumbers];

        _hasConstantOffset = timeZone.GetAdjustmentRules().Length == 0;
        _constantOffsetTicks = timeZone.BaseUtcOffset.Ticks;
    }

    /// <summary>The zone whose wall clock the opening hours and holidays are expressed in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Whether <paramref name="instant"/> falls in open time.</summary>
    /// <param name="instant">Any instant; its offset does not matter.</param>
    /// <returns>
    /// <see langword="true"/> when an open interval contains the instant (intervals include their start and
    /// exclude their end), consistent with <see cref="Between"/> counting the tick that starts there.
    /// </returns>
    public bool IsOpenAt(DateTimeOffset instant)
    {
        if (_weeklyOpenTicks == 0)
        {
            return false;
        }

        long t = instant.UtcTicks;
        int day = LocalDayNumber(t);
        var cursor = new Cursor(this, day - 1);
        while (cursor.Next(day + 1, out long start, out long end))
        {
            if (start > t)
            {
                return false;
            }

            if (t < end)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The earliest instant at which <paramref name="businessDuration"/> of open time has elapsed, counting
    /// from <paramref name="start"/>.
    /// </summary>
    /// <param name="start">Where counting begins; it may lie in open or closed time.</param>
    /// <param name="businessDuration">The open time to count.</param>
    /// <returns>
    /// A UTC instant <c>r</c> with <c>Between(start, r) == businessDuration</c>. When the duration is positive,
    /// <c>r</c> lies inside an open interval or exactly at its end, never in the closed time after it. When it
    /// is zero or negative, <paramref name="start"/> itself (as UTC).
    /// </returns>
    /// <exception cref="InvalidOperationException">
    /// The calendar has no open hours, or no open time was found within about ten years (e.g. holidays cover
    /// every remaining day).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The result would lie beyond <see cref="DateTimeOffset.MaxValue"/>.</exception>
    public DateTimeOffset Add(DateTimeOffset start, TimeSpan businessDuration)
    {
        if (businessDuration <= TimeSpan.Zero)
        {
            return start.ToUniversalTime();
        }

        if (_weeklyOpenTicks == 0)
        {
            throw new InvalidOperationException("The business calendar has no open hours on any day of the week, so no business time can elapse.");
        }

        long from = start.UtcTicks;
        long remaining = businessDuration.Ticks;
        int fromDay = LocalDayNumber(from);

        // Start a day early: after a fall-back at midnight, the previous local day's last interval can still
        // be running at `from`.
        var cursor = new Cursor(this, fromDay - 1);
        while (true)
        {
            // Whole weeks without holidays or offset changes hold exactly the weekly total, so long targets
            // cost one step per week instead of one per day. Only skip when the target lies beyond the week:
            // the result must be found span by span to be the earliest instant.
            if (remaining > _weeklyOpenTicks
                && cursor.AtDayBoundary
                && cursor.NextDay > fromDay
                && cursor.TryGetPlainWeek(out long weekStart, out long weekEnd)
                && weekStart >= from)
            {
                remaining -= _weeklyOpenTicks;
                cursor.SkipWeek(weekEnd);
                continue;
            }

            if (!cursor.Next(cursor.NextDay + MaxClosedDays, out long spanStart, out long spanEnd))
            {
                if (cursor.NextDay > MaxDayNumber)
                {
                    throw new ArgumentOutOfRangeException(nameof(businessDuration), businessDuration, "Adding this much business time goes beyond the last representable date.");
                }

                throw new InvalidOperationException("The business calendar has no open time in the ten years after the point reached; check its holidays.");
            }

            if (spanEnd <= from)
            {
                continue;
            }

            spanStart = Math.Max(spanStart, from);
            long available = spanEnd - spanStart;
            if (remaining <= available)
            {
                long result = spanStart + remaining;
                if (result > MaxTicks)
                {
                    throw new ArgumentOutOfRangeException(nameof(businessDuration), businessDuration, "Adding this much business time goes beyond the last representable date.");
                }

                return new DateTimeOffset(result, TimeSpan.Zero);
            }

            remaining -= available;
        }
    }

    /// <summary>The open time in <c>[from, to)</c>.</summary>
    /// <param name="from">The inclusive start of the range.</param>
    /// <param name="to">The exclusive end of the range.</param>
    /// <returns>The open time in the range; <see cref="TimeSpan.Zero"/> when <paramref name="to"/> is not after <paramref name="from"/>.</returns>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        long f = from.UtcTicks;
        long t = to.UtcTicks;
        if (t <= f || _weeklyOpenTicks == 0)
        {
            return TimeSpan.Zero;
        }

        int fromDay = LocalDayNumber(f);
        int toDay = LocalDayNumber(t);

        // Same day-early start as Add, so both walk the same spans and Between(s, Add(s, d)) == d exactly.
        var cursor = new Cursor(this, fromDay - 1);
        long total = 0;
        while (true)
        {
            if (cursor.AtDayBoundary
                && cursor.NextDay > fromDay
                && cursor.NextDay + 7 <= toDay
                && cursor.TryGetPlainWeek(out long weekStart, out long weekEnd)
                && weekStart >= f
                && weekEnd <= t)
            {
                total += _weeklyOpenTicks;
                cursor.SkipWeek(weekEnd);
                continue;
            }

            // The day after `to`'s local day can only matter after a fall-back at midnight.
            if (!cursor.Next(toDay + 1, out long spanStart, out long spanEnd) || spanStart >= t)
            {
                break;
            }

            if (spanEnd > f)
            {
                total += Math.Min(spanEnd, t) - Math.Max(spanStart, f);
            }
        }

        return new TimeSpan(total);
    }

    private long OffsetTicksAt(long utcTicks)
    {
        if (_hasConstantOffset)
        {
            return _constantOffsetTicks;
        }

        long clamped = Math.Clamp(utcTicks, 0, MaxTicks);
        return TimeZone.GetUtcOffset(new DateTime(clamped, DateTimeKind.Utc)).Ticks;
    }

    private int LocalDayNumber(long utcTicks)
    {
        long local = Math.Clamp(utcTicks + OffsetTicksAt(utcTicks), 0, MaxTicks);
        return (int)(local / TicksPerDay);
    }

    /// <summary>
    /// Maps a local wall-clock time near an offset change to an instant, where the plain
    /// <c>local - offset</c> is ambiguous or invalid.
    /// </summary>
    private long ResolveNearTransition(long localTicks, bool isEnd, long offsetBefore, long offsetAfter)
    {
        long underBefore = localTicks - offsetBefore;
        long underAfter = localTicks - offsetAfter;
        bool beforeValid = OffsetTicksAt(underBefore) == offsetBefore;
        bool afterValid = OffsetTicksAt(underAfter) == offsetAfter;
        if (beforeValid && afterValid)
        {
            // Repeated by a fall-back: opening at the first occurrence and closing at the last keeps every
            // instant whose wall clock lies inside the interval.
            return isEnd ? Math.Max(underBefore, underAfter) : Math.Min(underBefore, underAfter);
        }

        if (beforeValid)
        {
            return underBefore;
        }

        if (afterValid)
        {
            return underAfter;
        }

        // Skipped by a spring-forward: the transition instant lies between the two candidates. Zones do not
        // expose it, so bisect on the offset (about 35 lookups for an hour's gap; only on transition days).
        long low = Math.Min(underBefore, underAfter);
        long high = Math.Max(underBefore, underAfter);
        if (OffsetTicksAt(high) != offsetAfter)
        {
            return high;
        }

        while (high - low > 1)
        {
            long middle = low + ((high - low) / 2);
            if (OffsetTicksAt(middle) == offsetAfter)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return high;
    }

    /// <summary>An open interval as ticks from local midnight.</summary>
    private readonly record struct OpenSpan(long Start, long End);

    /// <summary>
    /// Walks the open intervals as UTC instants, in order, one local day at a time. A mutable struct so a
    /// walk allocates nothing; keep it in a local variable.
    /// </summary>
    private struct Cursor
    {
        private readonly BusinessCalendar _calendar;
        private OpenSpan[] _spans;
        private int _index;
        private long _dayStartTicks;
        private long _offsetBefore;
        private long _offsetAfter;
        private int _nextDay;
        private int _holidayIndex;
        private long _lastEnd;

        // A UTC range known to have one offset, remembered so consecutive days and weeks cost about one
        // zone lookup per week instead of two per day.
        private long _steadyFrom;
        private long _steadyTo;
        private long _steadyOffset;

        public Cursor(BusinessCalendar calendar, int firstDay)
        {
            _calendar = calendar;
            _spans = [];
            _index = 0;
            _dayStartTicks = 0;
            _offsetBefore = 0;
            _offsetAfter = 0;
            _steadyFrom = long.MaxValue;
            _steadyTo = long.MinValue;
            _steadyOffset = 0;
            _nextDay = Math.Max(firstDay, 0);
            int found = Array.BinarySearch(calendar._holidayDayNumbers, _nextDay);
            _holidayIndex = found >= 0 ? found : ~found;
            _lastEnd = long.MinValue;
        }

        /// <summary>The local day number the cursor loads next.</summary>
        public readonly int NextDay => _nextDay;

        /// <summary>Whether every span of the loaded day has been returned.</summary>
        public readonly bool AtDayBoundary => _index >= _spans.Length;

        /// <summary>
        /// The next non-empty open interval <c>[start, end)</c> in UTC ticks; <see langword="false"/> once days
        /// after <paramref name="lastDay"/> (or the last representable date) would have to be loaded.
        /// </summary>
        public bool Next(int lastDay, out long start, out long end)
        {
            while (true)
            {
                while (_index < _spans.Length)
                {
                    OpenSpan span = _spans[_index++];
                    long s = ToUtc(_dayStartTicks + span.Start, isEnd: false);
                    long e = ToUtc(_dayStartTicks + span.End, isEnd: true);

                    // After a fall-back, an interval's opening (earlier occurrence) can precede the previous
                    // interval's closing (later occurrence); count the shared time once.
                    if (s < _lastEnd)
                    {
                        s = _lastEnd;
                    }

                    // Empty when a spring-forward gap swallowed the whole interval.
                    if (e > s)
                    {
                        _lastEnd = e;
                        start = s;
                        end = e;
                        return true;
                    }
                }

                if (_nextDay > lastDay || _nextDay > MaxDayNumber)
                {
                    start = 0;
                    end = 0;
                    return false;
                }

                LoadDay();
            }
        }

        /// <summary>
        /// When the seven days from <see cref="NextDay"/> have no holiday and no offset change, their bounds
        /// in UTC ticks; such a week holds exactly the weekly open total.
        /// </summary>
        public bool TryGetPlainWeek(out long weekStart, out long weekEnd)
        {
            Debug.Assert(AtDayBoundary, "Weeks are only skipped between days.");
            weekStart = 0;
            weekEnd = 0;
            int day = _nextDay;
            if (day > MaxDayNumber - 7 || NextHolidayFrom(day) < day + 7)
            {
                return false;
            }

            long localStart = day * TicksPerDay;
            long localEnd = localStart + (7 * TicksPerDay);

            // A day beyond each end covers every UTC instant of the week whatever the offset.
            if (!TryGetSteadyOffset(localStart - TicksPerDay, localEnd + TicksPerDay, out long offset, out _))
            {
                return false;
            }

            weekStart = localStart - offset;
            weekEnd = localEnd - offset;
            return true;
        }

        /// <summary>Moves past the week returned by <see cref="TryGetPlainWeek"/>.</summary>
        public void SkipWeek(long weekEnd)
        {
            _nextDay += 7;
            _lastEnd = Math.Max(_lastEnd, weekEnd);
        }

        private void LoadDay()
        {
            int day = _nextDay++;
            _index = 0;
            _dayStartTicks = day * TicksPerDay;
            _spans = NextHolidayFrom(day) == day ? [] : _calendar._hoursByDay[(day + 1) % 7]; // day number 0 was a Monday
            if (_spans.Length == 0)
            {
                return;
            }

            // With one offset from a day before to a day after, every wall time of this day maps with it and
            // the transition logic is not needed.
            _ = TryGetSteadyOffset(_dayStartTicks - TicksPerDay, _dayStartTicks + (2 * TicksPerDay), out _offsetBefore, out _offsetAfter);
        }

        /// <summary>
        /// Whether one offset holds over the UTC range <c>[windowStart, windowEnd]</c> (at most
        /// <see cref="SteadySpanTicks"/> long); either way, the offsets at its two ends.
        /// </summary>
        private bool TryGetSteadyOffset(long windowStart, long windowEnd, out long offsetAtStart, out long offsetAtEnd)
        {
            Debug.Assert(windowEnd - windowStart <= SteadySpanTicks, "Probes further apart could miss a change and its reversal.");
            if (_calendar._hasConstantOffset)
            {
                offsetAtStart = offsetAtEnd = _calendar._constantOffsetTicks;
                return true;
            }

            if (windowStart >= _steadyFrom && windowStart <= _steadyTo)
            {
                if (windowEnd <= _steadyTo)
                {
                    offsetAtStart = offsetAtEnd = _steadyOffset;
                    return true;
                }

                // One probe a steady span past the window's start extends the known range (its end lies within
                // that span of the old end) and covers the next several days too.
                long extendTo = windowStart + SteadySpanTicks;
                if (_calendar.OffsetTicksAt(extendTo) == _steadyOffset)
                {
                    _steadyTo = extendTo;
                    offsetAtStart = offsetAtEnd = _steadyOffset;
                    return true;
                }
            }

            offsetAtStart = _calendar.OffsetTicksAt(windowStart);
            long probeTo = windowStart + SteadySpanTicks;
            if (_calendar.OffsetTicksAt(probeTo) == offsetAtStart)
            {
                Remember(windowStart, probeTo, offsetAtStart);
                offsetAtEnd = offsetAtStart;
                return true;
            }

            // A change lies within the steady span; look only at the requested window.
            offsetAtEnd = _calendar.OffsetTicksAt(windowEnd);
            if (offsetAtEnd == offsetAtStart)
            {
                Remember(windowStart, windowEnd, offsetAtStart);
                return true;
            }

            return false;
        }

        private void Remember(long from, long to, long offset)
        {
            _steadyFrom = from;
            _steadyTo = to;
            _steadyOffset = offset;
        }

        private readonly long ToUtc(long localTicks, bool isEnd) =>
            _offsetBefore == _offsetAfter
                ? localTicks - _offsetBefore
                : _calendar.ResolveNearTransition(localTicks, isEnd, _offsetBefore, _offsetAfter);

        /// <summary>The first holiday on or after <paramref name="day"/>, or <see cref="int.MaxValue"/>; days are only ever asked in ascending order.</summary>
        private int NextHolidayFrom(int day)
        {
            int[] holidays = _calendar._holidayDayNumbers;
            while (_holidayIndex < holidays.Length && holidays[_holidayIndex] < day)
            {
                _holidayIndex++;
            }

            return _holidayIndex < holidays.Length ? holidays[_holidayIndex] : int.MaxValue;
        }
    }
}
