using System.Diagnostics.Metrics;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Escalation.Workflow;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.Tests.Escalation;

/// <summary>
/// Every SLA clock rule, driven by the fake time provider: warnings, breaches and what they do,
/// business hours, pauses, approval timeouts, cascades, idempotency, concurrency and claims.
/// </summary>
public sealed class SlaClockTests
{
    private const string L = "CustomerCraft:Escalation:Levels";
    private const string Cal = "CustomerCraft:Escalation:Calendar";

    /// <summary>Monday 2026-03-02 15:00Z (10:00 in New York).</summary>
    private static readonly DateTimeOffset T0 = PolicyFixtures.Start;

    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    // ---------------------------------------------------------------- warnings and breaches

    [Fact]
    public async Task Warnings_AtHalfAndThreeQuartersOfTheTarget_ThenTheBreachEscalates_EachAtItsExactInstant()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await workflow.OpenAsync(); // owned by Ana: only the 8h resolution clock runs
        SlaTimer clock = opened.Timers.Should().ContainSingle().Which;
        clock.Kind.Should().Be(SlaTimerKind.Resolution);
        clock.DueAt.Should().Be(T0 + H(8));
        clock.NextWarningAt.Should().Be(T0 + H(4));

        DateTimeOffset warn50 = T0 + H(4), warn75 = T0 + H(6), due = T0 + H(8);

        (await ProcessAtAsync(host, warn50.AddTicks(-1))).Should().Be(default(SlaProcessingResult));
        (await workflow.FindAsync("case-1"))!.Version.Should().Be(opened.Version, "nothing is raised before its instant");

        (await ProcessAtAsync(host, warn50)).Should().Be(new SlaProcessingResult(1, 1, 0, 0));
        (await ProcessAtAsync(host, warn75.AddTicks(-1))).Should().Be(default(SlaProcessingResult));
        (await ProcessAtAsync(host, warn75)).Should().Be(new SlaProcessingResult(1, 1, 0, 0));
        (await ProcessAtAsync(host, due.AddTicks(-1))).Should().Be(default(SlaProcessingResult));
        SupportCase beforeBreach = (await workflow.FindAsync("case-1"))!;
        beforeBreach.Level.Should().Be(0);
        beforeBreach.State.Should().Be(CaseState.InProgress);

