using System.Diagnostics.Metrics;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.Tests.Escalation;

public sealed class CaseWorkflowTests
{
    [Fact]
    public async Task Opening_with_an_owner_assigns_the_case_and_starts_the_front_line_clocks()
    {
        using TestHost host = Build();
        SupportCase opened = await host.Workflow().OpenAsync();

        opened.State.Should().Be(CaseState.InProgress);
        opened.Owner.Should().Be(Ana);
        opened.Handler.Should().Be(Ana);
        opened.Version.Should().Be(1);
        opened.History.Select(e => e.Kind).Should().Equal(CaseEventKind.Opened, CaseEventKind.Transition);
        opened.History[0].Note.Should().Be("Blender stopped after a week.");
        // Assigning is the front line's response; the resolution clock runs.
        opened.Timers.Should().ContainSingle().Which.Kind.Should().Be(SlaTimerKind.Resolution);
        opened.NextDueAt.Should().Be(PolicyFixtures.Start + TimeSpan.FromHours(4), "the first warning falls at half of the 8h resolution target");
        (await host.Store().FindAsync("case-1")).Should().Be(opened);
    }

    [Fact]
    public async Task An_unowned_case_is_new_until_someone_takes_it()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await workflow.OpenAsync(new OpenCaseRequest { CaseId = "c", CustomerId = "C-1" });
        opened.State.Should().Be(CaseState.New);
        opened.Owner.Should().BeNull();
        opened.Timers.Select(t => t.Kind).Should().Equal(SlaTimerKind.Response, SlaTimerKind.Resolution);

