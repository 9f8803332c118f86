using CustomerCraft.Escalation.Sla;

namespace CustomerCraft.Tests.Escalation;

public class BusinessCalendarTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static readonly DayOfWeek[] Weekdays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private static readonly DayOfWeek[] EveryDay =
        [DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday];

    // ---- helpers -------------------------------------------------------------------------------

    private static TimeSpan H(double hours) => TimeSpan.FromHours(hours);

    private static (TimeSpan Start, TimeSpan End) Span(double startHour, double endHour) => (H(startHour), H(endHour));

    private static BusinessCalendar Calendar(
        TimeZoneInfo zone,
        IEnumerable<DayOfWeek> days,
        (TimeSpan Start, TimeSpan End)[] intervals,
        params DateOnly[] holidays)
    {
        var hours = new Dictionary<DayOfWeek, IReadOnlyList<(TimeSpan Start, TimeSpan End)>>();
        foreach (DayOfWeek day in days)
        {
            hours[day] = intervals;
        }

        return new BusinessCalendar(zone, hours, holidays);
    }

    private static BusinessCalendar NineToFive(TimeZoneInfo zone, params DateOnly[] holidays) =>
        Calendar(zone, Weekdays, [Span(9, 17)], holidays);

    /// <summary>An unambiguous, valid local wall-clock time in <paramref name="zone"/> as an instant.</summary>
    private static DateTimeOffset Local(TimeZoneInfo zone, int year, int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        zone.IsInvalidTime(local).Should().BeFalse("the helper is only for valid local times");
        zone.IsAmbiguousTime(local).Should().BeFalse("the helper is only for unambiguous local times");
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    // ---- Add: ordinary days --------------------------------------------------------------------

    [Fact]
    public void Add_within_one_day_stays_on_that_day()
    {
        BusinessCalendar calendar = NineToFive(NewYork);

        DateTimeOffset result = calendar.Add(Local(NewYork, 2026, 1, 12, 10), H(3));

        result.Should().Be(Local(NewYork, 2026, 1, 12, 13));
        result.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Add_crossing_a_night_continues_next_morning()
    {
        BusinessCalendar calendar = NineToFive(NewYork);

        calendar.Add(Local(NewYork, 2026, 1, 12, 16), H(2)).Should().Be(Local(NewYork, 2026, 1, 13, 10));
    }

    [Fact]
    public void Add_crossing_a_weekend_continues_on_monday()
    {
        BusinessCalendar calendar = NineToFive(NewYork);

        // Friday 16:00 + 2h: one hour on Friday, one on Monday.
        calendar.Add(Local(NewYork, 2026, 1, 9, 16), H(2)).Should().Be(Local(NewYork, 2026, 1, 12, 10));
    }

    [Fact]
    public void Add_crossing_a_holiday_skips_it()
    {
        var christmas = new DateOnly(2026, 12, 25); // a Friday
        BusinessCalendar withHoliday = NineToFive(NewYork, christmas);
        BusinessCalendar withoutHoliday = NineToFive(NewYork);
        DateTimeOffset thursday = Local(NewYork, 2026, 12, 24, 16);

        withHoliday.Add(thursday, H(2)).Should().Be(Local(NewYork, 2026, 12, 28, 10));
        withoutHoliday.Add(thursday, H(2)).Should().Be(Local(NewYork, 2026, 12, 25, 10));
    }

    [Fact]
    public void Add_starting_on_a_holiday_begins_on_the_next_open_day()
    {
        BusinessCalendar calendar = NineToFive(NewYork, new DateOnly(2026, 12, 25));

        calendar.Add(Local(NewYork, 2026, 12, 25, 10), H(1)).Should().Be(Local(NewYork, 2026, 12, 28, 10));
    }

    [Theory]
    [InlineData(2026, 1, 10, 12, 2026, 1, 12, 10)] // Saturday
    [InlineData(2026, 1, 11, 23, 2026, 1, 12, 10)] // Sunday night
    [InlineData(2026, 1, 12, 7, 2026, 1, 12, 10)]  // Monday before opening
    [InlineData(2026, 1, 12, 18, 2026, 1, 13, 10)] // Monday after closing
    [InlineData(2026, 1, 9, 20, 2026, 1, 12, 10)]  // Friday after closing
    public void Add_starting_outside_hours_counts_from_the_next_opening(
        int year, int month, int day, int hour, int expectedYear, int expectedMonth, int expectedDay, int expectedHour)
    {
        BusinessCalendar calendar = NineToFive(NewYork);

        calendar.Add(Local(NewYork, year, month, day, hour), H(1))
            .Should().Be(Local(NewYork, expectedYear, expectedMonth, expectedDay, expectedHour));
    }

    [Fact]
    public void Add_ending_exactly_at_closing_returns_the_closing_time_not_the_next_opening()
    {
        BusinessCalendar calendar = NineToFive(NewYork);

        calendar.Add(Local(NewYork, 2026, 1, 12, 9), H(8)).Should().Be(Local(NewYork, 2026, 1, 12, 17));
        calendar.Add(Local(NewYork, 2026, 1, 12, 16), H(1)).Should().Be(Local(NewYork, 2026, 1, 12, 17));
        calendar.Add(Local(NewYork, 2026, 1, 9, 16), H(1)).Should().Be(Local(NewYork, 2026, 1, 9, 17)); // Friday
        calendar.Add(Local(NewYork, 2026, 1, 12, 7), H(8)).Should().Be(Local(NewYork, 2026, 1, 12, 17));

        // Whole weeks: the result is the Friday or Monday closing, not the following opening.
        calendar.Add(Local(NewYork, 2026, 1, 12, 9), H(40)).Should().Be(Local(NewYork, 2026, 1, 16, 17));
        calendar.Add(Local(NewYork, 2026, 1, 11, 12), H(48)).Should().Be(Local(NewYork, 2026, 1, 19, 17));
        calendar.Add(Local(NewYork, 2026, 1, 11, 12), H(88)).Should().Be(Local(NewYork, 2026, 1, 26, 17));
    }

    [Fact]
    public void Add_starting_exactly_at_a_boundary()
    {
        BusinessCalendar calendar = NineToFive(NewYork);

        calendar.Add(Local(NewYork, 2026, 1, 12, 9), H(1)).Should().Be(Local(NewYork, 2026, 1, 12, 10));
        calendar.Add(Local(NewYork, 2026, 1, 12, 17), H(1)).Should().Be(Local(NewYork, 2026, 1, 13, 10));
        calendar.Add(Local(NewYork, 2026, 1, 12, 9), TimeSpan.FromTicks(1))
            .Should().Be(Local(NewYork, 2026, 1, 12, 9).AddTicks(1));
    }

    [Fact]
    public void Split_days_skip_the_lunch_break()
    {
        BusinessCalendar calendar = Calendar(NewYork, Weekdays, [Span(9, 12), Span(13, 17)]);

        calendar.Add(Local(NewYork, 2026, 1, 12, 11), H(2)).Should().Be(Local(NewYork, 2026, 1, 12, 14));
        calendar.Add(Local(NewYork, 2026, 1, 12, 11), H(1)).Should().Be(Local(NewYork, 2026, 1, 12, 12));
        calendar.Add(Local(NewYork, 2026, 1, 12, 12, 30), H(1)).Should().Be(Local(NewYork, 2026, 1, 12, 14));
        calendar.Add(Local(NewYork, 2026, 1, 12, 9), H(7)).Should().Be(Local(NewYork, 2026, 1, 12, 17));
        calendar.Add(Local(NewYork, 2026, 1, 12, 9), H(8)).Should().Be(Local(NewYork, 2026, 1, 13, 10));
        calendar.Between(Local(NewYork, 2026, 1, 12, 0), Local(NewYork, 2026, 1, 13, 0)).Should().Be(H(7));
        calendar.IsOpenAt(Local(NewYork, 2026, 1, 12, 12, 30)).Should().BeFalse();
        calendar.IsOpenAt(Local(NewYork, 2026, 1, 12, 13)).Should().BeTrue();
    }

    // ---- IsOpenAt ------------------------------------------------------------------------------

    [Fact]
    public void IsOpenAt_includes_the_opening_and_excludes_the_closing_instant()
    {
        BusinessCalendar calendar = NineToFive(NewYork, new DateOnly(2026, 12, 25));

        calendar.IsOpenAt(Local(NewYork, 2026, 1, 12, 9)).Should().BeTrue();
        calendar.IsOpenAt(Local(NewYork, 2026, 1, 12, 9).AddTicks(-1)).Should().BeFalse();
        calendar.IsOpenAt(Local(NewYork, 2026, 1, 12, 17).AddTicks(-1)).Should().BeTrue();
        calendar.IsOpenAt(Local(NewYork, 2026, 1, 12, 17)).Should().BeFalse();
        calendar.IsOpenAt(Local(NewYork, 2026, 1, 10, 12)).Should().BeFalse(); // Saturday
        calendar.IsOpenAt(Local(NewYork, 2026, 12, 25, 12)).Should().BeFalse(); // holiday
    }

    [Fact]
    public void Offsets_of_the_arguments_do_not_matter_only_instants_do()
    {
        BusinessCalendar calendar = NineToFive(NewYork);
        DateTimeOffset start = Local(NewYork, 2026, 1, 12, 16);
        DateTimeOffset sameInTokyo = start.ToOffset(TimeSpan.FromHours(9));

        calendar.Add(sameInTokyo, H(2)).Should().Be(calendar.Add(start, H(2)));
        calendar.Between(sameInTokyo, start.AddDays(1)).Should().Be(calendar.Between(start, start.AddDays(1)));
        calendar.IsOpenAt(sameInTokyo).Should().BeTrue();
    }

    // ---- daylight saving -----------------------------------------------------------------------

    [Fact]
    public void A_24h_day_lasts_23_hours_when_new_york_springs_forward()
    {
        // 2026-03-08 is a Sunday; only Sundays are open, all day.
        BusinessCalendar calendar = Calendar(NewYork, [DayOfWeek.Sunday], [Span(0, 24)]);

        calendar.Between(Local(NewYork, 2026, 3, 6, 12), Local(NewYork, 2026, 3, 10, 12)).Should().Be(H(23));
        calendar.Add(Local(NewYork, 2026, 3, 8, 0), H(23)).Should().Be(Utc(2026, 3, 9, 4)); // Monday 00:00 EDT
        calendar.Add(Local(NewYork, 2026, 3, 8, 0), H(24)).Should().Be(Local(NewYork, 2026, 3, 15, 1));
        calendar.IsOpenAt(Utc(2026, 3, 8, 7)).Should().BeTrue(); // 03:00 EDT, just after the gap
    }

    [Fact]
    public void A_24h_day_lasts_25_hours_when_new_york_falls_back()
    {
        BusinessCalendar calendar = Calendar(NewYork, [DayOfWeek.Sunday], [Span(0, 24)]);

        calendar.Between(Local(NewYork, 2026, 10, 30, 12), Local(NewYork, 2026, 11, 3, 12)).Should().Be(H(25));
        calendar.Add(Local(NewYork, 2026, 11, 1, 0), H(25)).Should().Be(Utc(2026, 11, 2, 5)); // Monday 00:00 EST
    }

    [Fact]
    public void A_24h_day_lasts_23_and_25_hours_in_berlin_on_its_transition_days()
    {
        BusinessCalendar calendar = Calendar(Berlin, [DayOfWeek.Sunday], [Span(0, 24)]);

        calendar.Between(Utc(2026, 3, 27, 0), Utc(2026, 3, 31, 0)).Should().Be(H(23)); // 2026-03-29
        calendar.Between(Utc(2026, 10, 23, 0), Utc(2026, 10, 27, 0)).Should().Be(H(25)); // 2026-10-25
    }

    [Fact]
    public void Every_day_24h_calendar_counts_real_elapsed_time_across_transitions()
    {
        BusinessCalendar calendar = Calendar(NewYork, EveryDay, [Span(0, 24)]);

        calendar.Between(Local(NewYork, 2026, 3, 8, 0), Local(NewYork, 2026, 3, 9, 0)).Should().Be(H(23));
        calendar.Between(Local(NewYork, 2026, 11, 1, 0), Local(NewYork, 2026, 11, 2, 0)).Should().Be(H(25));
    }

    [Theory]
    [InlineData(2026, 3, 8)]  // New York springs forward
    [InlineData(2026, 11, 1)] // New York falls back
    public void Nine_to_five_is_eight_hours_on_transition_days(int year, int month, int day)
    {
        BusinessCalendar calendar = Calendar(NewYork, EveryDay, [Span(9, 17)]);

        calendar.Between(Local(NewYork, year, month, day, 0, 30), Local(NewYork, year, month, day, 23)).Should().Be(H(8));
        calendar.Add(Local(NewYork, year, month, day, 3), H(8)).Should().Be(Local(NewYork, year, month, day, 17));
    }

    [Fact]
    public void Nine_to_five_is_eight_hours_on_berlin_transition_days()
    {
        BusinessCalendar calendar = Calendar(Berlin, EveryDay, [Span(9, 17)]);

        calendar.Between(Local(Berlin, 2026, 3, 29, 4), Local(Berlin, 2026, 3, 30, 4)).Should().Be(H(8));
        calendar.Between(Local(Berlin, 2026, 10, 25, 4), Local(Berlin, 2026, 10, 26, 4)).Should().Be(H(8));
        calendar.Add(Local(Berlin, 2026, 3, 29, 4), H(8)).Should().Be(Utc(2026, 3, 29, 15)); // 17:00 CEST
    }

    [Fact]
    public void An_opening_time_skipped_by_spring_forward_opens_at_the_end_of_the_gap()
    {
        // 02:30 does not exist on 2026-03-08 in New York: clocks jump from 02:00 EST to 03:00 EDT (07:00Z).
        BusinessCalendar calendar = Calendar(NewYork, [DayOfWeek.Sunday], [Span(2.5, 4)]);

        calendar.Between(Utc(2026, 3, 7, 0), Utc(2026, 3, 9, 0)).Should().Be(H(1));
        calendar.IsOpenAt(Utc(2026, 3, 8, 7)).Should().BeTrue();
        calendar.IsOpenAt(Utc(2026, 3, 8, 7).AddTicks(-1)).Should().BeFalse();
        calendar.Add(Utc(2026, 3, 8, 0), TimeSpan.FromTicks(1)).Should().Be(Utc(2026, 3, 8, 7).AddTicks(1));
        calendar.Add(Utc(2026, 3, 8, 0), H(1)).Should().Be(Utc(2026, 3, 8, 8)); // 04:00 EDT

        // On an ordinary Sunday the same interval is 1.5 hours.
        calendar.Between(Utc(2026, 3, 14, 0), Utc(2026, 3, 16, 0)).Should().Be(H(1.5));
    }

    [Fact]
    public void An_interval_entirely_inside_the_gap_has_no_open_time()
    {
        BusinessCalendar calendar = Calendar(NewYork, [DayOfWeek.Sunday], [Span(2.25, 2.75)]);

        calendar.Between(Utc(2026, 3, 7, 0), Utc(2026, 3, 9, 0)).Should().Be(TimeSpan.Zero);
        calendar.Add(Utc(2026, 3, 8, 0), H(0.5)).Should().Be(Local(NewYork, 2026, 3, 15, 2, 45));
    }

    [Fact]
    public void A_repeated_hour_opens_at_its_first_and_closes_at_its_last_occurrence()
    {
        // 01:00-02:00 happens twice on 2026-11-01 in New York: 05:00-06:00Z (EDT) and 06:00-07:00Z (EST).
        BusinessCalendar calendar = Calendar(NewYork, [DayOfWeek.Sunday], [Span(1.5, 1.75)]);

        calendar.Between(Utc(2026, 10, 31, 0), Utc(2026, 11, 2, 0)).Should().Be(H(1.25));
        calendar.IsOpenAt(Utc(2026, 11, 1, 5, 30)).Should().BeTrue();
        calendar.IsOpenAt(Utc(2026, 11, 1, 6, 44)).Should().BeTrue();
        calendar.IsOpenAt(Utc(2026, 11, 1, 6, 45)).Should().BeFalse();
        calendar.Add(Utc(2026, 11, 1, 0), H(1.25)).Should().Be(Utc(2026, 11, 1, 6, 45));
    }

    [Fact]
    public void Adjacent_intervals_meeting_in_the_repeated_hour_do_not_count_it_twice()
    {
        // 00:00-01:30 closes at 01:30 EST (06:30Z); 01:30-03:00 would open at 01:30 EDT (05:30Z).
        // Together they cover 00:00 EDT (04:00Z) to 03:00 EST (08:00Z): four real hours.
        BusinessCalendar calendar = Calendar(NewYork, [DayOfWeek.Sunday], [Span(0, 1.5), Span(1.5, 3)]);

        calendar.Between(Utc(2026, 10, 31, 0), Utc(2026, 11, 2, 0)).Should().Be(H(4));
        calendar.Add(Utc(2026, 11, 1, 0), H(4)).Should().Be(Utc(2026, 11, 1, 8));
        calendar.Add(Utc(2026, 11, 1, 0), H(2.5)).Should().Be(Utc(2026, 11, 1, 6, 30));
    }

    [Fact]
    public void Berlin_repeated_hour_is_covered_twice_by_an_interval_spanning_it()
    {
        // 2026-10-25: 02:00-03:00 happens twice in Berlin (00:00-01:00Z CEST and 01:00-02:00Z CET).
        BusinessCalendar calendar = Calendar(Berlin, [DayOfWeek.Sunday], [Span(2, 3)]);

        calendar.Between(Utc(2026, 10, 24, 0), Utc(2026, 10, 26, 0)).Should().Be(H(2));
        calendar.Add(Utc(2026, 10, 24, 0), H(2)).Should().Be(Utc(2026, 10, 25, 2));
    }

    [Fact]
    public void A_fall_back_at_midnight_keeps_the_previous_days_interval_running_into_the_repeated_hour()
    {
        // The Azores fall back at 01:00Z on 2026-10-25: local 01:00 (UTC+0) becomes 00:00 (UTC-1), so Saturday's
        // 24:00 is the second midnight (01:00Z) while Sunday's 00:00 is the first (00:00Z).
        TimeZoneInfo azores = TimeZoneInfo.FindSystemTimeZoneById("Atlantic/Azores");
        BusinessCalendar lateSaturday = Calendar(azores, [DayOfWeek.Saturday], [Span(23, 24)]);

        lateSaturday.Between(Utc(2026, 10, 24, 0), Utc(2026, 10, 26, 0)).Should().Be(H(2));
        lateSaturday.IsOpenAt(Utc(2026, 10, 25, 0, 30)).Should().BeTrue();
        lateSaturday.IsOpenAt(Utc(2026, 10, 25, 1)).Should().BeFalse();
        lateSaturday.Between(Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 2)).Should().Be(H(0.5));
        lateSaturday.Add(Utc(2026, 10, 25, 0, 30), H(0.25)).Should().Be(Utc(2026, 10, 25, 0, 45));

        // Sunday's 00:00-00:30 overlaps Saturday's last hour in real time; the shared hour counts once.
        var overnight = new BusinessCalendar(
            azores,
            new Dictionary<DayOfWeek, IReadOnlyList<(TimeSpan Start, TimeSpan End)>>
            {
                [DayOfWeek.Saturday] = [Span(23, 24)],
                [DayOfWeek.Sunday] = [Span(0, 0.5)],
            },
            []);
        overnight.Between(Utc(2026, 10, 24, 0), Utc(2026, 10, 26, 0)).Should().Be(H(2.5));
        overnight.Add(Utc(2026, 10, 24, 0), H(2.5)).Should().Be(Utc(2026, 10, 25, 1, 30));
        overnight.Between(Utc(2026, 10, 25, 0, 15), Utc(2026, 10, 26, 0)).Should().Be(H(1.25));
    }

    // ---- Between -------------------------------------------------------------------------------

    [Fact]
    public void Between_across_a_weekend_counts_only_weekdays()
    {
        BusinessCalendar calendar = NineToFive(NewYork);

        calendar.Between(Local(NewYork, 2026, 1, 9, 12), Local(NewYork, 2026, 1, 12, 12)).Should().Be(H(8));
        calendar.Between(Local(NewYork, 2026, 1, 10, 0), Local(NewYork, 2026, 1, 12, 0)).Should().Be(TimeSpan.Zero);
        calendar.Between(Local(NewYork, 2026, 1, 5, 0), Local(NewYork, 2026, 1, 19, 0)).Should().Be(H(80));
    }

    [Fact]
    public void Between_across_a_holiday_skips_it()
    {
        BusinessCalendar calendar = NineToFive(NewYork, new DateOnly(2026, 12, 25), new DateOnly(2027, 1, 1));

        calendar.Between(Local(NewYork, 2026, 12, 24, 12), Local(NewYork, 2026, 12, 28, 12)).Should().Be(H(8));
        calendar.Between(Local(NewYork, 2026, 12, 21, 0), Local(NewYork, 2027, 1, 4, 0)).Should().Be(H(64));
    }

    [Fact]
    public void Between_is_zero_for_empty_or_reversed_ranges()
    {
        BusinessCalendar calendar = NineToFive(NewYork);
        DateTimeOffset noon = Local(NewYork, 2026, 1, 12, 12);

        calendar.Between(noon, noon).Should().Be(TimeSpan.Zero);
        calendar.Between(noon, noon.AddHours(-2)).Should().Be(TimeSpan.Zero);
        calendar.Between(noon, noon.AddHours(2)).Should().Be(H(2));
    }

    [Fact]
    public void Between_over_a_year_skipping_weeks_matches_a_day_by_day_sum()
    {
        DateOnly[] holidays = [new(2026, 1, 1), new(2026, 7, 3), new(2026, 11, 26), new(2026, 12, 25)];
        BusinessCalendar calendar = Calendar(NewYork, Weekdays, [Span(8.5, 12), Span(13, 17.25)], holidays);

        TimeSpan sum = TimeSpan.Zero;
        for (var day = new DateOnly(2026, 1, 1); day < new DateOnly(2027, 1, 1); day = day.AddDays(1))
        {
            sum += calendar.Between(Local(NewYork, day.Year, day.Month, day.Day, 0), Local(NewYork, day.Year, day.Month, day.Day, 23));
        }

        calendar.Between(Local(NewYork, 2026, 1, 1, 0), Local(NewYork, 2027, 1, 1, 0)).Should().Be(sum);
        sum.Should().Be(H(7.75 * (261 - 4)));
    }

    // ---- zero, negative, degenerate calendars ----------------------------------------------------

    [Fact]
    public void Zero_and_negative_durations_return_the_start()
    {
        BusinessCalendar calendar = NineToFive(NewYork);
        DateTimeOffset saturday = Local(NewYork, 2026, 1, 10, 12);

        calendar.Add(saturday, TimeSpan.Zero).Should().Be(saturday);
        calendar.Add(saturday, H(-3)).Should().Be(saturday);
        calendar.Add(saturday, TimeSpan.MinValue).Should().Be(saturday);
        calendar.Add(saturday, TimeSpan.Zero).Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void A_calendar_without_open_hours_throws_on_add_and_counts_nothing()
    {
        var calendar = new BusinessCalendar(
            NewYork,
            new Dictionary<DayOfWeek, IReadOnlyList<(TimeSpan Start, TimeSpan End)>> { [DayOfWeek.Monday] = [] },
            []);
        DateTimeOffset start = Local(NewYork, 2026, 1, 12, 10);

        FluentActions.Invoking(() => calendar.Add(start, H(1))).Should().Throw<InvalidOperationException>();
        calendar.Add(start, TimeSpan.Zero).Should().Be(start);
        calendar.Between(start, start.AddYears(5)).Should().Be(TimeSpan.Zero);
        calendar.IsOpenAt(start).Should().BeFalse();
    }

    [Fact]
    public void A_calendar_closed_by_holidays_for_over_ten_years_throws_instead_of_searching_forever()
    {
        var start = new DateOnly(2026, 1, 1);
        DateOnly[] holidays = Enumerable.Range(0, 11 * 366).Select(start.AddDays).ToArray();
        BusinessCalendar calendar = Calendar(NewYork, EveryDay, [Span(0, 24)], holidays);

        FluentActions.Invoking(() => calendar.Add(Local(NewYork, 2026, 1, 1, 12), H(1)))
            .Should().Throw<InvalidOperationException>();

        // Nine years of holidays are merely a long wait.
        BusinessCalendar nineYears = Calendar(NewYork, EveryDay, [Span(0, 24)], holidays[..(9 * 365)]);
        nineYears.Add(Local(NewYork, 2026, 1, 1, 12), H(1))
            .Should().Be(Local(NewYork, 2026, 1, 1, 0).AddDays(9 * 365).AddHours(1));
    }

    [Fact]
    public void Adding_beyond_the_last_representable_date_throws()
    {
        BusinessCalendar calendar = Calendar(TimeZoneInfo.Utc, EveryDay, [Span(0, 24)]);
        var nearEnd = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

        calendar.Add(nearEnd, H(23)).Should().Be(nearEnd.AddHours(23));
        FluentActions.Invoking(() => calendar.Add(nearEnd, H(25))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("America/New_York")]
    [InlineData("Europe/Berlin")]
    public void A_24_7_calendar_behaves_like_plain_arithmetic(string zoneId)
    {
        BusinessCalendar calendar = Calendar(TimeZoneInfo.FindSystemTimeZoneById(zoneId), EveryDay, [Span(0, 24)]);
        var random = new Random(7);

        for (int i = 0; i < 200; i++)
        {
            var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(random.NextInt64(4 * 365 * TimeSpan.TicksPerDay));
            var duration = TimeSpan.FromTicks(random.NextInt64(1, 400 * TimeSpan.TicksPerDay));

            calendar.Add(start, duration).Should().Be(start + duration);
            calendar.Between(start, start + duration).Should().Be(duration);
            calendar.IsOpenAt(start).Should().BeTrue();
        }
    }

    // ---- long durations --------------------------------------------------------------------------

    [Theory]
    [InlineData("America/New_York", 2026, 1, 5)]  // crosses spring-forward and Memorial Day
    [InlineData("America/New_York", 2026, 9, 1)]  // crosses fall-back and Christmas
    [InlineData("Europe/Berlin", 2026, 2, 2)]
    public void A_500_business_hour_target_matches_an_hour_by_hour_count(string zoneId, int year, int month, int day)
    {
        TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var holidays = new HashSet<DateOnly> { new(2026, 5, 25), new(2026, 7, 3), new(2026, 12, 24), new(2026, 12, 25), new(2027, 1, 1) };
        BusinessCalendar calendar = NineToFive(zone, [.. holidays]);

        // Both zones have whole-hour offsets, so each UTC hour is entirely open or entirely closed.
        DateTimeOffset start = Local(zone, year, month, day, 0).ToUniversalTime();
        DateTimeOffset cursor = start;
        int openHours = 0;
        while (openHours < 500)
        {
            DateTime local = TimeZoneInfo.ConvertTime(cursor, zone).DateTime;
            bool open = local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)
                && !holidays.Contains(DateOnly.FromDateTime(local))
                && local.Hour is >= 9 and < 17;
            if (open)
            {
                openHours++;
            }

            cursor = cursor.AddHours(1);
        }

        calendar.Add(start, H(500)).Should().Be(cursor);
        calendar.Between(start, cursor).Should().Be(H(500));
        calendar.Add(start.AddMinutes(-30), H(500)).Should().Be(cursor);
    }

    [Fact]
    public void A_2000_business_hour_target_equals_its_day_by_day_equivalent()
    {
        BusinessCalendar calendar = NineToFive(NewYork, new DateOnly(2026, 12, 25));
        DateTimeOffset start = Local(NewYork, 2026, 1, 7, 11);

        // 2000 hours = 250 working days; step through them one day (8 hours) at a time.
        DateTimeOffset stepped = start;
        for (int i = 0; i < 250; i++)
        {
            stepped = calendar.Add(stepped, H(8));
        }

        calendar.Add(start, H(2000)).Should().Be(stepped);
        calendar.Between(start, stepped).Should().Be(H(2000));
    }

    // ---- properties ------------------------------------------------------------------------------

    public static TheoryData<string> PropertyCalendars => ["nine-to-five", "split-berlin", "transition-edges", "sunday-24h", "always-berlin"];

    private static BusinessCalendar PropertyCalendar(string name) => name switch
    {
        "nine-to-five" => NineToFive(NewYork, new(2025, 12, 25), new(2026, 1, 1), new(2026, 7, 3), new(2026, 12, 25), new(2027, 1, 1)),
        "split-berlin" => new BusinessCalendar(
            Berlin,
            new Dictionary<DayOfWeek, IReadOnlyList<(TimeSpan Start, TimeSpan End)>>
            {
                [DayOfWeek.Monday] = [Span(8, 12), Span(13, 17.5)],
                [DayOfWeek.Tuesday] = [Span(8, 12), Span(13, 17.5)],
                [DayOfWeek.Wednesday] = [Span(8, 12), Span(13, 17.5)],
                [DayOfWeek.Thursday] = [Span(8, 12), Span(13, 17.5)],
                [DayOfWeek.Friday] = [Span(8, 14)],
                [DayOfWeek.Saturday] = [Span(10, 14)],
            },
            [new(2026, 10, 3), new(2026, 12, 24), new(2026, 12, 25), new(2026, 12, 26)]),

        // Boundaries inside New York's gap (02:00-03:00 on spring-forward) and repeated hour (01:00-02:00 on fall-back).
        "transition-edges" => Calendar(NewYork, EveryDay, [Span(0, 1.5), Span(1.5, 2.25), Span(2.75, 3.5), Span(22, 24)]),
        "sunday-24h" => Calendar(NewYork, [DayOfWeek.Sunday], [Span(0, 24)]),
        "always-berlin" => Calendar(Berlin, EveryDay, [Span(0, 24)], new DateOnly(2026, 3, 29)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(PropertyCalendars))]
    public void Add_and_Between_agree_exactly_for_random_starts_and_durations(string name)
    {
        BusinessCalendar calendar = PropertyCalendar(name);
        var random = new Random(20260308);
        long first = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        long range = 3 * 365 * TimeSpan.TicksPerDay;

        for (int i = 0; i < 400; i++)
        {
            long startTicks = first + random.NextInt64(range);
            if (random.Next(3) == 0)
            {
                startTicks -= startTicks % (TimeSpan.TicksPerMinute * 15); // land on boundaries now and then
            }

            var start = new DateTimeOffset(startTicks, TimeSpan.Zero);
            var duration = TimeSpan.FromTicks(random.Next(5) switch
            {
                0 => random.NextInt64(1, TimeSpan.TicksPerHour),
                1 => random.NextInt64(1, 3 * TimeSpan.TicksPerDay),
                2 => random.Next(1, 2800) * TimeSpan.TicksPerMinute * 15,
                3 => random.Next(1, 4) == 1 ? 1 : TimeSpan.TicksPerMinute,
                _ => random.NextInt64(1, 700 * TimeSpan.TicksPerHour),
            });

            DateTimeOffset end = calendar.Add(start, duration);
            DateTimeOffset justBefore = calendar.Add(start, duration - TimeSpan.FromTicks(1));

            calendar.Between(start, end).Should().Be(duration, "Between(start, Add(start, d)) == d for start {0:O}, d {1}", start, duration);
            justBefore.Should().BeBefore(end, "Add is strictly increasing for start {0:O}, d {1}", start, duration);
            calendar.IsOpenAt(end.AddTicks(-1)).Should().BeTrue("the result ends open time, it does not sit in closed time, for start {0:O}, d {1}", start, duration);
            end.Should().BeOnOrAfter(start);

            // Splitting the range anywhere adds up: every start sees the same open time.
            var middle = new DateTimeOffset(start.UtcTicks + random.NextInt64(end.UtcTicks - start.UtcTicks + 1), TimeSpan.Zero);
            (calendar.Between(start, middle) + calendar.Between(middle, end)).Should().Be(duration);
            calendar.IsOpenAt(middle).Should().Be(calendar.Between(middle, middle.AddTicks(1)) == TimeSpan.FromTicks(1));
        }
    }

    [Fact]
    public void Add_Between_and_IsOpenAt_do_not_allocate()
    {
        BusinessCalendar calendar = Calendar(NewYork, Weekdays, [Span(9, 12), Span(13, 17)], new DateOnly(2026, 12, 25));
        DateTimeOffset start = Local(NewYork, 2026, 3, 6, 15);
        DateTimeOffset result = default;
        TimeSpan total = default;
        bool open = false;

        for (int warmUp = 0; warmUp < 200; warmUp++)
        {
            result = calendar.Add(start, H(3000));
            total = calendar.Between(start, result);
            open = calendar.IsOpenAt(result);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            result = calendar.Add(start, H(30));
            result = calendar.Add(start, H(3000));
            total = calendar.Between(start, result);
            open = calendar.IsOpenAt(result);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        total.Should().Be(H(3000));
        open.Should().BeTrue();
    }
}