        (await ProcessAtAsync(host, due)).Should().Be(new SlaProcessingResult(1, 0, 1, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.Level.Should().Be(1);
        after.State.Should().Be(CaseState.Escalated);
        after.Handler.Should().BeNull("the case waits in the team leads' queue");
        after.Owner.Should().Be(Ana);
        after.Version.Should().Be(opened.Version + 3);

        SlaEntries(after).Should().Equal(
            (CaseEventKind.SlaWarning, warn50, SlaTimerKind.Resolution, 0),
            (CaseEventKind.SlaWarning, warn75, SlaTimerKind.Resolution, 0),
            (CaseEventKind.SlaBreach, due, SlaTimerKind.Resolution, 0));

        CaseEvent escalation = after.History[^1];
        escalation.Kind.Should().Be(CaseEventKind.Transition);
        escalation.Trigger.Should().Be(CaseTrigger.Escalate);
        escalation.Reason.Should().Be(EscalationReason.SlaBreach);
        escalation.At.Should().Be(due);
        escalation.Actor.Should().BeNull("the SLA monitor acted");
        escalation.From.Should().Be(CaseState.InProgress);
        escalation.To.Should().Be(CaseState.Escalated);
        escalation.Level.Should().Be(1);
        after.History[^2].Kind.Should().Be(CaseEventKind.SlaBreach);

        // The team lead's stint starts its own clocks at the instant of the breach.
        after.Timers.Select(t => (t.Kind, t.Level, t.RunningSince, t.DueAt)).Should().Equal(
            (SlaTimerKind.Response, 1, due, due + M(30)),
            (SlaTimerKind.Resolution, 1, due, due + H(4)));
    }

    [Fact]
    public async Task ResponseBreach_OnAnUnassignedCase_EscalatesIt()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await OpenUnownedAsync(workflow);
        opened.Timers.Select(t => (t.Kind, t.DueAt)).Should().Equal((SlaTimerKind.Response, T0 + H(1)), (SlaTimerKind.Resolution, T0 + H(8)));

        (await ProcessAtAsync(host, T0 + H(1))).Should().Be(new SlaProcessingResult(1, 2, 1, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        SlaEntries(after).Should().Equal(
            (CaseEventKind.SlaWarning, T0 + M(30), SlaTimerKind.Response, 0),
            (CaseEventKind.SlaWarning, T0 + M(45), SlaTimerKind.Response, 0),
            (CaseEventKind.SlaBreach, T0 + H(1), SlaTimerKind.Response, 0));
        after.State.Should().Be(CaseState.Escalated);
        after.Level.Should().Be(1);
        after.History[^1].From.Should().Be(CaseState.New);
    }

    [Fact]
    public async Task Assign_StopsTheResponseClock_TheResolutionClockKeepsRunning()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await OpenUnownedAsync(workflow);

        host.Time.Advance(M(10));
        SupportCase taken = await workflow.AssignAsync("case-1", Ben);
        taken.Timers.Select(t => t.Kind).Should().Equal(SlaTimerKind.Resolution);
        taken.Timers[0].DueAt.Should().Be(T0 + H(8), "assigning does not restart the resolution clock");

        (await ProcessAtAsync(host, T0 + H(2))).Should().Be(default(SlaProcessingResult), "the response target no longer applies");
        SupportCase later = (await workflow.FindAsync("case-1"))!;
        later.Version.Should().Be(taken.Version);
        later.Level.Should().Be(0);
    }

    [Fact]
    public async Task Breach_WithDeny_OnACaseWithoutApproval_IsOnlyRecorded()
    {
        Dictionary<string, string?> s = Ladder();
        s[$"{L}:FrontLine:OnBreach"] = "Deny";
        using TestHost host = Build(s);
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();

        (await ProcessAtAsync(host, T0 + H(8))).Should().Be(new SlaProcessingResult(1, 2, 1, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.Level.Should().Be(0);
        after.State.Should().Be(CaseState.InProgress);
        after.History[^1].Kind.Should().Be(CaseEventKind.SlaBreach);
        after.Timers.Should().ContainSingle().Which.BreachedAt.Should().Be(T0 + H(8));
        after.NextDueAt.Should().BeNull("a breached clock has nothing more to raise");

        (await ProcessAtAsync(host, T0 + H(48))).Should().Be(default(SlaProcessingResult));
    }

    [Fact]
    public async Task Breach_AtTheTopOfTheLadder_IsOnlyRecorded()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();
        await workflow.EscalateAsync("case-1", Ana, EscalationReason.Complexity);
        SupportCase atTop = await workflow.EscalateAsync("case-1", Tina, EscalationReason.CustomerRequest);
        atTop.Level.Should().Be(2);

        // Manager: respond 1h, resolve 8h, both from T0.
        (await ProcessAtAsync(host, T0 + H(8))).Should().Be(new SlaProcessingResult(1, 4, 2, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.Level.Should().Be(2);
        after.State.Should().Be(CaseState.Escalated);
        after.History.Where(e => e.Kind == CaseEventKind.SlaBreach).Select(e => (e.At, e.Timer)).Should().Equal(
            (T0 + H(1), SlaTimerKind.Response),
            (T0 + H(8), SlaTimerKind.Resolution));
        after.History.Where(e => e.Kind == CaseEventKind.SlaBreach).Should().OnlyContain(e => e.Detail!.Contains("top of the ladder", StringComparison.Ordinal));
        after.NextDueAt.Should().BeNull();
    }

    // ---------------------------------------------------------------- business hours

    private static Dictionary<string, string?> BusinessHoursLadder(bool global = true)
    {
        Dictionary<string, string?> s = Ladder();
        if (global)
        {
            s["CustomerCraft:Escalation:Clock"] = "BusinessHours";
        }
        else
        {
            s[$"{L}:FrontLine:Clock"] = "BusinessHours";
        }

        s[$"{Cal}:TimeZone"] = "America/New_York";
        foreach (string day in new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" })
        {
            s[$"{Cal}:Hours:{day}"] = "09:00-17:00";
        }

        s[$"{Cal}:Hours:Saturday"] = "closed";
        s[$"{L}:FrontLine:Targets:Normal:Response"] = "02:00:00";
        return s;
    }

    /// <summary>Friday 2026-03-06 16:00 in New York (EST, 21:00Z); the clocks spring forward on Sunday the 8th.</summary>
    private static readonly DateTimeOffset FridayFourPm = new(2026, 3, 6, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task BusinessHours_AcrossAWeekend_TheResponseFallsDueMondayAtTenLocal()
    {
        using TestHost host = Build(BusinessHoursLadder(), time: new FakeTimeProvider(FridayFourPm));
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await OpenUnownedAsync(workflow);

        DateTimeOffset mondayTen = new(2026, 3, 9, 14, 0, 0, TimeSpan.Zero); // 10:00 EDT
        SlaTimer response = opened.Timers.Single(t => t.Kind == SlaTimerKind.Response);
        response.Clock.Should().Be(SlaClock.BusinessHours);
        response.DueAt.Should().Be(mondayTen);
        Local(response.DueAt!.Value).Should().Be(new DateTime(2026, 3, 9, 10, 0, 0));

        // 1h of the 2h falls on Friday before 17:00; the next 30 minutes on Monday from 09:00.
        DateTimeOffset warn50 = new(2026, 3, 6, 22, 0, 0, TimeSpan.Zero); // Friday 17:00 EST
        DateTimeOffset warn75 = new(2026, 3, 9, 13, 30, 0, TimeSpan.Zero); // Monday 09:30 EDT
        response.NextWarningAt.Should().Be(warn50);

        (await ProcessAtAsync(host, warn50.AddTicks(-1))).Should().Be(default(SlaProcessingResult));
        (await ProcessAtAsync(host, new DateTimeOffset(2026, 3, 8, 18, 0, 0, TimeSpan.Zero))).Should().Be(new SlaProcessingResult(1, 1, 0, 0), "the weekend does not count");
        (await ProcessAtAsync(host, warn75.AddTicks(-1))).Should().Be(default(SlaProcessingResult));
        (await ProcessAtAsync(host, mondayTen.AddTicks(-1))).Should().Be(new SlaProcessingResult(1, 1, 0, 0));
        (await ProcessAtAsync(host, mondayTen)).Should().Be(new SlaProcessingResult(1, 0, 1, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        SlaEntries(after).Should().Equal(
            (CaseEventKind.SlaWarning, warn50, SlaTimerKind.Response, 0),
            (CaseEventKind.SlaWarning, warn75, SlaTimerKind.Response, 0),
            (CaseEventKind.SlaBreach, mondayTen, SlaTimerKind.Response, 0));
        after.Level.Should().Be(1);
        after.State.Should().Be(CaseState.Escalated);
        after.Timers.Single(t => t.Kind == SlaTimerKind.Response).DueAt.Should().Be(mondayTen + M(30));
    }

    [Fact]
    public async Task BusinessHours_AcrossAHoliday_TheResponseFallsDueTuesdayAtTenLocal()
    {
        Dictionary<string, string?> s = BusinessHoursLadder();
        s[$"{Cal}:Holidays:Founders"] = "2026-03-09";
        using TestHost host = Build(s, time: new FakeTimeProvider(FridayFourPm));
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await OpenUnownedAsync(workflow);

        DateTimeOffset tuesdayTen = new(2026, 3, 10, 14, 0, 0, TimeSpan.Zero);
        SlaTimer response = opened.Timers.Single(t => t.Kind == SlaTimerKind.Response);
        response.DueAt.Should().Be(tuesdayTen);
        Local(response.DueAt!.Value).Should().Be(new DateTime(2026, 3, 10, 10, 0, 0));

        (await ProcessAtAsync(host, new DateTimeOffset(2026, 3, 9, 21, 0, 0, TimeSpan.Zero))).Warnings.Should().Be(1, "only Friday's hour has counted by Monday evening");
        (await ProcessAtAsync(host, tuesdayTen.AddTicks(-1))).Should().Be(new SlaProcessingResult(1, 1, 0, 0));
        (await ProcessAtAsync(host, tuesdayTen)).Should().Be(new SlaProcessingResult(1, 0, 1, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        SlaEntries(after).Select(e => e.At).Should().Equal(
            new DateTimeOffset(2026, 3, 6, 22, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 10, 13, 30, 0, TimeSpan.Zero),
            tuesdayTen);
    }

    [Fact]
    public async Task BusinessHours_PerLevel_OnlyThatLevelCountsOpeningHours()
    {
        using TestHost host = Build(BusinessHoursLadder(global: false), time: new FakeTimeProvider(FridayFourPm));
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await OpenUnownedAsync(workflow);
        opened.Timers.Should().OnlyContain(t => t.Clock == SlaClock.BusinessHours);
        opened.Timers.Single(t => t.Kind == SlaTimerKind.Response).DueAt.Should().Be(new DateTimeOffset(2026, 3, 9, 14, 0, 0, TimeSpan.Zero));

        SupportCase escalated = await workflow.EscalateAsync("case-1", Ana, EscalationReason.Complexity);

        escalated.Timers.Should().OnlyContain(t => t.Clock == SlaClock.Calendar && t.Level == 1);
        escalated.Timers.Single(t => t.Kind == SlaTimerKind.Response).DueAt.Should().Be(FridayFourPm + M(30), "team leads count calendar time");
    }

    [Fact]
    public async Task BusinessHours_ACaseOpenedOnTheWeekend_StartsCountingAtMondaysOpening()
    {
        var saturday = new DateTimeOffset(2026, 3, 7, 15, 0, 0, TimeSpan.Zero);
        using TestHost host = Build(BusinessHoursLadder(), time: new FakeTimeProvider(saturday));
        SupportCase opened = await OpenUnownedAsync(host.Workflow());

        SlaTimer response = opened.Timers.Single(t => t.Kind == SlaTimerKind.Response);
        Local(response.NextWarningAt!.Value).Should().Be(new DateTime(2026, 3, 9, 10, 0, 0));
        Local(response.DueAt!.Value).Should().Be(new DateTime(2026, 3, 9, 11, 0, 0));
    }

    // ---------------------------------------------------------------- pause and resume

    [Fact]
    public async Task AwaitCustomer_PausesTheClock_AndTheDueInstantShiftsByExactlyThePause()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await workflow.OpenAsync();
        DateTimeOffset originalDue = opened.Timers[0].DueAt!.Value;
        DateTimeOffset originalWarning = opened.Timers[0].NextWarningAt!.Value;

        host.Time.SetUtcNow(T0 + H(1));
        SupportCase paused = await workflow.AwaitCustomerAsync("case-1", Ana, "Asked for a photo of the receipt.");
        paused.State.Should().Be(CaseState.AwaitingCustomer);
        SlaTimer stopped = paused.Timers.Should().ContainSingle().Which;
        stopped.Consumed.Should().Be(H(1));
        stopped.RunningSince.Should().BeNull();
        stopped.DueAt.Should().BeNull();
        stopped.NextEventAt.Should().BeNull();
        paused.NextDueAt.Should().BeNull("a paused case is not due");

        // Long past the original due instant: nothing happens while the customer has the ball.
        (await ProcessAtAsync(host, T0 + H(10))).Should().Be(default(SlaProcessingResult));
        (await host.Store().ClaimDueAsync(T0 + H(10), 10, TimeSpan.FromMinutes(1))).Should().BeEmpty();
        (await workflow.FindAsync("case-1"))!.Version.Should().Be(paused.Version);

        TimeSpan pause = H(10);
        host.Time.SetUtcNow(T0 + H(1) + pause);
        SupportCase resumed = await workflow.CustomerRepliedAsync("case-1", "Photo attached.");
        resumed.State.Should().Be(CaseState.InProgress);
        SlaTimer running = resumed.Timers.Should().ContainSingle().Which;
        running.RunningSince.Should().Be(T0 + H(11));
        running.DueAt.Should().Be(originalDue + pause);
        running.NextWarningAt.Should().Be(originalWarning + pause);

        (await ProcessAtAsync(host, originalWarning + pause - Tick)).Should().Be(default(SlaProcessingResult));
        (await ProcessAtAsync(host, originalDue + pause - Tick)).Should().Be(new SlaProcessingResult(1, 2, 0, 0));
        (await ProcessAtAsync(host, originalDue + pause)).Should().Be(new SlaProcessingResult(1, 0, 1, 0));

        SlaEntries((await workflow.FindAsync("case-1"))!).Select(e => e.At).Should().Equal(
            T0 + H(4) + pause, T0 + H(6) + pause, T0 + H(8) + pause);
    }

    [Fact]
    public async Task AwaitCustomer_AfterAWarning_KeepsItAndResumesTowardsTheNextOne()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();
        (await ProcessAtAsync(host, T0 + H(5))).Warnings.Should().Be(1);
        await workflow.AwaitCustomerAsync("case-1", Ana);

        host.Time.SetUtcNow(T0 + H(29));
        SupportCase resumed = await workflow.CustomerRepliedAsync("case-1");

        SlaTimer timer = resumed.Timers.Single();
        timer.WarningsRaised.Should().Be(1);
        timer.Consumed.Should().Be(H(5));
        timer.NextWarningAt.Should().Be(T0 + H(30), "75% of 8h is 6h, 1h of which is left");
        timer.DueAt.Should().Be(T0 + H(32));
    }

    [Fact]
    public async Task AwaitCustomer_StopsTheResponseClockForGood_AndPausesTheResolutionClock()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();
        SupportCase escalated = await workflow.EscalateAsync("case-1", Ana, EscalationReason.Complexity);
        escalated.Timers.Select(t => t.Kind).Should().Equal(SlaTimerKind.Response, SlaTimerKind.Resolution);

        host.Time.SetUtcNow(T0 + M(10));
        SupportCase waiting = await workflow.AwaitCustomerAsync("case-1", Tina);
        waiting.Timers.Select(t => (t.Kind, t.Consumed, t.RunningSince)).Should().Equal((SlaTimerKind.Resolution, M(10), (DateTimeOffset?)null));

        host.Time.SetUtcNow(T0 + H(3));
        SupportCase resumed = await workflow.CustomerRepliedAsync("case-1");
        resumed.State.Should().Be(CaseState.Escalated);
        resumed.Timers.Select(t => t.Kind).Should().Equal(SlaTimerKind.Resolution);

        // 4h target, 10 minutes used before the pause: due 3h50m after the reply.
        DateTimeOffset due = T0 + H(3) + H(4) - M(10);
        resumed.Timers[0].DueAt.Should().Be(due);
        (await ProcessAtAsync(host, due)).Should().Be(new SlaProcessingResult(1, 2, 1, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        SlaEntries(after).Should().Equal(
            (CaseEventKind.SlaWarning, T0 + H(3) + H(2) - M(10), SlaTimerKind.Resolution, 1),
            (CaseEventKind.SlaWarning, T0 + H(3) + H(3) - M(10), SlaTimerKind.Resolution, 1),
            (CaseEventKind.SlaBreach, due, SlaTimerKind.Resolution, 1));
        after.Level.Should().Be(2);
    }

    [Fact]
    public async Task AwaitCustomer_InBusinessHours_TheTimeWaitingDoesNotCount()
    {
        // Opened Monday 10:00 local with 2h business hours to respond and 8h to resolve.
        using TestHost host = Build(BusinessHoursLadder(), time: new FakeTimeProvider(T0));
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync(); // owned: only the resolution clock (8h business = Tuesday 10:00)
        host.Time.SetUtcNow(T0 + H(2)); // 12:00 local: 2h used
        await workflow.AwaitCustomerAsync("case-1", Ana);
        host.Time.SetUtcNow(new DateTimeOffset(2026, 3, 4, 15, 0, 0, TimeSpan.Zero)); // Wednesday 10:00 local

        SupportCase resumed = await workflow.CustomerRepliedAsync("case-1");

        SlaTimer timer = resumed.Timers.Single();
        timer.Consumed.Should().Be(H(2));
        Local(timer.DueAt!.Value).Should().Be(new DateTime(2026, 3, 4, 16, 0, 0), "6 business hours remain from Wednesday 10:00");
        Local(timer.NextWarningAt!.Value).Should().Be(new DateTime(2026, 3, 4, 12, 0, 0), "50% of 8h is 4h, 2h of which remain");
    }

    [Fact]
    public async Task AwaitCustomer_AfterAWarningFellDueButBeforeTheMonitorRan_StillStampsTheWarningAtItsDueInstant()
    {
        // The monitor runs late (or not at all) between the warning instant and the pause. The
        // timeline must not depend on how often deadlines are processed: the warning fell due at
        // T0+4h while the clock ran, so it is stamped then, not when the customer replies.
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();

        host.Time.SetUtcNow(T0 + H(4) + M(5));
        await workflow.AwaitCustomerAsync("case-1", Ana);
        host.Time.SetUtcNow(T0 + H(30));
        await workflow.CustomerRepliedAsync("case-1");
        await ProcessAtAsync(host, T0 + H(30));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.History.Where(e => e.Kind == CaseEventKind.SlaWarning).Select(e => e.At).Should().Equal(
            [T0 + H(4)],
            "the 50% warning fell due at T0+4h, before the pause; the timeline was {0}",
            string.Join("; ", after.History.Select(e => $"{e.At:O} {e.Kind} {e.Trigger}")));
    }

    [Fact]
    public async Task Assign_AfterTheResponseTargetPassedButBeforeTheMonitorRan_TheBreachIsStillRecordedAtItsDueInstant()
    {
        // The response was late: taking the case two minutes after the target must not erase the
        // breach just because the monitor had not run yet.
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await OpenUnownedAsync(workflow);

        host.Time.SetUtcNow(T0 + H(1) + M(2));
        try
        {
            await workflow.AssignAsync("case-1", Ben);
        }
        catch (ArgumentException ex) when (ex.ParamName == "assignee.Role")
        {
            // The breach escalated the case to the TeamLead level first, where an agent may not
            // take it: refusing the move is right, and the breach is applied by the monitor.
        }

        await workflow.ProcessDueAsync();

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.History.Where(e => e.Kind == CaseEventKind.SlaBreach).Select(e => (e.Timer, e.At)).Should().Contain(
            (SlaTimerKind.Response, T0 + H(1)),
            "the front line's 1h response target passed at T0+1h; the timeline was {0}",
            string.Join("; ", after.History.Select(e => $"{e.At:O} {e.Kind} {e.Trigger} {e.Timer}")));
    }

    // ---------------------------------------------------------------- approval timeouts

    /// <summary>The fixture ladder with only approval clocks above the front line (the level targets would otherwise breach first).</summary>
    private static Dictionary<string, string?> ApprovalLadder(bool keepManagerTargets = false)
    {
        Dictionary<string, string?> s = Ladder();
        foreach (string key in s.Keys.Where(k => k.StartsWith($"{L}:TeamLead:Targets:", StringComparison.Ordinal)
            || (!keepManagerTargets && k.StartsWith($"{L}:Manager:Targets:", StringComparison.Ordinal))).ToList())
        {
            s.Remove(key);
        }

        return s;
    }

    [Fact]
    public async Task ApprovalTimeout_WithReroute_MovesTheApprovalUpWithANewClock()
    {
        using TestHost host = Build(ApprovalLadder());
        ICaseWorkflow workflow = host.Workflow();
        SupportCase asked = await workflow.AwaitingApprovalAsync();
        asked.Level.Should().Be(1);
        SlaTimer approvalClock = asked.Timers.Should().ContainSingle().Which;
        approvalClock.Kind.Should().Be(SlaTimerKind.Approval);
        approvalClock.DueAt.Should().Be(T0 + H(2));

        (await ProcessAtAsync(host, T0 + H(2) - Tick)).Should().Be(new SlaProcessingResult(1, 2, 0, 0));
        (await workflow.FindAsync("case-1"))!.Level.Should().Be(1);

        (await ProcessAtAsync(host, T0 + H(2))).Should().Be(new SlaProcessingResult(1, 0, 1, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.State.Should().Be(CaseState.AwaitingApproval);
        after.Level.Should().Be(2);
        after.Handler.Should().BeNull();
        after.PendingApproval!.ApprovalId.Should().Be(asked.PendingApproval!.ApprovalId);
        SlaTimer managerClock = after.Timers.Should().ContainSingle().Which;
        managerClock.Should().BeEquivalentTo(new
        {
            Kind = SlaTimerKind.Approval,
            Level = 2,
            Target = H(4),
            RunningSince = (DateTimeOffset?)(T0 + H(2)),
            DueAt = (DateTimeOffset?)(T0 + H(6)),
            WarningsRaised = 0,
            BreachedAt = (DateTimeOffset?)null,
        });

        CaseEvent breach = after.History[^2];
        breach.Kind.Should().Be(CaseEventKind.SlaBreach);
        breach.Timer.Should().Be(SlaTimerKind.Approval);
        breach.At.Should().Be(T0 + H(2));
        breach.Level.Should().Be(1);
        CaseEvent reroute = after.History[^1];
        reroute.Trigger.Should().Be(CaseTrigger.RerouteApproval);
        reroute.At.Should().Be(T0 + H(2));
        reroute.Level.Should().Be(2);
        reroute.ApprovalId.Should().Be(asked.PendingApproval.ApprovalId);

        // The request now waits for a manager: a team lead can no longer decide it.
        await FluentActions.Awaiting(() => workflow.ApproveAsync("case-1", Tina).AsTask())
            .Should().ThrowAsync<ApprovalRefusedException>();
        ApprovalResult approved = await workflow.ApproveAsync("case-1", Mia);
        approved.Case.State.Should().Be(CaseState.InProgress);
    }

    [Fact]
    public async Task ApprovalTimeout_WithDeny_RejectsAutomatically_AndTheCaseGoesBackToItsOwner()
    {
        Dictionary<string, string?> s = ApprovalLadder();
        s[$"{L}:TeamLead:OnApprovalTimeout"] = "Deny";
        using TestHost host = Build(s);
        ICaseWorkflow workflow = host.Workflow();
        SupportCase asked = await workflow.AwaitingApprovalAsync();
        string approvalId = asked.PendingApproval!.ApprovalId;

        (await ProcessAtAsync(host, T0 + H(2))).Should().Be(new SlaProcessingResult(1, 2, 1, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.State.Should().Be(CaseState.InProgress);
        after.Level.Should().Be(0);
        after.Owner.Should().Be(Ana);
        after.Handler.Should().Be(Ana);
        after.PendingApproval.Should().BeNull();

        CaseEvent rejection = after.History[^1];
        rejection.Trigger.Should().Be(CaseTrigger.Reject);
        rejection.Actor.Should().BeNull();
        rejection.At.Should().Be(T0 + H(2));
        rejection.ApprovalId.Should().Be(approvalId);
        rejection.Note.Should().StartWith("Denied automatically");
        after.History[^2].Kind.Should().Be(CaseEventKind.SlaBreach);
        after.History[^2].Timer.Should().Be(SlaTimerKind.Approval);

        // Back at the front line, its clocks start again from the denial.
        after.Timers.Should().OnlyContain(t => t.Level == 0 && t.RunningSince == T0 + H(2));
        after.Timers.Should().NotContain(t => t.Kind == SlaTimerKind.Approval);

        // No grant was made for the request, and nothing is left to approve.
        IBudgetLedger ledger = host.Services.GetRequiredService<IBudgetLedger>();
        (await ledger.FindByIdempotencyKeyAsync($"approval:{approvalId}:0")).Should().BeNull();
        await FluentActions.Awaiting(() => workflow.ApproveAsync("case-1", Tina).AsTask())
            .Should().ThrowAsync<CaseTransitionException>();
    }

    [Fact]
    public async Task ApprovalTimeout_WithEscalate_WithdrawsTheApproval_AndEscalatesTheCase()
    {
        Dictionary<string, string?> s = ApprovalLadder(keepManagerTargets: true);
        s[$"{L}:TeamLead:OnApprovalTimeout"] = "Escalate";
        using TestHost host = Build(s);
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync();

        (await ProcessAtAsync(host, T0 + H(2))).Should().Be(new SlaProcessingResult(1, 2, 1, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.State.Should().Be(CaseState.Escalated);
        after.Level.Should().Be(2);
        after.PendingApproval.Should().BeNull("the approval is withdrawn");
        after.History[^1].Trigger.Should().Be(CaseTrigger.Escalate);
        after.History[^1].Reason.Should().Be(EscalationReason.SlaBreach);
        after.History[^1].At.Should().Be(T0 + H(2));
        after.Timers.Select(t => (t.Kind, t.Level, t.DueAt)).Should().Equal(
            (SlaTimerKind.Response, 2, T0 + H(3)),
            (SlaTimerKind.Resolution, 2, T0 + H(10)));
    }

    [Fact]
    public async Task ApprovalTimeout_WithRerouteAtTheTopOfTheLadder_DeniesTheRequest()
    {
        Dictionary<string, string?> s = ApprovalLadder();
        s[$"{L}:Manager:OnApprovalTimeout"] = "Reroute";
        using TestHost host = Build(s);
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync();

        await ProcessAtAsync(host, T0 + H(6));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.State.Should().Be(CaseState.InProgress);
        after.Level.Should().Be(0);
        after.PendingApproval.Should().BeNull();
        after.History[^1].Trigger.Should().Be(CaseTrigger.Reject);
        after.History[^1].At.Should().Be(T0 + H(6));
    }

    // ---------------------------------------------------------------- cascades

    [Fact]
    public async Task ALateCall_CascadesTheApprovalTimeouts_InOrder_EachAtItsDueInstant()
    {
        // TeamLead: 2h, rerouted; Manager: 4h, denied. Nobody processes deadlines until T0+6h10m.
        using TestHost host = Build(ApprovalLadder());
        ICaseWorkflow workflow = host.Workflow();
        SupportCase asked = await workflow.AwaitingApprovalAsync();
        int before = asked.History.Count;

        SlaProcessingResult result = await ProcessAtAsync(host, T0 + H(6) + M(10));

        result.Should().Be(new SlaProcessingResult(1, 4, 2, 0));
        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.Version.Should().Be(asked.Version + 1, "one call, one save");
        after.History.Skip(before).Select(e => (e.Kind, e.Trigger, e.Timer, e.At, e.Level)).Should().Equal(
            (CaseEventKind.SlaWarning, (CaseTrigger?)null, (SlaTimerKind?)SlaTimerKind.Approval, T0 + H(1), 1),
            (CaseEventKind.SlaWarning, null, SlaTimerKind.Approval, T0 + H(1) + M(30), 1),
            (CaseEventKind.SlaBreach, null, SlaTimerKind.Approval, T0 + H(2), 1),
            (CaseEventKind.Transition, CaseTrigger.RerouteApproval, null, T0 + H(2), 2),
            (CaseEventKind.SlaWarning, null, SlaTimerKind.Approval, T0 + H(4), 2),
            (CaseEventKind.SlaWarning, null, SlaTimerKind.Approval, T0 + H(5), 2),
            (CaseEventKind.SlaBreach, null, SlaTimerKind.Approval, T0 + H(6), 2),
            (CaseEventKind.Transition, CaseTrigger.Reject, null, T0 + H(6), 0));
        after.History.Select(e => e.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        after.State.Should().Be(CaseState.InProgress);
        after.Level.Should().Be(0);
        after.PendingApproval.Should().BeNull();
        after.NextDueAt.Should().BeAfter(T0 + H(6) + M(10), "everything due has been applied");
    }

    [Fact]
    public async Task ALateCall_CascadesBreachesUpTheLadder_InOrder_EachAtItsDueInstant()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await workflow.OpenAsync();
        int before = opened.History.Count;

        SlaProcessingResult result = await ProcessAtAsync(host, T0 + H(24));

        // Front line resolution (8h) escalates; TeamLead response (30m) escalates; Manager response
        // (1h) and resolution (8h) breach at the top and are recorded.
        result.Should().Be(new SlaProcessingResult(1, 8, 4, 0));
        DateTimeOffset l1 = T0 + H(8), l2 = l1 + M(30);
        SupportCase after = (await workflow.FindAsync("case-1"))!;
        after.History.Skip(before).Select(e => (e.Kind, e.Timer, e.At, e.Level)).Should().Equal(
            (CaseEventKind.SlaWarning, (SlaTimerKind?)SlaTimerKind.Resolution, T0 + H(4), 0),
            (CaseEventKind.SlaWarning, SlaTimerKind.Resolution, T0 + H(6), 0),
            (CaseEventKind.SlaBreach, SlaTimerKind.Resolution, l1, 0),
            (CaseEventKind.Transition, null, l1, 1),
            (CaseEventKind.SlaWarning, SlaTimerKind.Response, l1 + M(15), 1),
            (CaseEventKind.SlaWarning, SlaTimerKind.Response, l1 + TimeSpan.FromSeconds(22.5 * 60), 1),
            (CaseEventKind.SlaBreach, SlaTimerKind.Response, l2, 1),
            (CaseEventKind.Transition, null, l2, 2),
            (CaseEventKind.SlaWarning, SlaTimerKind.Response, l2 + M(30), 2),
            (CaseEventKind.SlaWarning, SlaTimerKind.Response, l2 + M(45), 2),
            (CaseEventKind.SlaBreach, SlaTimerKind.Response, l2 + H(1), 2),
            (CaseEventKind.SlaWarning, SlaTimerKind.Resolution, l2 + H(4), 2),
            (CaseEventKind.SlaWarning, SlaTimerKind.Resolution, l2 + H(6), 2),
            (CaseEventKind.SlaBreach, SlaTimerKind.Resolution, l2 + H(8), 2));
        after.Level.Should().Be(2);
        after.State.Should().Be(CaseState.Escalated);
        after.Version.Should().Be(opened.Version + 1);
        after.UpdatedAt.Should().Be(T0 + H(24));

        (await ProcessAtAsync(host, T0 + H(24))).Should().Be(default(SlaProcessingResult));
    }

    [Fact]
    public async Task TheOutcome_DoesNotDependOnHowOftenDeadlinesAreProcessed()
    {
        using TestHost rarely = Build(ApprovalLadder());
        using TestHost often = Build(ApprovalLadder());
        await rarely.Workflow().AwaitingApprovalAsync();
        await often.Workflow().AwaitingApprovalAsync();

        await ProcessAtAsync(rarely, T0 + H(7));
        for (DateTimeOffset at = T0; at <= T0 + H(7); at += M(7))
        {
            await ProcessAtAsync(often, at);
        }

        await ProcessAtAsync(often, T0 + H(7));
        SupportCase a = (await rarely.Workflow().FindAsync("case-1"))!;
        SupportCase b = (await often.Workflow().FindAsync("case-1"))!;
        a.History.Select(e => (e.Kind, e.Trigger, e.Timer, e.At, e.Level, e.To)).Should().Equal(
            b.History.Select(e => (e.Kind, e.Trigger, e.Timer, e.At, e.Level, e.To)));
        a.Timers.Select(t => (t.Kind, t.Level, t.DueAt, t.NextWarningAt, t.WarningsRaised)).Should().Equal(
            b.Timers.Select(t => (t.Kind, t.Level, t.DueAt, t.NextWarningAt, t.WarningsRaised)));
    }

    // ---------------------------------------------------------------- idempotency and concurrency

    [Fact]
    public async Task ProcessDue_CalledTwiceAtTheSameTime_DoesNothingTheSecondTime()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        for (int i = 0; i < 3; i++)
        {
            await workflow.OpenAsync($"case-{i}");
        }

        (await ProcessAtAsync(host, T0 + H(8))).Should().Be(new SlaProcessingResult(3, 6, 3, 0));
        SupportCase[] first = await FindAllAsync(workflow, 3);

        SlaProcessingResult again = await workflow.ProcessDueAsync();

        again.Should().Be(new SlaProcessingResult(0, 0, 0, 0));
        SupportCase[] second = await FindAllAsync(workflow, 3);
        second.Select(c => c.Version).Should().Equal(first.Select(c => c.Version));
        second.Select(c => c.History.Count).Should().Equal(first.Select(c => c.History.Count));
        second.Should().OnlyContain(c => c.History.Count(e => e.Kind == CaseEventKind.SlaBreach) == 1);
    }

    [Fact]
    public async Task ProcessDue_InParallel_OverManyCases_RecordsEachBreachExactlyOnce()
    {
        const int Count = 200;
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var breaches = new MetricCollector<long>(meters, "CustomerCraft", "customercraft.escalation.sla.breaches");
        using var warnings = new MetricCollector<long>(meters, "CustomerCraft", "customercraft.escalation.sla.warnings");
        for (int i = 0; i < Count; i++)
        {
            await workflow.OpenAsync($"case-{i:D3}");
        }

        host.Time.SetUtcNow(T0 + H(8));
        SlaProcessingResult[] results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => workflow.ProcessDueAsync().AsTask())));

        results.Sum(r => r.Breaches).Should().Be(Count);
        results.Sum(r => r.Warnings).Should().Be(2 * Count);
        results.Sum(r => r.Cases).Should().Be(Count);
        SupportCase[] cases = await FindAllAsync(workflow, Count, "D3");
        cases.Should().OnlyContain(c => c.History.Count(e => e.Kind == CaseEventKind.SlaBreach) == 1 && c.Level == 1 && c.Version == 2);
        cases.Should().OnlyContain(c => c.History.Count(e => e.Kind == CaseEventKind.SlaWarning) == 2);
        breaches.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(Count);
        warnings.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(2 * Count);

        SlaProcessingResult[] again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => workflow.ProcessDueAsync().AsTask())));
        again.Should().OnlyContain(r => r == default(SlaProcessingResult));
    }

    [Fact]
    public async Task ProcessDue_ByTwoInstancesSharingAStore_RecordsEachBreachExactlyOnce()
    {
        const int Count = 200;
        var shared = new InMemoryCaseStore();
        void Share(ICustomerCraftBuilder b) => b.Services.Replace(ServiceDescriptor.Singleton<ICaseStore>(shared));
        using TestHost first = Build(configure: Share);
        using TestHost second = Build(configure: Share);
        for (int i = 0; i < Count; i++)
        {
            await first.Workflow().OpenAsync($"case-{i:D3}");
        }

        first.Time.SetUtcNow(T0 + H(9));
        second.Time.SetUtcNow(T0 + H(9));
        SlaProcessingResult[] results = await Task.WhenAll(
            Task.Run(() => first.Workflow().ProcessDueAsync().AsTask()),
            Task.Run(() => second.Workflow().ProcessDueAsync().AsTask()),
            Task.Run(() => first.Workflow().ProcessDueAsync().AsTask()),
            Task.Run(() => second.Workflow().ProcessDueAsync().AsTask()));

        // Each case: two warnings and a breach at level 0, then the team lead's 30m response at T0+8h30m.
        results.Sum(r => r.Breaches).Should().Be(2 * Count);
        SupportCase[] cases = await FindAllAsync(first.Workflow(), Count, "D3");
        cases.Should().OnlyContain(c => c.History.Count(e => e.Kind == CaseEventKind.SlaBreach) == 2 && c.Level == 2);
        cases.Should().OnlyContain(c => c.History.Count(e => e.Trigger == CaseTrigger.Escalate) == 2);
    }

    [Fact]
    public async Task ProcessDue_WhenSomeoneElseSavesTheClaimedCaseFirst_CountsAConflictAndChangesNothing()
    {
        using TestHost host = Build(configure: b => b.UseCaseStore<InterferingStore>());
        ICaseWorkflow workflow = host.Workflow();
        var store = (InterferingStore)host.Store();
        await workflow.OpenAsync();
        host.Time.SetUtcNow(T0 + H(8));

        // Between the claim and the save, an agent adds a note.
        store.AfterClaim = () => workflow.AddNoteAsync("case-1", Ana, "Called the customer back.").AsTask();
        SlaProcessingResult first = await workflow.ProcessDueAsync();

        first.Should().Be(new SlaProcessingResult(0, 0, 0, 1));
        SupportCase noted = (await workflow.FindAsync("case-1"))!;
        noted.History[^1].Kind.Should().Be(CaseEventKind.Note);
        // The note's save applied the deadlines that fell due before it, each at its instant.
        SlaEntries(noted).Select(e => e.At).Should().Equal(T0 + H(4), T0 + H(6), T0 + H(8));

        // Nothing is left for the next call, and nothing is applied twice.
        store.AfterClaim = null;
        (await workflow.ProcessDueAsync()).Should().Be(default(SlaProcessingResult));
        SlaEntries((await workflow.FindAsync("case-1"))!).Should().HaveCount(3);
    }

    // ---------------------------------------------------------------- claims

    [Fact]
    public async Task Claim_ACaseIsNotClaimedAgainUntilItsLeaseExpires()
    {
        var store = new InMemoryCaseStore();
        TimeSpan lease = TimeSpan.FromMinutes(5);
        await store.CreateAsync(DueCase("a", T0 + H(1)));

        (await store.ClaimDueAsync(T0 + H(1) - Tick, 10, lease)).Should().BeEmpty("it is not due yet");
        (await store.ClaimDueAsync(T0 + H(1), 10, lease)).Select(c => c.Id).Should().Equal("a");
        (await store.ClaimDueAsync(T0 + H(1), 10, lease)).Should().BeEmpty("it is claimed");
        (await store.ClaimDueAsync(T0 + H(1) + lease - Tick, 10, lease)).Should().BeEmpty("the lease still holds");
        (await store.ClaimDueAsync(T0 + H(1) + lease, 10, lease)).Select(c => c.Id).Should().Equal("a");
        (await store.ClaimDueAsync(T0 + H(1) + lease, 10, lease)).Should().BeEmpty("the new claim holds");
    }

    [Fact]
    public async Task Claim_IsReleasedWhenTheCaseIsSaved()
    {
        var store = new InMemoryCaseStore();
        TimeSpan lease = TimeSpan.FromMinutes(5);
        SupportCase created = DueCase("a", T0 + H(1));
        await store.CreateAsync(created);
        IReadOnlyList<SupportCase> claimed = await store.ClaimDueAsync(T0 + H(2), 10, lease);
        claimed.Should().ContainSingle();

        await store.SaveAsync(new SupportCase(claimed[0]) { Version = 2, Subject = "still due" }, expectedVersion: 1);

        (await store.ClaimDueAsync(T0 + H(2), 10, lease)).Select(c => (c.Id, c.Version)).Should().Equal(("a", 2L));
    }

    [Fact]
    public async Task Claim_FollowsTheDueInstantOfTheSavedVersion()
    {
        var store = new InMemoryCaseStore();
        TimeSpan lease = TimeSpan.FromMinutes(5);
        await store.CreateAsync(DueCase("a", T0 + H(1)));
        await store.CreateAsync(DueCase("b", T0 + H(1)));
        SupportCase b = (await store.FindAsync("b"))!;

        await store.SaveAsync(new SupportCase(DueCase("a", T0 + H(3))) { Version = 2 }, expectedVersion: 1);
        await store.SaveAsync(new SupportCase(b) { Version = 2, Timers = [] }, expectedVersion: 1);

        (await store.ClaimDueAsync(T0 + H(2), 10, lease)).Should().BeEmpty();
        (await store.ClaimDueAsync(T0 + H(100), 10, lease)).Select(c => c.Id).Should().Equal("a");
    }

    [Fact]
    public async Task Claim_TakesAtMostMaxCount_SoonestDueFirst()
    {
        var store = new InMemoryCaseStore();
        TimeSpan lease = TimeSpan.FromMinutes(5);
        await store.CreateAsync(DueCase("late", T0 + H(3)));
        await store.CreateAsync(DueCase("early", T0 + H(1)));
        await store.CreateAsync(DueCase("middle", T0 + H(2)));
        await store.CreateAsync(DueCase("future", T0 + H(30)));

        (await store.ClaimDueAsync(T0 + H(5), 2, lease)).Select(c => c.Id).Should().Equal("early", "middle");
        (await store.ClaimDueAsync(T0 + H(5), 2, lease)).Select(c => c.Id).Should().Equal("late");
        (await store.ClaimDueAsync(T0 + H(5), 2, lease)).Should().BeEmpty();
    }

    [Fact]
    public async Task Claim_CaseIdsThatDifferOnlyByCharactersACultureIgnores_AreBothDue()
    {
        // Case ids are the host's ordinal strings; "T-1" and "T\u00AD-1" (a soft hyphen) are two cases.
        var store = new InMemoryCaseStore();
        await store.CreateAsync(DueCase("T-1", T0 + H(1)));
        await store.CreateAsync(DueCase("T\u00AD-1", T0 + H(1)));

        (await store.ClaimDueAsync(T0 + H(1), 10, TimeSpan.FromMinutes(5))).Select(c => c.Id).Should().BeEquivalentTo("T-1", "T\u00AD-1");
    }

    [Fact]
    public async Task Claim_SavingACaseNeverUnindexesAnotherWhoseIdACultureConsidersEqual()
    {
        var store = new InMemoryCaseStore();
        await store.CreateAsync(DueCase("T-1", T0 + H(1)));
        await store.CreateAsync(DueCase("T\u00AD-1", T0 + H(1)));

        await store.SaveAsync(new SupportCase(DueCase("T\u00AD-1", T0 + H(50))) { Version = 2 }, expectedVersion: 1);

        (await store.ClaimDueAsync(T0 + H(1), 10, TimeSpan.FromMinutes(5))).Select(c => c.Id).Should().Equal("T-1");
    }

    [Fact]
    public async Task ProcessDue_SkipsACaseAnotherWorkerClaimed_UntilItsLeaseExpires()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();
        host.Time.SetUtcNow(T0 + H(8));

        // A worker claims the case and dies without saving.
        (await host.Store().ClaimDueAsync(T0 + H(8), 10, CaseWorkflow.ClaimLease)).Should().ContainSingle();

        (await workflow.ProcessDueAsync()).Should().Be(default(SlaProcessingResult));
        host.Time.SetUtcNow(T0 + H(8) + CaseWorkflow.ClaimLease - Tick);
        (await workflow.ProcessDueAsync()).Should().Be(default(SlaProcessingResult));
        host.Time.Advance(Tick);
        (await workflow.ProcessDueAsync()).Should().Be(new SlaProcessingResult(1, 2, 1, 0));

        SupportCase after = (await workflow.FindAsync("case-1"))!;
        SlaEntries(after).Select(e => e.At).Should().Equal([T0 + H(4), T0 + H(6), T0 + H(8)], "events are stamped when they fell due, not when processed");
        after.History[^1].At.Should().Be(T0 + H(8));
    }

    // ---------------------------------------------------------------- resolve

    [Fact]
    public async Task Resolve_StopsTheClocks_NothingIsDueAfter()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();
        await workflow.EscalateAsync("case-1", Ana, EscalationReason.Complexity);
        host.Time.SetUtcNow(T0 + M(10)); // before the TeamLead's first warning (15 min)

        SupportCase resolved = await workflow.ResolveAsync("case-1", Tina, "Replaced the blender.");

        resolved.State.Should().Be(CaseState.Resolved);
        resolved.Timers.Should().BeEmpty();
        resolved.NextDueAt.Should().BeNull();
        (await ProcessAtAsync(host, T0 + H(100))).Should().Be(default(SlaProcessingResult));
        (await host.Store().ClaimDueAsync(T0 + H(100), 10, TimeSpan.FromMinutes(5))).Should().BeEmpty();
        SupportCase later = (await workflow.FindAsync("case-1"))!;
        later.Version.Should().Be(resolved.Version);
        later.History.Should().NotContain(e => e.Kind == CaseEventKind.SlaWarning || e.Kind == CaseEventKind.SlaBreach);
    }

    [Fact]
    public async Task Reopen_RestartsTheFrontLineClocksFromTheReopening()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();
        await workflow.ResolveAsync("case-1", Ana);
        host.Time.SetUtcNow(T0 + H(50));

        SupportCase reopened = await workflow.ReopenAsync("case-1", Ana, "It broke again.");

        reopened.Level.Should().Be(0);
        reopened.Timers.Should().NotBeEmpty().And.OnlyContain(t => t.Level == 0 && t.RunningSince == T0 + H(50));
        reopened.Timers.Single(t => t.Kind == SlaTimerKind.Resolution).DueAt.Should().Be(T0 + H(58));
    }

    // ---------------------------------------------------------------- metrics

    [Fact]
    public async Task Metrics_CountWarningsAndBreaches_ByClockAndLevel()
    {
        Dictionary<string, string?> s = ApprovalLadder();
        s[$"{L}:Manager:OnApprovalTimeout"] = "Escalate"; // at the top: recorded only, the approval keeps waiting
        using TestHost host = Build(s);
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var breaches = new MetricCollector<long>(meters, "CustomerCraft", "customercraft.escalation.sla.breaches");
        using var warnings = new MetricCollector<long>(meters, "CustomerCraft", "customercraft.escalation.sla.warnings");
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync("case-1");
        await workflow.OpenAsync("case-2");
        await workflow.AwaitingApprovalAsync(id: "case-3");

        (await ProcessAtAsync(host, T0 + H(8))).Should().Be(new SlaProcessingResult(3, 8, 4, 0));

        // case-1 and case-2: the resolution clock at level 0, 2 warnings and a breach each.
        // case-3: the approval clock at level 1 (2 + 1, rerouted), then at level 2 (2 + 1, recorded).
        IReadOnlyList<CollectedMeasurement<long>> b = breaches.GetMeasurementSnapshot();
        IReadOnlyList<CollectedMeasurement<long>> w = warnings.GetMeasurementSnapshot();
        b.Should().OnlyContain(m => m.Value == 1 && m.Tags.Count == 2);
        w.Should().OnlyContain(m => m.Value == 1 && m.Tags.Count == 2);
        b.Select(m => ((string?)m.Tags["timer"], (int?)m.Tags["level"])).Should().BeEquivalentTo(new (string?, int?)[]
        {
            ("Resolution", 0), ("Resolution", 0), ("Approval", 1), ("Approval", 2),
        });
        w.Select(m => ((string?)m.Tags["timer"], (int?)m.Tags["level"])).Should().BeEquivalentTo(new (string?, int?)[]
        {
            ("Resolution", 0), ("Resolution", 0), ("Resolution", 0), ("Resolution", 0),
            ("Approval", 1), ("Approval", 1), ("Approval", 2), ("Approval", 2),
        });

        await host.Workflow().ProcessDueAsync();
        breaches.GetMeasurementSnapshot().Should().HaveCount(4, "a second call at the same time records nothing");
        warnings.GetMeasurementSnapshot().Should().HaveCount(8);
    }

    // ---------------------------------------------------------------- helpers

    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private static TimeSpan H(double hours) => TimeSpan.FromHours(hours);

    private static TimeSpan M(double minutes) => TimeSpan.FromMinutes(minutes);

    private static DateTime Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, NewYork).DateTime;

    private static ValueTask<SupportCase> OpenUnownedAsync(ICaseWorkflow workflow, string id = "case-1") =>
        workflow.OpenAsync(new OpenCaseRequest { CaseId = id, CustomerId = "C-1", Subject = "Broken blender" });

    private static async Task<SlaProcessingResult> ProcessAtAsync(TestHost host, DateTimeOffset at)
    {
        host.Time.SetUtcNow(at);
        return await host.Workflow().ProcessDueAsync();
    }

    private static List<(CaseEventKind Kind, DateTimeOffset At, SlaTimerKind? Timer, int Level)> SlaEntries(SupportCase supportCase) =>
        supportCase.History
            .Where(e => e.Kind is CaseEventKind.SlaWarning or CaseEventKind.SlaBreach)
            .Select(e => (e.Kind, e.At, e.Timer, e.Level))
            .ToList();

    private static async Task<SupportCase[]> FindAllAsync(ICaseWorkflow workflow, int count, string? format = null)
    {
        var cases = new SupportCase[count];
        for (int i = 0; i < count; i++)
        {
            cases[i] = (await workflow.FindAsync($"case-{i.ToString(format, System.Globalization.CultureInfo.InvariantCulture)}"))!;
        }

        return cases;
    }

    private static SupportCase DueCase(string id, DateTimeOffset due) => new()
    {
        Id = id,
        CustomerId = "C-1",
        Version = 1,
        OpenedAt = T0,
        UpdatedAt = T0,
        Timers =
        [
            new SlaTimer { Kind = SlaTimerKind.Response, Level = 0, Target = due - T0, Clock = SlaClock.Calendar, RunningSince = T0, DueAt = due },
        ],
    };

    /// <summary>An in-memory store that runs a callback after handing out claimed cases, to race a save against the processing.</summary>
    private sealed class InterferingStore : ICaseStore
    {
        private readonly InMemoryCaseStore _inner = new();

        public Func<Task>? AfterClaim { get; set; }

        public ValueTask<SupportCase?> FindAsync(string caseId, CancellationToken cancellationToken = default) => _inner.FindAsync(caseId, cancellationToken);

        public ValueTask CreateAsync(SupportCase supportCase, CancellationToken cancellationToken = default) => _inner.CreateAsync(supportCase, cancellationToken);

        public ValueTask SaveAsync(SupportCase supportCase, long expectedVersion, CancellationToken cancellationToken = default) => _inner.SaveAsync(supportCase, expectedVersion, cancellationToken);

        public ValueTask<IReadOnlyList<SupportCase>> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

        public async ValueTask<IReadOnlyList<SupportCase>> ClaimDueAsync(DateTimeOffset now, int maxCount, TimeSpan lease, CancellationToken cancellationToken = default)
        {
            IReadOnlyList<SupportCase> claimed = await _inner.ClaimDueAsync(now, maxCount, lease, cancellationToken);
            if (claimed.Count > 0 && AfterClaim is { } interfere)
            {
                await interfere();
            }

            return claimed;
        }
    }
}
