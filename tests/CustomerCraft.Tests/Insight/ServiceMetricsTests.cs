using CustomerCraft.Coaching;
using CustomerCraft.Escalation;
using CustomerCraft.Insight;
using CustomerCraft.Tests.Empowerment;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.Tests.Insight;

/// <summary>
/// Every metric of <see cref="ServiceMetrics"/> on small hand-computed sets (the arithmetic is in
/// the comments), empty sets, bad answers, grouping by agent, team and period (across daylight
/// saving time and week boundaries) and the percentile definition.
/// </summary>
public sealed class ServiceMetricsTests
{
    /// <summary>Monday 2026-03-02 15:00Z (10:00 in New York).</summary>
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);

    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static readonly CaseActor Cy = new("cy", "Agent");

    private static int s_ids;

    // ---------------------------------------------------------------- survey metrics

    [Fact]
    public void Csat_IsTheShareOfFourAndFive_AmongValidAnswers()
    {
        // 5, 4, 3, 1, 4: satisfied (4 or 5) = 3 of 5 -> 100 * 3 / 5 = 60
        ServiceMetricsReport report = Compute(Surveyed(csat: [5, 4, 3, 1, 4]));

        report.Overall.Csat.Should().Be(new MetricValue(60, 5, 0));
    }

    [Fact]
    public void Csat_OutOfRangeAnswers_AreExcludedAndCounted_NotUsed()
    {
        // 0, 6, -1 are out of 1..5: excluded 3. Valid 5, 2: satisfied 1 of 2 -> 50
        ServiceMetricsReport report = Compute(Surveyed(csat: [0, 6, -1, 5, 2]));

        report.Overall.Csat.Should().Be(new MetricValue(50, 2, 3));
    }

    [Theory]
    // promoters 9-10, passives 7-8, detractors 0-6
    [InlineData(new[] { 10, 9, 8, 7, 6, 0 }, 0.0, 6)]           // (2 - 2) / 6 = 0
    [InlineData(new[] { 10, 10, 9, 3 }, 50.0, 4)]               // (3 - 1) / 4 = 50
    [InlineData(new[] { 6, 0, 5 }, -100.0, 3)]                   // (0 - 3) / 3 = -100
    [InlineData(new[] { 9, 10 }, 100.0, 2)]                      // (2 - 0) / 2 = 100
    [InlineData(new[] { 7, 8, 8 }, 0.0, 3)]                      // passives only: (0 - 0) / 3 = 0
    [InlineData(new[] { 10, 6, 8, 8, 8 }, 0.0, 5)]               // (1 - 1) / 5 = 0
    [InlineData(new[] { 10, 9, 9, 6, 7, 8, 8, 8 }, 25.0, 8)]     // (3 - 1) / 8 = 25
    public void Nps_IsPromotersMinusDetractors_InPercentagePoints(int[] answers, double nps, int count)
    {
        ServiceMetricsReport report = Compute(Surveyed(nps: answers));

        report.Overall.Nps.Should().Be(new MetricValue(nps, count, 0));
    }

    [Fact]
    public void Nps_OutOfRangeAnswers_AreExcluded()
    {
        // 11 and -1 are out of 0..10: excluded 2. Valid 10, 0, 9: (2 - 1) / 3 = 33.33...
        ServiceMetricsReport report = Compute(Surveyed(nps: [11, 10, -1, 0, 9]));

        MetricValue nps = report.Overall.Nps;
        nps.Value.Should().BeApproximately(100.0 / 3, 1e-9);
        (nps.Count, nps.Excluded).Should().Be((3, 2));
    }

    [Fact]
    public void Ces_IsTheMeanOfValidRatings()
    {
        // 7 + 5 + 6 + 1 = 19 over 4 = 4.75; 0 and 8 are out of 1..7
        ServiceMetricsReport report = Compute(Surveyed(ces: [7, 0, 5, 6, 8, 1]));

        report.Overall.Ces.Should().Be(new MetricValue(4.75, 4, 2));
    }

    [Fact]
    public void SurveyAnswers_AreIndependent_EachMetricCountsOnlyItsOwnAnswers()
    {
        Interaction[] interactions =
        [
            Chat("ana", csat: 5),                 // CSAT only
            Chat("ana", nps: 3, ces: 7),          // NPS and CES
            Chat("ana"),                          // no survey at all
            Chat("ana", csat: 2, nps: 10, ces: 3),
        ];

        ServiceMetricsRow row = Compute(interactions).Overall;

        row.Interactions.Should().Be(4);
        row.Csat.Should().Be(new MetricValue(50, 2, 0));   // 5, 2 -> 1 of 2
        row.Nps.Should().Be(new MetricValue(0, 2, 0));     // 3, 10 -> (1 - 1) / 2
        row.Ces.Should().Be(new MetricValue(5, 2, 0));     // (7 + 3) / 2
    }

    // ---------------------------------------------------------------- first contact resolution

    [Fact]
    public void FirstContactResolution_IsTheShareResolved_AmongInteractionsWhereItIsKnown()
    {
        // true, true, false are known; null is not counted: 2 of 3 = 66.66...
        ServiceMetricsReport report = Compute([Chat("ana", fcr: true), Chat("ana", fcr: true), Chat("ana", fcr: false), Chat("ana", fcr: null)]);

        MetricValue fcr = report.Overall.FirstContactResolution;
        fcr.Value.Should().BeApproximately(200.0 / 3, 1e-9);
        (fcr.Count, fcr.Excluded).Should().Be((3, 0));
        report.Overall.Interactions.Should().Be(4);
    }

    // ---------------------------------------------------------------- empty sets

    [Fact]
    public void EmptySets_HaveNullValues_AndZeroCounts_NeverNaN()
    {
        ServiceMetricsReport report = ServiceMetrics.Compute([], []);

        ServiceMetricsRow row = report.Overall;
        (row.Interactions, row.Cases, row.EscalatedCases, row.ApprovalRequestedCases).Should().Be((0, 0, 0, 0));
        foreach (MetricValue metric in new[] { row.Csat, row.Nps, row.Ces, row.FirstContactResolution, row.SlaCompliance, row.EscalationRate })
        {
            metric.Should().Be(MetricValue.Empty);
            metric.Value.Should().BeNull();
        }

        row.ApprovalTurnaround.Should().Be(TurnaroundMetric.Empty);
        report.Rows.Should().ContainSingle().Which.Should().BeSameAs(row);
        report.TimeZone.Should().Be(TimeZoneInfo.Utc);
        (report.UndatedInteractions, report.UndatedCases).Should().Be((0, 0));
    }

    [Fact]
    public void OnlyBadAnswers_GiveANullValue_WithTheExcludedCount()
    {
        ServiceMetricsReport report = Compute(Surveyed(csat: [0, 9], nps: [-3], ces: [42]));

        report.Overall.Csat.Should().Be(new MetricValue(null, 0, 2));
        report.Overall.Nps.Should().Be(new MetricValue(null, 0, 1));
        report.Overall.Ces.Should().Be(new MetricValue(null, 0, 1));
    }

    [Fact]
    public void EmptyGroups_WithGroupingAndPeriods_GiveNoRows()
    {
        ServiceMetricsReport report = ServiceMetrics.Compute([], [], MetricsGrouping.Agent, MetricsPeriod.Week, NewYork);

        report.Rows.Should().BeEmpty();
        report.Overall.Csat.Value.Should().BeNull();
    }

    // ---------------------------------------------------------------- SLA compliance

    [Fact]
    public void SlaCompliance_IsTheShareOfCasesWithoutABreach()
    {
        SupportCase clean = Case("ana", T0, Opened(T0), Warning(T0 + H(4)), Resolve(T0 + H(5)));
        SupportCase breached = Case("ana", T0, Opened(T0), Breach(T0 + H(8)), Escalate(T0 + H(8), actor: null));
        SupportCase breachedTwice = Case("ana", T0, Opened(T0), Breach(T0 + H(1)), Breach(T0 + H(8)));
        SupportCase untouched = Case("ana", T0, Opened(T0));
        // A breached clock still on the case counts even if the timeline was trimmed.
        SupportCase breachedClock = new SupportCase(Case("ana", T0, Opened(T0)))
        {
            Timers = [new SlaTimer { Kind = SlaTimerKind.Response, Level = 0, Target = H(1), Clock = SlaClock.Calendar, BreachedAt = T0 + H(1) }],
        };

        // compliant: clean, untouched = 2 of 5 = 40
        ServiceMetricsReport report = Compute([], [clean, breached, breachedTwice, untouched, breachedClock]);

        report.Overall.SlaCompliance.Should().Be(new MetricValue(40, 5, 0));
        report.Overall.Cases.Should().Be(5);
    }

    [Fact]
    public void SlaCompliance_CountsOnlyCasesTheHostSaysAreUnderAnSla()
    {
        SupportCase low = new SupportCase(Case("ana", T0, Opened(T0))) { Priority = CasePriority.Low };
        SupportCase normal = Case("ana", T0, Opened(T0));
        SupportCase urgentBreached = new SupportCase(Case("ana", T0, Opened(T0), Breach(T0 + H(1)))) { Priority = CasePriority.Urgent };

        // low is out: normal compliant, urgent breached -> 1 of 2 = 50
        ServiceMetricsReport report = ServiceMetrics.Compute([], [low, normal, urgentBreached], new ServiceMetricsOptions
        {
            SlaApplies = c => c.Priority != CasePriority.Low,
        });

        report.Overall.SlaCompliance.Should().Be(new MetricValue(50, 2, 0));
        report.Overall.Cases.Should().Be(3, "the other metrics still count every case");
    }

    // ---------------------------------------------------------------- escalation rate

    [Fact]
    public void EscalationRate_CountsCasesThatEscalatedOrWentForApproval_AndReportsBothKinds()
    {
        SupportCase escalated = Case("ana", T0, Opened(T0), Escalate(T0 + H(1)), Escalate(T0 + H(2)));
        SupportCase approval = Case("ana", T0, Opened(T0), Request(T0, "a1"), Approve(T0 + H(1), "a1"));
        SupportCase both = Case("ana", T0, Opened(T0), Request(T0, "a2"), Escalate(T0 + H(1)));
        SupportCase quiet = Case("ana", T0, Opened(T0), Resolve(T0 + H(1)));
        SupportCase noted = Case("ana", T0, Opened(T0), Note(T0 + H(1)));

        // escalated or sent for approval: escalated, approval, both = 3 of 5 = 60
        // Escalate: escalated, both = 2; RequestApproval: approval, both = 2
        ServiceMetricsRow row = Compute([], [escalated, approval, both, quiet, noted]).Overall;

        row.EscalationRate.Should().Be(new MetricValue(60, 5, 0));
        row.EscalatedCases.Should().Be(2);
        row.ApprovalRequestedCases.Should().Be(2);
    }

    // ---------------------------------------------------------------- approval turnaround and percentiles

    [Fact]
    public void Turnaround_OddCount_MedianIsTheMiddle_P90Interpolates()
    {
        // sorted 10, 20, 30, 40, 60 minutes (n = 5)
        // median: h = (5 - 1) * 0.5 = 2 -> x[2] = 30
        // p90:    h = (5 - 1) * 0.9 = 3.6 -> x[3] + 0.6 * (x[4] - x[3]) = 40 + 0.6 * 20 = 52
        ServiceMetricsReport report = Compute([], ApprovalCases(10, 20, 60, 30, 40));

        report.Overall.ApprovalTurnaround.Should().Be(new TurnaroundMetric(M(30), M(52), 5, 0, 0, 0));
    }

    [Fact]
    public void Turnaround_EvenCount_MedianIsTheMeanOfTheTwoMiddles()
    {
        // sorted 10, 30, 60, 240 minutes (n = 4)
        // median: h = 3 * 0.5 = 1.5 -> 30 + 0.5 * (60 - 30) = 45
        // p90:    h = 3 * 0.9 = 2.7 -> 60 + 0.7 * (240 - 60) = 186 (3h06m)
        ServiceMetricsReport report = Compute([], ApprovalCases(240, 10, 60, 30));

        report.Overall.ApprovalTurnaround.Should().Be(new TurnaroundMetric(M(45), M(186), 4, 0, 0, 0));
    }

    [Fact]
    public void Turnaround_OneApproval_IsItsOwnMedianAndP90()
    {
        ServiceMetricsReport report = Compute([], ApprovalCases(7));

        report.Overall.ApprovalTurnaround.Should().Be(new TurnaroundMetric(M(7), M(7), 1, 0, 0, 0));
    }

    [Fact]
    public void Turnaround_TwoApprovals_P90IsNinetyPercentOfTheWayUp()
    {
        // sorted 0, 100 minutes: median h = 0.5 -> 50; p90 h = 0.9 -> 90
        ServiceMetricsReport report = Compute([], ApprovalCases(100, 0));

        report.Overall.ApprovalTurnaround.Should().Be(new TurnaroundMetric(M(50), M(90), 2, 0, 0, 0));
    }

    [Theory]
    [InlineData(new long[] { 5 }, 1, 2, 5L)]
    [InlineData(new long[] { 1, 2, 3 }, 1, 2, 2L)]
    [InlineData(new long[] { 1, 2, 3, 4 }, 1, 2, 3L)]                   // 2 + 0.5 * 1 = 2.5 -> rounds half up to 3
    [InlineData(new long[] { 0, 1 }, 1, 2, 1L)]                         // 0.5 -> 1
    [InlineData(new long[] { 10, 20, 30, 40 }, 1, 2, 25L)]
    [InlineData(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 9, 10, 9L)] // h = 8.1 -> 9 + 0.1 = 9.1 -> 9
    [InlineData(new long[] { 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 }, 9, 10, 90L)] // h = 9 exactly
    [InlineData(new long[] { 3, 3, 3 }, 9, 10, 3L)]
    [InlineData(new long[] { 0, long.MaxValue }, 1, 2, 4611686018427387904L)] // no overflow: (2^63 - 1) / 2 rounded up
    [InlineData(new long[] { 4, 8 }, 0, 1, 4L)]                         // p0 is the minimum
    [InlineData(new long[] { 4, 8 }, 1, 1, 8L)]                         // p100 is the maximum
    public void Percentiles_InterpolateLinearlyBetweenClosestRanks(long[] sorted, int numerator, int denominator, long expected) =>
        Percentiles.Interpolate(sorted, numerator, denominator).Should().Be(expected);

    [Fact]
    public void Percentiles_OfNothing_Throw()
    {
        Action none = () => Percentiles.Interpolate([], 1, 2);

        none.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Turnaround_CountsTimeoutsAsDecisions_AndLeavesUndecidedAndInconsistentEntriesOut()
    {
        SupportCase timedOut = Case("ana", T0, Opened(T0), Request(T0, "t"), Reroute(T0 + H(2), "t"), Reject(T0 + H(6), "t", actor: null));
        SupportCase rejected = Case("ana", T0, Opened(T0), Request(T0, "r"), Reject(T0 + H(1), "r", actor: Tina));
        SupportCase withdrawn = Case("ana", T0, Opened(T0), Request(T0, "w"), Escalate(T0 + H(1)));
        SupportCase pending = Case("ana", T0, Opened(T0), Request(T0, "p"));
        SupportCase inconsistent = Case(
            "ana",
            T0,
            Opened(T0),
            Approve(T0 + H(1), "orphan"),                // a decision without its request: excluded
            Request(T0 + H(1), null),                    // a request without an id: excluded
            Request(T0 + H(2), "late"),
            Approve(T0 + H(1), "late"),                  // decided before it was asked: excluded (and "late" stays undecided)
            Request(T0 + H(3), "twice"),
            Approve(T0 + H(4), "twice"),                 // measured: 1h
            Approve(T0 + H(5), "twice"),                 // a second decision: excluded
            Request(T0 + H(6), "twice"));                // a second request with the same id: excluded

        // measured: 6h (timed out, from the first request through the reroute), 1h, 1h -> sorted 1, 1, 6
        // median h = 1 -> 1h; p90 h = 1.8 -> 1 + 0.8 * 5 = 5h
        // undecided: withdrawn, pending, late = 3; excluded: 5; timed out: 1
        ServiceMetricsRow row = Compute([], [timedOut, rejected, withdrawn, pending, inconsistent]).Overall;

        row.ApprovalTurnaround.Should().Be(new TurnaroundMetric(H(1), H(5), 3, 5, 1, 3));
        row.ApprovalRequestedCases.Should().Be(5);
    }

    [Fact]
    public void Turnaround_WithOnlyUndecidedApprovals_HasNoValue_ButCountsThem()
    {
        ServiceMetricsReport report = Compute([], [Case("ana", T0, Opened(T0), Request(T0, "p"))]);

        report.Overall.ApprovalTurnaround.Should().Be(new TurnaroundMetric(null, null, 0, 0, 0, 1));
    }

    [Fact]
    public async Task Turnaround_ReadsTheTimelineTheWorkflowWrites_ApprovedByAPerson_AndDeniedByTimeouts()
    {
        // The ladder: a 150 refund goes to the TeamLead queue; its approval times out after 2h and
        // moves to the Manager, whose approval times out after 4h and is denied.
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync(150m, "case-1");
        await workflow.AwaitingApprovalAsync(150m, "case-2");
        host.Time.Advance(M(20));
        await workflow.ApproveAsync("case-1", Tina);          // 20 minutes
        host.Time.Advance(H(2) - M(20));
        await workflow.ProcessDueAsync();                     // case-2 rerouted to the Manager at 2h
        host.Time.Advance(H(4));
        await workflow.ProcessDueAsync();                     // case-2 denied at 6h

        SupportCase[] cases = [(await workflow.FindAsync("case-1"))!, (await workflow.FindAsync("case-2"))!];
        ServiceMetricsRow row = Compute([], cases).Overall;

        // sorted 20m, 360m: median 190m; p90 h = 0.9 -> 20 + 0.9 * 340 = 326m
        row.ApprovalTurnaround.Should().Be(new TurnaroundMetric(M(190), M(326), 2, 0, 1, 0));
        row.EscalationRate.Should().Be(new MetricValue(100, 2, 0));
        row.ApprovalRequestedCases.Should().Be(2);
        row.EscalatedCases.Should().Be(0, "a rerouted approval is not an Escalate move");
        row.SlaCompliance.Should().Be(new MetricValue(50, 2, 0), "case-2 breached both approval clocks");
    }

    // ---------------------------------------------------------------- grouping by agent and team

    [Fact]
    public void GroupingByAgent_AttributesInteractionsByAgentId_AndCasesByOwner()
    {
        Interaction[] interactions =
        [
            Chat("ana", csat: 5, fcr: true),
            Chat("ana", csat: 3, fcr: true),
            Chat("ben", csat: 4, fcr: false),
        ];
        SupportCase[] cases =
        [
            Case("ana", T0, Opened(T0), Breach(T0 + H(1))),
            Case("ben", T0, Opened(T0), Request(T0, "b"), Approve(T0 + M(15), "b")),
            Case("ben", T0, Opened(T0)),
            Case(null, T0, Opened(T0), Escalate(T0 + H(1))),   // no owner: the row without a key
        ];

        ServiceMetricsReport report = Compute(interactions, cases, MetricsGrouping.Agent);

        report.Rows.Select(r => r.Key).Should().Equal("ana", "ben", null);
        ServiceMetricsRow ana = report.Rows[0], ben = report.Rows[1], nobody = report.Rows[2];

        // ana: CSAT 5, 3 -> 1 of 2 = 50; FCR 2 of 2 = 100; 1 case, breached -> SLA 0 of 1
        (ana.Interactions, ana.Cases).Should().Be((2, 1));
        ana.Csat.Should().Be(new MetricValue(50, 2, 0));
        ana.FirstContactResolution.Should().Be(new MetricValue(100, 2, 0));
        ana.SlaCompliance.Should().Be(new MetricValue(0, 1, 0));
        ana.EscalationRate.Should().Be(new MetricValue(0, 1, 0));

        // ben: CSAT 4 -> 100; FCR 0 of 1; 2 cases, 1 sent for approval -> 50; turnaround 15m
        ben.Csat.Should().Be(new MetricValue(100, 1, 0));
        ben.FirstContactResolution.Should().Be(new MetricValue(0, 1, 0));
        ben.EscalationRate.Should().Be(new MetricValue(50, 2, 0));
        ben.ApprovalTurnaround.Should().Be(new TurnaroundMetric(M(15), M(15), 1, 0, 0, 0));

        (nobody.Interactions, nobody.Cases, nobody.EscalatedCases).Should().Be((0, 1, 1));
        nobody.Csat.Value.Should().BeNull();

        // The overall row is everyone: CSAT 5, 3, 4 -> 2 of 3; escalation 2 of 4 = 50
        report.Overall.Csat.Value.Should().BeApproximately(200.0 / 3, 1e-9);
        report.Overall.EscalationRate.Should().Be(new MetricValue(50, 4, 0));
        report.Rows.Should().AllSatisfy(r => r.PeriodStart.Should().BeNull());
    }

    [Fact]
    public void GroupingByTeam_UsesTheInteractionsTeam_ThenTheAgentsTeam_AndTheOwnersTeamForCases()
    {
        Dictionary<string, string> teams = new() { ["ana"] = "blue", ["ben"] = "red" };
        Interaction[] interactions =
        [
            Chat("ana", team: "blue", csat: 5),
            Chat("ana", team: "red", csat: 1),   // ana helped the red team that day: the interaction's team wins
            Chat("ben", csat: 4),                // no TeamId: ben's team, red
            Chat("cy", csat: 2),                 // no TeamId, no team known: the row without a key
        ];
        SupportCase[] cases =
        [
            Case("ana", T0, Opened(T0), Escalate(T0 + H(1))),
            Case("ben", T0, Opened(T0)),
            Case("cy", T0, Opened(T0)),
            Case(null, T0, Opened(T0)),
        ];

        ServiceMetricsReport report = Compute(interactions, cases, MetricsGrouping.Team, teamOfAgent: a => teams.GetValueOrDefault(a));

        report.Rows.Select(r => (r.Key, r.Interactions, r.Cases)).Should().Equal(("blue", 1, 1), ("red", 2, 1), (null, 1, 2));
        report.Rows[0].Csat.Should().Be(new MetricValue(100, 1, 0));
        report.Rows[0].EscalationRate.Should().Be(new MetricValue(100, 1, 0));
        report.Rows[1].Csat.Should().Be(new MetricValue(50, 2, 0)); // 1, 4 -> 1 of 2
        report.Rows[2].Csat.Should().Be(new MetricValue(0, 1, 0));
    }

    [Fact]
    public void GroupingByTeam_WithoutTeamOfAgent_PutsCasesInTheRowWithoutAKey()
    {
        ServiceMetricsReport report = Compute([Chat("ana", team: "blue")], [Case("ana", T0, Opened(T0))], MetricsGrouping.Team);

        report.Rows.Select(r => (r.Key, r.Interactions, r.Cases)).Should().Equal(("blue", 1, 0), (null, 0, 1));
    }

    // ---------------------------------------------------------------- periods

    [Fact]
    public void PeriodDay_FollowsTheLocalCalendar_AcrossTheStartOfDaylightSavingTime()
    {
        // New York springs forward on Sunday 2026-03-08 at 02:00 (-05:00 -> -04:00).
        DateTimeOffset sunday2330 = new(2026, 3, 9, 3, 30, 0, TimeSpan.Zero);  // Sun 23:30 EDT
        DateTimeOffset monday0030 = new(2026, 3, 9, 4, 30, 0, TimeSpan.Zero);  // Mon 00:30 EDT (23:30 at a fixed -05:00)
        DateTimeOffset sunday0130 = new(2026, 3, 8, 6, 30, 0, TimeSpan.Zero);  // Sun 01:30 EST, before the jump
        Interaction[] interactions = [Chat("ana", csat: 5, at: sunday2330), Chat("ana", csat: 1, at: monday0030), Chat("ana", csat: 4, at: sunday0130)];

        ServiceMetricsReport report = Compute(interactions, [], period: MetricsPeriod.Day, timeZone: NewYork);

        report.Rows.Should().HaveCount(2);
        ServiceMetricsRow sunday = report.Rows[0], monday = report.Rows[1];
        sunday.PeriodStart.Should().Be(new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.FromHours(-5)));
        sunday.PeriodEnd.Should().Be(new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.FromHours(-4)));
        (sunday.PeriodEnd - sunday.PeriodStart).Should().Be(H(23), "the day daylight saving time starts has 23 hours");
        sunday.PeriodStart!.Value.Offset.Should().Be(TimeSpan.FromHours(-5));
        sunday.PeriodEnd!.Value.Offset.Should().Be(TimeSpan.FromHours(-4));
        sunday.Csat.Should().Be(new MetricValue(100, 2, 0));    // 5, 4
        monday.PeriodStart.Should().Be(sunday.PeriodEnd);
        monday.Csat.Should().Be(new MetricValue(0, 1, 0));      // 1

        // In UTC the same three fall on two other days: Sun 06:30Z; Mon 03:30Z and 04:30Z.
        ServiceMetricsReport utc = Compute(interactions, [], period: MetricsPeriod.Day);
        utc.Rows.Select(r => (r.PeriodStart, r.Interactions)).Should().Equal(
            (new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.Zero), 1),
            (new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero), 2));
    }

    [Fact]
    public void PeriodDay_TheDayDaylightSavingTimeEnds_Has25Hours()
    {
        // New York falls back on Sunday 2026-11-01 at 02:00 (-04:00 -> -05:00); 01:30 happens twice.
        DateTimeOffset first0130 = new(2026, 11, 1, 5, 30, 0, TimeSpan.Zero);
        DateTimeOffset second0130 = new(2026, 11, 1, 6, 30, 0, TimeSpan.Zero);

        ServiceMetricsReport report = Compute([Chat("ana", at: first0130), Chat("ana", at: second0130)], [], period: MetricsPeriod.Day, timeZone: NewYork);

        ServiceMetricsRow day = report.Rows.Should().ContainSingle().Which;
        day.Interactions.Should().Be(2);
        day.PeriodStart.Should().Be(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(-4)));
        day.PeriodEnd.Should().Be(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(-5)));
        (day.PeriodEnd - day.PeriodStart).Should().Be(H(25));
    }

    [Fact]
    public void PeriodDay_WhenMidnightIsSkipped_TheDayStartsWhenTheClocksJump()
    {
        // Santiago springs forward at midnight: on 2024-09-08 local time goes from 23:59:59 (-04:00)
        // to 01:00 (-03:00), so that day starts at 01:00 -03:00 (04:00Z) and the day before has 23 hours.
        TimeZoneInfo santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        DateTimeOffset saturdayNoon = new(2024, 9, 7, 16, 0, 0, TimeSpan.Zero);
        DateTimeOffset sundayNoon = new(2024, 9, 8, 15, 0, 0, TimeSpan.Zero);

        ServiceMetricsReport report = Compute([Chat("ana", at: saturdayNoon), Chat("ana", at: sundayNoon)], [], period: MetricsPeriod.Day, timeZone: santiago);

        report.Rows.Select(r => (r.PeriodStart, r.PeriodEnd)).Should().Equal(
            (new DateTimeOffset(2024, 9, 7, 0, 0, 0, TimeSpan.FromHours(-4)), new DateTimeOffset(2024, 9, 8, 1, 0, 0, TimeSpan.FromHours(-3))),
            (new DateTimeOffset(2024, 9, 8, 1, 0, 0, TimeSpan.FromHours(-3)), new DateTimeOffset(2024, 9, 9, 0, 0, 0, TimeSpan.FromHours(-3))));
    }

    [Fact]
    public void PeriodWeek_SplitsAtLocalMondayMidnight_AcrossDaylightSavingTime()
    {
        // Sun 2026-03-08 23:30 EDT is in the week of Mon 2026-03-02; Mon 00:30 EDT starts the week of 2026-03-09.
        DateTimeOffset sunday2330 = new(2026, 3, 9, 3, 30, 0, TimeSpan.Zero);
        DateTimeOffset monday0030 = new(2026, 3, 9, 4, 30, 0, TimeSpan.Zero);
        SupportCase lastWeek = Case("ana", sunday2330, Opened(sunday2330), Breach(monday0030));   // opened Sunday: last week's
        SupportCase thisWeek = Case("ana", monday0030, Opened(monday0030));

        ServiceMetricsReport report = Compute(
            [Chat("ana", csat: 5, at: sunday2330), Chat("ana", csat: 2, at: monday0030), Chat("ana", csat: 4, at: T0)],
            [lastWeek, thisWeek],
            period: MetricsPeriod.Week,
            timeZone: NewYork);

        report.Rows.Should().HaveCount(2);
        ServiceMetricsRow first = report.Rows[0], second = report.Rows[1];
        first.PeriodStart.Should().Be(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.FromHours(-5)));
        first.PeriodEnd.Should().Be(new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.FromHours(-4)));
        (first.PeriodEnd - first.PeriodStart).Should().Be(TimeSpan.FromHours(7 * 24 - 1));
        second.PeriodStart.Should().Be(first.PeriodEnd);
        second.PeriodEnd.Should().Be(new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.FromHours(-4)));

        // week of 03-02: CSAT 5 (Sun night), 4 (T0, Mon 2 Mar) -> 100; the case breached (on Monday, but it was opened on Sunday) -> SLA 0 of 1
        first.Csat.Should().Be(new MetricValue(100, 2, 0));
        first.SlaCompliance.Should().Be(new MetricValue(0, 1, 0));
        // week of 03-09: CSAT 2 -> 0; SLA 1 of 1
        second.Csat.Should().Be(new MetricValue(0, 1, 0));
        second.SlaCompliance.Should().Be(new MetricValue(100, 1, 0));
    }

    [Fact]
    public void PeriodWeek_CanStartOnSunday()
    {
        DateTimeOffset saturday = new(2026, 3, 7, 17, 0, 0, TimeSpan.Zero);
        DateTimeOffset sunday = new(2026, 3, 8, 17, 0, 0, TimeSpan.Zero);

        ServiceMetricsReport monday = ServiceMetrics.Compute([Chat("ana", at: saturday), Chat("ana", at: sunday)], [], new ServiceMetricsOptions { Period = MetricsPeriod.Week });
        ServiceMetricsReport sundayFirst = ServiceMetrics.Compute([Chat("ana", at: saturday), Chat("ana", at: sunday)], [], new ServiceMetricsOptions { Period = MetricsPeriod.Week, FirstDayOfWeek = DayOfWeek.Sunday });

        monday.Rows.Select(r => r.PeriodStart).Should().Equal(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero));
        sundayFirst.Rows.Select(r => r.PeriodStart).Should().Equal(
            new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void PeriodMonth_FollowsTheTimeZone()
    {
        // 2026-04-01T02:00Z is still 31 March (22:00 EDT) in New York.
        DateTimeOffset lateMarch = new(2026, 4, 1, 2, 0, 0, TimeSpan.Zero);
        Interaction[] interactions = [Chat("ana", at: lateMarch), Chat("ana", at: T0)];

        ServiceMetricsReport local = Compute(interactions, [], period: MetricsPeriod.Month, timeZone: NewYork);
        ServiceMetricsReport utc = Compute(interactions, [], period: MetricsPeriod.Month);

        ServiceMetricsRow march = local.Rows.Should().ContainSingle().Which;
        march.Interactions.Should().Be(2);
        march.PeriodStart.Should().Be(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(-5)));
        march.PeriodEnd.Should().Be(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(-4)));
        utc.Rows.Select(r => (r.PeriodStart, r.Interactions)).Should().Equal(
            (new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), 1),
            (new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), 1));
    }

    [Fact]
    public void AgentAndPeriod_TogetherGiveOneRowPerAgentAndPeriod_OrderedByPeriodThenKey()
    {
        DateTimeOffset tuesday = T0.AddDays(1);
        Interaction[] interactions = [Chat("ben", at: tuesday), Chat("ana", at: tuesday), Chat("ben", at: T0), Chat("ana", at: T0)];
        SupportCase[] cases = [Case(null, T0, Opened(T0)), Case("cy", tuesday, Opened(tuesday))];

        ServiceMetricsReport report = Compute(interactions, cases, MetricsGrouping.Agent, MetricsPeriod.Day, NewYork);

        report.Rows.Select(r => (r.PeriodStart!.Value.Day, r.Key)).Should().Equal((2, "ana"), (2, "ben"), (2, null), (3, "ana"), (3, "ben"), (3, "cy"));
        report.Overall.Interactions.Should().Be(4);
        report.Overall.Cases.Should().Be(2);
    }

    [Fact]
    public void CaseMetrics_CountInThePeriodTheCaseWasOpened_AndAnUnsetOpenedAtFallsBackToTheTimeline()
    {
        DateTimeOffset april = new(2026, 4, 10, 12, 0, 0, TimeSpan.Zero);
        // Opened in March, approved in April: the case and its turnaround count in March.
        SupportCase march = Case("ana", T0, Opened(T0), Request(T0, "a"), Approve(april, "a"));
        // No OpenedAt: its first timeline entry dates it.
        SupportCase noOpenedAt = Case("ana", null, Opened(april), Escalate(april));

        ServiceMetricsReport report = Compute([], [march, noOpenedAt], period: MetricsPeriod.Month);

        report.Rows.Select(r => (r.PeriodStart!.Value.Month, r.Cases, r.ApprovalTurnaround.Count, r.EscalatedCases)).Should().Equal((3, 1, 1, 0), (4, 1, 0, 1));
    }

    [Fact]
    public void UndatedItems_AreLeftOutOfPeriodRows_CountedInTheReport_AndKeptInOverall()
    {
        Interaction noTurns = Chat("ana", csat: 5) with { Turns = [] };
        SupportCase noDates = new() { Id = "undated", CustomerId = "C-1", Owner = Ana };

        ServiceMetricsReport report = Compute([noTurns, Chat("ana", csat: 1)], [noDates], period: MetricsPeriod.Day);

        (report.UndatedInteractions, report.UndatedCases).Should().Be((1, 1));
        report.Rows.Should().ContainSingle().Which.Interactions.Should().Be(1);
        report.Overall.Csat.Should().Be(new MetricValue(50, 2, 0));
        report.Overall.Cases.Should().Be(1);

        ServiceMetricsReport allTime = Compute([noTurns], [noDates], MetricsGrouping.Agent);
        (allTime.UndatedInteractions, allTime.UndatedCases).Should().Be((0, 0));
        allTime.Rows.Should().ContainSingle().Which.Should().Match<ServiceMetricsRow>(r => r.Key == "ana" && r.Interactions == 1 && r.Cases == 1);
    }

    [Fact]
    public void AnInteractionIsDatedByItsEarliestTurn()
    {
        Interaction overnight = Chat("ana") with
        {
            Turns = [new Turn(Speaker.Agent, "Done.", T0.AddDays(1)), new Turn(Speaker.Customer, "Hello?", T0)],
        };

        ServiceMetricsReport report = Compute([overnight], [], period: MetricsPeriod.Day);

        report.Rows.Should().ContainSingle().Which.PeriodStart.Should().Be(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero));
    }

    // ---------------------------------------------------------------- the API

    [Fact]
    public void TheOptionsOverload_AndTheShortOverload_Agree()
    {
        Interaction[] interactions = [Chat("ana", team: "blue", csat: 5, nps: 10, ces: 6, fcr: true), Chat("ben", csat: 2, nps: 3, at: T0.AddDays(8))];
        SupportCase[] cases = [Case("ana", T0, Opened(T0), Request(T0, "a"), Approve(T0 + H(1), "a"))];
        Func<string, string?> teams = a => a == "ben" ? "red" : null;

        ServiceMetricsReport shortForm = ServiceMetrics.Compute(interactions, cases, MetricsGrouping.Team, MetricsPeriod.Week, NewYork, teams);
        ServiceMetricsReport options = ServiceMetrics.Compute(interactions, cases, new ServiceMetricsOptions
        {
            Grouping = MetricsGrouping.Team,
            Period = MetricsPeriod.Week,
            TimeZone = NewYork,
            TeamOfAgent = teams,
        });

        options.Overall.Should().BeEquivalentTo(shortForm.Overall);
        options.Rows.Should().BeEquivalentTo(shortForm.Rows, o => o.WithStrictOrdering());
        options.Rows.Should().HaveCount(3);
        (options.Grouping, options.Period, options.TimeZone).Should().Be((MetricsGrouping.Team, MetricsPeriod.Week, NewYork));
    }

    [Fact]
    public void WithoutGroupingOrPeriods_TheOneRowIsOverall()
    {
        ServiceMetricsReport report = Compute([Chat("ana", csat: 5)], [Case("ana", T0, Opened(T0))]);

        report.Rows.Should().ContainSingle().Which.Should().BeSameAs(report.Overall);
        report.Overall.Key.Should().BeNull();
        report.Overall.PeriodStart.Should().BeNull();
        report.Overall.PeriodEnd.Should().BeNull();
    }

    [Fact]
    public void BadArguments_Throw()
    {
        Action noInteractions = () => ServiceMetrics.Compute(null!, []);
        Action noCases = () => ServiceMetrics.Compute([], null!);
        Action noOptions = () => ServiceMetrics.Compute([], [], (ServiceMetricsOptions)null!);
        Action nullInteraction = () => ServiceMetrics.Compute([Chat("ana"), null!], []);
        Action nullCase = () => ServiceMetrics.Compute([], [null!]);
        Action badGrouping = () => ServiceMetrics.Compute([], [], (MetricsGrouping)7);
        Action badPeriod = () => ServiceMetrics.Compute([], [], period: (MetricsPeriod)(-1));
        Action badWeek = () => ServiceMetrics.Compute([], [], new ServiceMetricsOptions { FirstDayOfWeek = (DayOfWeek)9 });

        noInteractions.Should().Throw<ArgumentNullException>().WithParameterName("interactions");
        noCases.Should().Throw<ArgumentNullException>().WithParameterName("cases");
        noOptions.Should().Throw<ArgumentNullException>().WithParameterName("options");
        nullInteraction.Should().Throw<ArgumentException>().WithMessage("*index 1*").WithParameterName("interactions");
        nullCase.Should().Throw<ArgumentException>().WithMessage("*index 0*").WithParameterName("cases");
        badGrouping.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("grouping");
        badPeriod.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("period");
        badWeek.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("options");
    }

    [Fact]
    public void TheInputsAreReadOnce()
    {
        int interactionReads = 0, caseReads = 0;
        IEnumerable<Interaction> Interactions()
        {
            interactionReads++;
            yield return Chat("ana", csat: 5);
        }

        IEnumerable<SupportCase> Cases()
        {
            caseReads++;
            yield return Case("ana", T0, Opened(T0));
        }

        ServiceMetrics.Compute(Interactions(), Cases(), MetricsGrouping.Agent, MetricsPeriod.Day).Rows.Should().ContainSingle();

        (interactionReads, caseReads).Should().Be((1, 1));
    }

    // ---------------------------------------------------------------- the worked example in docs/metrics.md

    [Fact]
    public void TheWorkedExampleInTheDocs()
    {
        Dictionary<string, string> teams = new() { ["ana"] = "blue", ["ben"] = "red", ["cy"] = "red" };
        Interaction[] interactions =
        [
            Chat("ana", team: "blue", csat: 5, nps: 10, ces: 6, fcr: true),
            Chat("ana", team: "blue", csat: 4, nps: 8, ces: 7, fcr: true),
            Chat("ben", team: "red", csat: 2, nps: 3, ces: 2, fcr: false),
            Chat("ben", team: "red", csat: 6, nps: 9, fcr: null),
            Chat("cy", team: "red", csat: 3, nps: 11, ces: 0, fcr: true),
        ];
        SupportCase[] cases =
        [
            Case("ana", T0, Opened(T0), Request(T0 + H(1), "A"), Approve(T0 + H(1) + M(30), "A", Tina)),
            Case("ana", T0, Opened(T0), Breach(T0 + H(8)), Escalate(T0 + H(8), actor: null)),
            Case("ben", T0, Opened(T0), Request(T0, "C"), Breach(T0 + H(4), SlaTimerKind.Approval), Reject(T0 + H(4), "C", actor: null)),
            Case("ben", T0, Opened(T0), Resolve(T0 + H(2))),
            Case("cy", T0, Opened(T0), Request(T0 + H(2), "E1"), Approve(T0 + H(3), "E1", Tina), Request(T0 + H(5), "E2"), Reject(T0 + H(5) + M(10), "E2", Tina)),
        ];

        ServiceMetricsReport report = ServiceMetrics.Compute(interactions, cases, MetricsGrouping.Team, teamOfAgent: a => teams.GetValueOrDefault(a));
        ServiceMetricsRow all = report.Overall;

        all.Csat.Should().Be(new MetricValue(50, 4, 1));                   // 5 4 2 3 valid, 6 excluded: 2 of 4
        all.Nps.Should().Be(new MetricValue(25, 4, 1));                    // 10 8 3 9 valid, 11 excluded: (2 - 1) / 4
        all.Ces.Should().Be(new MetricValue(5, 3, 1));                     // (6 + 7 + 2) / 3, 0 excluded
        all.FirstContactResolution.Should().Be(new MetricValue(75, 4, 0)); // 3 of 4 known
        all.SlaCompliance.Should().Be(new MetricValue(60, 5, 0));          // 3 of 5 without a breach
        all.EscalationRate.Should().Be(new MetricValue(80, 5, 0));         // 4 of 5
        (all.EscalatedCases, all.ApprovalRequestedCases).Should().Be((1, 3));
        all.ApprovalTurnaround.Should().Be(new TurnaroundMetric(M(45), M(186), 4, 0, 1, 0)); // 10 30 60 240

        report.Rows.Select(r => r.Key).Should().Equal("blue", "red");
        ServiceMetricsRow blue = report.Rows[0], red = report.Rows[1];
        blue.Csat.Should().Be(new MetricValue(100, 2, 0));
        blue.Nps.Should().Be(new MetricValue(50, 2, 0));                   // (1 - 0) / 2
        blue.Ces.Should().Be(new MetricValue(6.5, 2, 0));                  // (6 + 7) / 2
        blue.FirstContactResolution.Should().Be(new MetricValue(100, 2, 0));
        blue.SlaCompliance.Should().Be(new MetricValue(50, 2, 0));
        blue.EscalationRate.Should().Be(new MetricValue(100, 2, 0));
        blue.ApprovalTurnaround.Should().Be(new TurnaroundMetric(M(30), M(30), 1, 0, 0, 0));
        red.Csat.Should().Be(new MetricValue(0, 2, 1));                    // 2, 3 valid; 6 excluded
        red.Nps.Should().Be(new MetricValue(0, 2, 1));                     // 3, 9: (1 - 1) / 2; 11 excluded
        red.Ces.Should().Be(new MetricValue(2, 1, 1));
        red.FirstContactResolution.Should().Be(new MetricValue(50, 2, 0));
        red.SlaCompliance.Should().Be(new MetricValue(200.0 / 3, 3, 0));
        red.EscalationRate.Should().Be(new MetricValue(200.0 / 3, 3, 0));
        red.ApprovalTurnaround.Should().Be(new TurnaroundMetric(M(60), M(204), 3, 0, 1, 0)); // 10 60 240: p90 h = 1.8 -> 60 + 0.8 * 180
    }

    // ---------------------------------------------------------------- builders

    private static ServiceMetricsReport Compute(
        IEnumerable<Interaction> interactions,
        IEnumerable<SupportCase>? cases = null,
        MetricsGrouping grouping = MetricsGrouping.None,
        MetricsPeriod period = MetricsPeriod.All,
        TimeZoneInfo? timeZone = null,
        Func<string, string?>? teamOfAgent = null) =>
        ServiceMetrics.Compute(interactions, cases ?? [], grouping, period, timeZone, teamOfAgent);

    private static TimeSpan H(double hours) => TimeSpan.FromHours(hours);

    private static TimeSpan M(double minutes) => TimeSpan.FromMinutes(minutes);

    private static Interaction Chat(string agent, string? team = null, int? csat = null, int? nps = null, int? ces = null, bool? fcr = null, DateTimeOffset? at = null) => new()
    {
        Id = $"i-{Interlocked.Increment(ref s_ids)}",
        AgentId = agent,
        AgentRole = "Agent",
        TeamId = team,
        CustomerId = "C-1",
        Turns = [new Turn(Speaker.Customer, "My blender broke.", at ?? T0)],
        ResolvedAtFirstContact = fcr,
        Survey = csat is null && nps is null && ces is null ? null : new SurveyAnswers { Satisfaction = csat, Recommend = nps, Effort = ces },
    };

    /// <summary>One interaction per answer, each answering only the given question.</summary>
    private static Interaction[] Surveyed(int[]? csat = null, int[]? nps = null, int[]? ces = null) =>
    [
        .. (csat ?? []).Select(a => Chat("ana", csat: a)),
        .. (nps ?? []).Select(a => Chat("ana", nps: a)),
        .. (ces ?? []).Select(a => Chat("ana", ces: a)),
    ];

    /// <summary>A case whose timeline is <paramref name="history"/>, numbered in order.</summary>
    private static SupportCase Case(string? owner, DateTimeOffset? openedAt, params CaseEvent[] history) => new()
    {
        Id = $"case-{Interlocked.Increment(ref s_ids)}",
        CustomerId = "C-1",
        Owner = owner is null ? null : new CaseActor(owner, "Agent"),
        OpenedAt = openedAt ?? default,
        History = [.. history.Select((e, i) => new CaseEvent(e) { Sequence = i + 1 })],
    };

    /// <summary>One case per turnaround (in minutes), each approved by Tina.</summary>
    private static SupportCase[] ApprovalCases(params int[] minutes) =>
        [.. minutes.Select((m, i) => Case("ana", T0, Opened(T0), Request(T0 + H(i), $"a{i}"), Approve(T0 + H(i) + M(m), $"a{i}")))];

    private static CaseEvent Event(CaseEventKind kind, DateTimeOffset at, CaseTrigger? trigger = null, string? approvalId = null, CaseActor? actor = null, SlaTimerKind? timer = null) => new()
    {
        Sequence = 0,
        At = at,
        Kind = kind,
        Trigger = trigger,
        From = CaseState.InProgress,
        To = CaseState.InProgress,
        Level = 0,
        Actor = actor,
        ApprovalId = approvalId,
        Timer = timer,
    };

    private static CaseEvent Opened(DateTimeOffset at) => Event(CaseEventKind.Opened, at, actor: Ana);

    private static CaseEvent Note(DateTimeOffset at) => Event(CaseEventKind.Note, at, actor: Ana);

    private static CaseEvent Warning(DateTimeOffset at) => Event(CaseEventKind.SlaWarning, at, timer: SlaTimerKind.Resolution);

    private static CaseEvent Breach(DateTimeOffset at, SlaTimerKind timer = SlaTimerKind.Resolution) => Event(CaseEventKind.SlaBreach, at, timer: timer);

    /// <summary>An escalation by <paramref name="actor"/> (the SLA monitor when <see langword="null"/>).</summary>
    private static CaseEvent Escalate(DateTimeOffset at, CaseActor? actor = null) => Event(CaseEventKind.Transition, at, CaseTrigger.Escalate, actor: actor);

    private static CaseEvent Resolve(DateTimeOffset at) => Event(CaseEventKind.Transition, at, CaseTrigger.Resolve, actor: Ana);

    private static CaseEvent Request(DateTimeOffset at, string? approvalId) => Event(CaseEventKind.Transition, at, CaseTrigger.RequestApproval, approvalId, Ana);

    private static CaseEvent Reroute(DateTimeOffset at, string approvalId) => Event(CaseEventKind.Transition, at, CaseTrigger.RerouteApproval, approvalId);

    private static CaseEvent Approve(DateTimeOffset at, string approvalId, CaseActor? actor = null) => Event(CaseEventKind.Transition, at, CaseTrigger.Approve, approvalId, actor ?? Tina);

    private static CaseEvent Reject(DateTimeOffset at, string approvalId, CaseActor? actor) => Event(CaseEventKind.Transition, at, CaseTrigger.Reject, approvalId, actor);
}