        SupportCase taken = await workflow.AssignAsync("c", Ben);
        taken.State.Should().Be(CaseState.InProgress);
        taken.Owner.Should().Be(Ben);
        taken.Timers.Select(t => t.Kind).Should().Equal(SlaTimerKind.Resolution);
    }

    /// <summary>
    /// Every move a host can make (all triggers but the monitor's RerouteApproval) in every state,
    /// at the level the case reaches that state at in these tests, that the state machine refuses.
    /// </summary>
    public static TheoryData<CaseState, CaseTrigger> RefusedMoves()
    {
        var refused = new TheoryData<CaseState, CaseTrigger>();
        foreach (CaseState state in Enum.GetValues<CaseState>())
        {
            int level = state is CaseState.AwaitingApproval or CaseState.Escalated ? 1 : 0;
            foreach (CaseTrigger trigger in Enum.GetValues<CaseTrigger>())
            {
                if (trigger != CaseTrigger.RerouteApproval && !CustomerCraft.Escalation.Workflow.CaseStateMachine.TryFire(state, level, 2, trigger, out _))
                {
                    refused.Add(state, trigger);
                }
            }
        }

        return refused;
    }

    [Fact]
    public void The_refused_moves_cover_every_state()
    {
        RefusedMoves().Select(row => (CaseState)row[0]).Distinct().Should().HaveCount(Enum.GetValues<CaseState>().Length);
        RefusedMoves().Count().Should().BeGreaterThan(50);
    }

    [Theory]
    [MemberData(nameof(RefusedMoves))]
    public async Task A_move_not_allowed_in_the_state_throws_naming_both_and_changes_nothing(CaseState state, CaseTrigger trigger)
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase before = await BringToAsync(workflow, state);

        Func<Task> move = () => FireAsync(workflow, trigger);

        (await move.Should().ThrowAsync<CaseTransitionException>())
            .Where(e => e.State == state && e.Trigger == trigger && e.CaseId == "case-1")
            .WithMessage($"*{state}*{trigger}*Nothing was changed*");
        (await workflow.FindAsync("case-1")).Should().BeSameAs(before);
    }

    [Theory]
    [InlineData(CaseState.New)]
    [InlineData(CaseState.InProgress)]
    [InlineData(CaseState.AwaitingApproval)]
    [InlineData(CaseState.Escalated)]
    [InlineData(CaseState.AwaitingCustomer)]
    [InlineData(CaseState.Resolved)]
    [InlineData(CaseState.Closed)]
    [InlineData(CaseState.Reopened)]
    public async Task The_permitted_triggers_are_exactly_the_moves_the_workflow_accepts(CaseState state)
    {
        using TestHost probe = Build();
        IReadOnlyList<CaseTrigger> permitted = probe.Workflow().GetPermittedTriggers(await BringToAsync(probe.Workflow(), state));

        foreach (CaseTrigger trigger in Enum.GetValues<CaseTrigger>().Where(t => t != CaseTrigger.RerouteApproval))
        {
            // A fresh case per move: each is asked of the state the case was in.
            using TestHost host = Build();
            await BringToAsync(host.Workflow(), state);
            Exception? refusal = null;
            try
            {
                await FireAsync(host.Workflow(), trigger);
            }
            catch (CaseWorkflowException e)
            {
                refusal = e; // an approval refused for its authority is not the state's answer
            }

            (refusal is CaseTransitionException).Should().Be(!permitted.Contains(trigger), $"{trigger} in {state} is {(permitted.Contains(trigger) ? "" : "not ")}listed as permitted");
        }
    }

    [Fact]
    public async Task The_permitted_triggers_offer_no_escalation_at_the_top_of_the_ladder_and_no_second_approval_request()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m);
        workflow.GetPermittedTriggers(awaiting).Should().Equal(CaseTrigger.Approve, CaseTrigger.Reject, CaseTrigger.RerouteApproval, CaseTrigger.Escalate);

        await workflow.EscalateAsync("case-1", Tina, EscalationReason.Complexity);
        SupportCase top = (await workflow.FindAsync("case-1"))!;

        top.Level.Should().Be(2);
        workflow.GetPermittedTriggers(top).Should().NotContain(CaseTrigger.Escalate).And.Contain(CaseTrigger.Resolve);
    }

    [Fact]
    public async Task Escalating_past_the_top_of_the_ladder_is_refused_with_the_reason()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();
        await workflow.EscalateAsync("case-1", Ana, EscalationReason.CustomerRequest);
        await workflow.EscalateAsync("case-1", Tina, EscalationReason.Complexity);

        Func<Task> again = async () => await workflow.EscalateAsync("case-1", Mia, EscalationReason.Complexity);

        (await again.Should().ThrowAsync<CaseTransitionException>()).WithMessage("*top of the ladder*");
    }

    [Fact]
    public async Task An_approval_request_goes_to_the_lowest_level_whose_role_covers_the_decision()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();

        // 150 needs a SeniorAgent; the lowest level ranking at least that is TeamLead (level 1).
        SupportCase small = await workflow.AwaitingApprovalAsync(150m, "small");
        small.State.Should().Be(CaseState.AwaitingApproval);
        small.Level.Should().Be(1);
        small.Handler.Should().BeNull("the approval waits in the TeamLead queue");
        small.PendingApproval!.RequiredApproverRole.Should().Be("SeniorAgent");
        small.PendingApproval.RequestedBy.Should().Be(Ana);
        small.PendingApproval.DecisionSummary.Should().Contain("RequiresApproval").And.Contain("100");
        small.Timers.Select(t => t.Kind).Should().Equal([SlaTimerKind.Approval], "an approval is timed by the level's approval timeout alone");
        small.History[^1].Reason.Should().Be(EscalationReason.AuthorityExceeded);

        // 2000 is beyond a TeamLead (1000): straight to the Manager level.
        SupportCase large = await workflow.AwaitingApprovalAsync(2000m, "large");
        large.Level.Should().Be(2);
        large.PendingApproval!.RequiredApproverRole.Should().Be("Manager");

        (await workflow.QueryAsync(new CaseQuery { State = CaseState.AwaitingApproval, Level = 1 })).Select(c => c.Id).Should().Equal("small");
    }

    [Fact]
    public async Task Requests_that_need_no_approval_or_that_nobody_can_approve_are_refused_and_change_nothing()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await workflow.OpenAsync();

        Func<Task> within = async () => await workflow.RequestApprovalAsync("case-1", PolicyFixtures.Refund(40m, incident: "case-1"));
        (await within.Should().ThrowAsync<ApprovalRefusedException>()).Which.Reason.Should().Be(ApprovalRefusal.NotRequired);

        Func<Task> beyondEveryone = async () => await workflow.RequestApprovalAsync("case-1", PolicyFixtures.Refund(9000m, incident: "case-1"));
        (await beyondEveryone.Should().ThrowAsync<ApprovalRefusedException>()).Which.Reason.Should().Be(ApprovalRefusal.Denied);

        Func<Task> otherCustomer = async () => await workflow.RequestApprovalAsync("case-1", PolicyFixtures.Refund(150m, customer: "C-2"));
        (await otherCustomer.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.CustomerId");

        (await workflow.FindAsync("case-1")).Should().BeSameAs(opened);
    }

    [Fact]
    public async Task Without_a_ladder_level_covering_the_approver_role_the_request_is_refused()
    {
        Dictionary<string, string?> settings = Ladder();
        foreach (string key in settings.Keys.Where(k => k.Contains(":Levels:Manager:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }

        using TestHost host = Build(settings);
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();

        Func<Task> request = async () => await workflow.RequestApprovalAsync("case-1", PolicyFixtures.Refund(2000m, incident: "case-1"));

        (await request.Should().ThrowAsync<ApprovalRefusedException>())
            .Where(e => e.Reason == ApprovalRefusal.NoApprovalLevel)
            .WithMessage("*Manager*CustomerCraft:Escalation:Levels*");
    }

    [Fact]
    public async Task Approving_grants_under_the_approvers_authority_and_returns_the_case_to_its_owner()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m);
        host.Time.Advance(TimeSpan.FromMinutes(20));

        ApprovalResult result = await workflow.ApproveAsync("case-1", Tina, "Fine, loyal customer.");

        result.Grant.ApproverId.Should().Be("tina");
        result.Grant.AgentId.Should().Be("ana");
        result.Grant.Amount.Should().Be(150m);
        result.Grant.IsVoided.Should().BeFalse();
        result.Case.State.Should().Be(CaseState.InProgress);
        result.Case.Level.Should().Be(0);
        result.Case.Owner.Should().Be(Ana);
        result.Case.Handler.Should().Be(Ana, "the customer stays with the agent they know");
        result.Case.PendingApproval.Should().BeNull();
        result.Case.Version.Should().Be(awaiting.Version + 1);
        CaseEvent approved = result.Case.History[^1];
        approved.Trigger.Should().Be(CaseTrigger.Approve);
        approved.Actor.Should().Be(Tina);
        approved.GrantId.Should().Be(result.Grant.GrantId);
        approved.ApprovalId.Should().Be(awaiting.PendingApproval!.ApprovalId);
        approved.Note.Should().Be("Fine, loyal customer.");
        (await host.Services.GetRequiredService<IBudgetLedger>().FindGrantAsync(result.Grant.GrantId))!.IsVoided.Should().BeFalse();
    }

    [Fact]
    public async Task Nobody_approves_their_own_request()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync(150m);

        // Ana claiming a manager's role still asked for it herself.
        Func<Task> own = async () => await workflow.ApproveAsync("case-1", new CaseActor("ana", "Manager"));

        (await own.Should().ThrowAsync<ApprovalRefusedException>()).Which.Reason.Should().Be(ApprovalRefusal.OwnRequest);
        (await workflow.FindAsync("case-1"))!.State.Should().Be(CaseState.AwaitingApproval);
    }

    [Fact]
    public async Task An_approver_below_the_levels_role_is_refused()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync(150m);

        // A SeniorAgent could cover 150 but the approval waits at the TeamLead level.
        Func<Task> senior = async () => await workflow.ApproveAsync("case-1", Sam);

        (await senior.Should().ThrowAsync<ApprovalRefusedException>()).Which.Reason.Should().Be(ApprovalRefusal.InsufficientAuthority);
    }

    [Fact]
    public async Task An_approver_whose_own_authority_does_not_cover_the_request_is_refused_and_nothing_is_reserved()
    {
        Dictionary<string, string?> settings = Ladder();
        // TeamLeads may approve 1000 per incident but only 1000 a day each.
        foreach (string role in new[] { "Agent", "SeniorAgent", "TeamLead", "Manager" })
        {
            settings[$"CustomerCraft:Empowerment:Roles:{role}:Limits:Refund:PerAgent:Amount"] = role == "Manager" ? "10000" : "1000";
            settings[$"CustomerCraft:Empowerment:Roles:{role}:Limits:Refund:PerAgent:Window"] = "Day";
        }

        using TestHost host = Build(settings);
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync(900m, "first");
        await workflow.ApproveAsync("first", Tina);
        await workflow.AwaitingApprovalAsync(150m, "second");

        Func<Task> spent = async () => await workflow.ApproveAsync("second", Tina);

        (await spent.Should().ThrowAsync<ApprovalRefusedException>())
            .Where(e => e.Reason == ApprovalRefusal.InsufficientAuthority)
            .WithMessage("*tina*");
        SupportCase second = (await workflow.FindAsync("second"))!;
        second.State.Should().Be(CaseState.AwaitingApproval);
        (await workflow.ApproveAsync("second", Tom)).Grant.ApproverId.Should().Be("tom", "another team lead still has budget");
    }

    [Fact]
    public async Task Rejecting_records_the_reason_and_returns_the_case_to_its_owner_without_a_grant()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m);

        SupportCase rejected = await workflow.RejectAsync("case-1", Tina, "Outside the return window; offer a repair.");

        rejected.State.Should().Be(CaseState.InProgress);
        rejected.Handler.Should().Be(Ana);
        rejected.PendingApproval.Should().BeNull();
        rejected.History[^1].Note.Should().Be("Outside the return window; offer a repair.");
        rejected.History[^1].Detail.Should().Contain("rejected");
        (await host.Services.GetRequiredService<IBudgetLedger>().FindByIdempotencyKeyAsync($"approval:{awaiting.PendingApproval!.ApprovalId}:0")).Should().BeNull();

        Func<Task> blank = async () => await workflow.RejectAsync("case-1", Tina, " ");
        (await blank.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("reason");
    }

    [Fact]
    public async Task An_escalated_case_goes_back_to_its_owner_not_to_whoever_handled_it()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();
        SupportCase escalated = await workflow.EscalateAsync("case-1", Ana, EscalationReason.CustomerRequest, "Customer asked for a supervisor.");
        escalated.State.Should().Be(CaseState.Escalated);
        escalated.Level.Should().Be(1);
        escalated.Handler.Should().BeNull();

        Func<Task> tooJunior = async () => await workflow.AssignAsync("case-1", Sam);
        (await tooJunior.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("assignee.Role");

        SupportCase picked = await workflow.AssignAsync("case-1", Tina);
        picked.Handler.Should().Be(Tina);
        picked.Owner.Should().Be(Ana, "handling an escalation does not take the customer over");

        SupportCase back = await workflow.ReturnToOwnerAsync("case-1", Tina, "Explained the warranty; Ana to follow up.");
        back.State.Should().Be(CaseState.InProgress);
        back.Level.Should().Be(0);
        back.Handler.Should().Be(Ana);
    }

    [Fact]
    public async Task Every_handoff_carries_the_whole_story()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync(150m);
        await workflow.AddNoteAsync("case-1", Tina, "Checked the order: delivered damaged.");
        ApprovalResult approved = await workflow.ApproveAsync("case-1", Tina);
        await workflow.ResolveAsync("case-1", Ana, "Refund confirmed with the customer.");
        SupportCase closed = await workflow.CloseAsync("case-1", Ana);

        closed.History.Select(e => e.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        closed.History.Select(e => (e.Kind, e.Trigger)).Should().Equal(
            (CaseEventKind.Opened, (CaseTrigger?)null),
            (CaseEventKind.Transition, CaseTrigger.Assign),
            (CaseEventKind.Transition, CaseTrigger.RequestApproval),
            (CaseEventKind.Note, null),
            (CaseEventKind.Transition, CaseTrigger.Approve),
            (CaseEventKind.Transition, CaseTrigger.Resolve),
            (CaseEventKind.Transition, CaseTrigger.Close));
        closed.History.Should().Contain(e => e.Note == "Blender stopped after a week.");
        closed.History.Should().Contain(e => e.Detail != null && e.Detail.Contains("RequiresApproval"));
        closed.History.Should().Contain(e => e.GrantId == approved.Grant.GrantId && e.Actor == Tina);
        closed.Timers.Should().BeEmpty();
        closed.NextDueAt.Should().BeNull();
    }

    [Fact]
    public async Task A_stale_expected_version_is_a_conflict_and_changes_nothing()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase opened = await workflow.OpenAsync();
        await workflow.AddNoteAsync("case-1", Ana, "Called back.");

        Func<Task> stale = async () => await workflow.ResolveAsync("case-1", Ana, expectedVersion: opened.Version);

        (await stale.Should().ThrowAsync<CaseConcurrencyException>()).Where(e => e.ExpectedVersion == 1 && e.ActualVersion == 2);
        (await workflow.FindAsync("case-1"))!.State.Should().Be(CaseState.InProgress);
    }

    [Fact]
    public async Task Two_approvers_at_once_produce_exactly_one_approval_and_one_grant()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        var ledger = host.Services.GetRequiredService<IBudgetLedger>();
        for (int round = 0; round < 100; round++)
        {
            string id = $"race-{round}";
            SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m, id);
            using var start = new Barrier(2);
            Task<ApprovalResult> Approve(CaseActor approver) => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await workflow.ApproveAsync(id, approver, expectedVersion: awaiting.Version);
            });

            Task<ApprovalResult>[] racers = [Approve(Tina), Approve(Tom)];
            try
            {
                await Task.WhenAll(racers);
            }
            catch (CaseWorkflowException)
            {
            }

            racers.Count(r => r.IsCompletedSuccessfully).Should().Be(1, $"round {round}");
            racers.Single(r => r.IsFaulted).Exception!.InnerException.Should().BeOfType<CaseConcurrencyException>();
            ApprovalResult winner = await racers.Single(r => r.IsCompletedSuccessfully);
            SupportCase stored = (await workflow.FindAsync(id))!;
            stored.History.Count(e => e.Trigger == CaseTrigger.Approve).Should().Be(1);
            stored.History[^1].GrantId.Should().Be(winner.Grant.GrantId);
            var active = new List<GrantRecord>();
            for (int attempt = 0; attempt < 8; attempt++)
            {
                if (await ledger.FindByIdempotencyKeyAsync($"approval:{awaiting.PendingApproval!.ApprovalId}:{attempt}") is { IsVoided: false } grant)
                {
                    active.Add(grant);
                }
            }

            active.Should().ContainSingle().Which.GrantId.Should().Be(winner.Grant.GrantId);
        }
    }

    [Fact]
    public async Task A_failed_save_after_the_grant_voids_the_grant_and_a_retry_grants_once()
    {
        using TestHost host = Build(configure: Faults.Inject);
        ICaseWorkflow workflow = host.Workflow();
        FaultyCaseStore store = host.FaultyStore();
        FaultyLedger ledger = host.FaultyLedger();
        SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m);
        string approvalId = awaiting.PendingApproval!.ApprovalId;

        store.FailNextSave = true;
        Func<Task> approve = async () => await workflow.ApproveAsync("case-1", Tina);
        await approve.Should().ThrowAsync<IOException>();

        // No approved-but-not-reserved, and no reserved-but-not-approved.
        (await workflow.FindAsync("case-1")).Should().Be(awaiting);
        (await ledger.GrantsForApprovalAsync(approvalId)).Should().ContainSingle().Which.IsVoided.Should().BeTrue();

        ApprovalResult retried = await workflow.ApproveAsync("case-1", Tina);
        List<GrantRecord> grants = await ledger.GrantsForApprovalAsync(approvalId);
        grants.Where(g => !g.IsVoided).Should().ContainSingle().Which.GrantId.Should().Be(retried.Grant.GrantId);
        retried.Case.History[^1].GrantId.Should().Be(retried.Grant.GrantId);
    }

    [Fact]
    public async Task A_failed_grant_leaves_the_case_waiting_for_approval()
    {
        using TestHost host = Build(configure: Faults.Inject);
        ICaseWorkflow workflow = host.Workflow();
        FaultyLedger ledger = host.FaultyLedger();
        SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m);

        ledger.FailReservations = true;
        Func<Task> approve = async () => await workflow.ApproveAsync("case-1", Tina);
        await approve.Should().ThrowAsync<IOException>();

        (await workflow.FindAsync("case-1")).Should().Be(awaiting);
        (await ledger.GrantsForApprovalAsync(awaiting.PendingApproval!.ApprovalId)).Should().BeEmpty();
        ledger.FailReservations = false;
        (await workflow.ApproveAsync("case-1", Tina)).Case.State.Should().Be(CaseState.InProgress);
    }

    [Fact]
    public async Task A_save_whose_acknowledgement_is_lost_is_recognised_and_the_grant_kept()
    {
        using TestHost host = Build(configure: Faults.Inject);
        ICaseWorkflow workflow = host.Workflow();
        FaultyCaseStore store = host.FaultyStore();
        FaultyLedger ledger = host.FaultyLedger();
        SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m);

        store.FailAfterNextSave = true;
        ApprovalResult result = await workflow.ApproveAsync("case-1", Tina);

        result.Case.State.Should().Be(CaseState.InProgress);
        (await workflow.FindAsync("case-1"))!.History[^1].GrantId.Should().Be(result.Grant.GrantId);
        (await ledger.GrantsForApprovalAsync(awaiting.PendingApproval!.ApprovalId)).Should().ContainSingle().Which.IsVoided.Should().BeFalse();
    }

    [Fact]
    public async Task When_the_outcome_of_the_save_cannot_be_read_the_grant_is_kept_rather_than_risk_an_unfunded_approval()
    {
        using TestHost host = Build(configure: Faults.Inject);
        ICaseWorkflow workflow = host.Workflow();
        FaultyCaseStore store = host.FaultyStore();
        FaultyLedger ledger = host.FaultyLedger();
        SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m);

        // The save lands, its acknowledgement is lost, and reading the case back fails too.
        store.FailAfterNextSave = true;
        store.FailReadsAfterSave = true;
        Func<Task> approve = async () => await workflow.ApproveAsync("case-1", Tina);
        await approve.Should().ThrowAsync<TimeoutException>();

        store.FailReads = false;
        (await workflow.FindAsync("case-1"))!.State.Should().Be(CaseState.InProgress);
        (await ledger.GrantsForApprovalAsync(awaiting.PendingApproval!.ApprovalId)).Should().ContainSingle().Which.IsVoided.Should().BeFalse();
    }

    [Fact]
    public async Task A_retried_approval_after_an_unrelated_concurrent_change_still_succeeds_once()
    {
        using TestHost host = Build(configure: Faults.Inject);
        ICaseWorkflow workflow = host.Workflow();
        FaultyLedger ledger = host.FaultyLedger();
        SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m);
        await workflow.AddNoteAsync("case-1", Ana, "Customer called again.");

        ApprovalResult result = await workflow.ApproveAsync("case-1", Tina);

        result.Case.History.Should().Contain(e => e.Note == "Customer called again.");
        (await ledger.GrantsForApprovalAsync(awaiting.PendingApproval!.ApprovalId)).Should().ContainSingle();
    }

    [Fact]
    public async Task Observers_see_every_saved_change_and_a_failing_observer_does_not_undo_it()
    {
        using TestHost host = Build(configure: b => b.AddCaseObserver<ThrowingObserver>().AddCaseObserver<RecordingObserver>());
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync(150m);
        await workflow.ApproveAsync("case-1", Tina);

        var recorder = host.Services.GetServices<ICaseObserver>().OfType<RecordingObserver>().Single();
        recorder.Changes.Should().HaveCount(3);
        recorder.Changes[0].Previous.Should().BeNull();
        recorder.Changes[0].Events.Select(e => e.Kind).Should().Equal(CaseEventKind.Opened, CaseEventKind.Transition);
        recorder.Changes[2].Events.Should().ContainSingle().Which.Trigger.Should().Be(CaseTrigger.Approve);
        recorder.Changes[2].Previous!.State.Should().Be(CaseState.AwaitingApproval);
        (await workflow.FindAsync("case-1"))!.State.Should().Be(CaseState.InProgress);
    }

    [Fact]
    public async Task Transitions_and_approval_turnaround_are_measured_on_the_CustomerCraft_meter()
    {
        using TestHost host = Build();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var transitions = new MetricCollector<long>(meters, "CustomerCraft", "customercraft.escalation.transitions");
        using var turnaround = new MetricCollector<double>(meters, "CustomerCraft", "customercraft.escalation.approval.turnaround");
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync(150m);
        host.Time.Advance(TimeSpan.FromMinutes(45));
        await workflow.ApproveAsync("case-1", Tina);

        transitions.GetMeasurementSnapshot().Select(m => (string)m.Tags["trigger"]!).Should().Equal("Assign", "RequestApproval", "Approve");
        transitions.GetMeasurementSnapshot()[^1].Tags["from"].Should().Be("AwaitingApproval");
        transitions.GetMeasurementSnapshot()[^1].Tags["to"].Should().Be("InProgress");
        turnaround.GetMeasurementSnapshot().Should().ContainSingle().Which.Value.Should().Be(45 * 60);
        turnaround.LastMeasurement!.Tags["outcome"].Should().Be("approved");
    }

    [Fact]
    public async Task Bad_input_names_the_offending_field()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();

        (await FluentActions.Awaiting(async () => await workflow.OpenAsync(new OpenCaseRequest { CustomerId = " " })).Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.CustomerId");
        (await FluentActions.Awaiting(async () => await workflow.AssignAsync("case-1", new CaseActor("x", "Wizard"))).Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("assignee.Role");
        (await FluentActions.Awaiting(async () => await workflow.ResolveAsync("nope", Ana)).Should().ThrowAsync<CaseNotFoundException>()).Which.CaseId.Should().Be("nope");
        (await FluentActions.Awaiting(async () => await workflow.OpenAsync()).Should().ThrowAsync<CaseAlreadyExistsException>()).WithMessage("*already exists*");
        (await FluentActions.Awaiting(async () => await workflow.RequestApprovalAsync("case-1", PolicyFixtures.Refund(150m, incident: "case-1") with { Approver = new ApproverAuthority("tina", "TeamLead") })).Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Approver");
    }

    private static async Task<SupportCase> BringToAsync(ICaseWorkflow workflow, CaseState state)
    {
        switch (state)
        {
            case CaseState.New:
                return await workflow.OpenAsync(new OpenCaseRequest { CaseId = "case-1", CustomerId = "C-1" });
            case CaseState.InProgress:
                return await workflow.OpenAsync();
            case CaseState.AwaitingApproval:
                return await workflow.AwaitingApprovalAsync(150m);
            case CaseState.Escalated:
                await workflow.OpenAsync();
                return await workflow.EscalateAsync("case-1", Ana, EscalationReason.Complexity);
            case CaseState.AwaitingCustomer:
                await workflow.OpenAsync();
                return await workflow.AwaitCustomerAsync("case-1", Ana);
            case CaseState.Resolved:
                await workflow.OpenAsync();
                return await workflow.ResolveAsync("case-1", Ana);
            case CaseState.Closed:
                await BringToAsync(workflow, CaseState.Resolved);
                return await workflow.CloseAsync("case-1", Ana);
            case CaseState.Reopened:
                await BringToAsync(workflow, CaseState.Resolved);
                return await workflow.ReopenAsync("case-1", Ana);
            default:
                throw new ArgumentOutOfRangeException(nameof(state));
        }
    }

    private static async Task FireAsync(ICaseWorkflow workflow, CaseTrigger trigger)
    {
        const string Id = "case-1";
        switch (trigger)
        {
            case CaseTrigger.Assign: await workflow.AssignAsync(Id, Mia); break;
            case CaseTrigger.RequestApproval: await workflow.RequestApprovalAsync(Id, PolicyFixtures.Refund(150m, incident: Id)); break;
            case CaseTrigger.Approve: await workflow.ApproveAsync(Id, Mia); break;
            case CaseTrigger.Reject: await workflow.RejectAsync(Id, Mia, "no"); break;
            case CaseTrigger.Escalate: await workflow.EscalateAsync(Id, Ana, EscalationReason.Complexity); break;
            case CaseTrigger.ReturnToOwner: await workflow.ReturnToOwnerAsync(Id, Tina); break;
            case CaseTrigger.AwaitCustomer: await workflow.AwaitCustomerAsync(Id, Ana); break;
            case CaseTrigger.CustomerReplied: await workflow.CustomerRepliedAsync(Id); break;
            case CaseTrigger.Resolve: await workflow.ResolveAsync(Id, Ana); break;
            case CaseTrigger.Close: await workflow.CloseAsync(Id, Ana); break;
            case CaseTrigger.Reopen: await workflow.ReopenAsync(Id, Ana); break;
            default: throw new ArgumentOutOfRangeException(nameof(trigger));
        }
    }

    private sealed class RecordingObserver : ICaseObserver
    {
        public List<CaseChange> Changes { get; } = [];

        public ValueTask OnCaseChangedAsync(CaseChange change, CancellationToken cancellationToken)
        {
            lock (Changes)
            {
                Changes.Add(change);
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class ThrowingObserver : ICaseObserver
    {
        public ValueTask OnCaseChangedAsync(CaseChange change, CancellationToken cancellationToken) => throw new InvalidOperationException("notification service down");
    }
}
