using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.Tests.Escalation;

/// <summary>Interleavings found in review: a grant is only ever voided by the call that made it, and never when a case records it.</summary>
public sealed class ApprovalConsistencyTests
{
    [Fact]
    public async Task A_double_submit_by_one_approver_approves_once_and_keeps_the_grant_it_records()
    {
        using TestHost host = Build(configure: Faults.Inject);
        ICaseWorkflow workflow = host.Workflow();
        FaultyLedger ledger = host.FaultyLedger();
        for (int round = 0; round < 50; round++)
        {
            string id = $"double-{round}";
            SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m, id);
            using var start = new Barrier(2);
            Task<ApprovalResult> Click() => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await workflow.ApproveAsync(id, Tina);
            });

            Task<ApprovalResult>[] clicks = [Click(), Click()];
            try
            {
                await Task.WhenAll(clicks);
            }
            catch (CaseWorkflowException)
            {
            }

            clicks.Count(c => c.IsCompletedSuccessfully).Should().Be(1, $"round {round}");
            clicks.Single(c => c.IsFaulted).Exception!.InnerException.Should().BeAssignableTo<CaseWorkflowException>();
            SupportCase stored = (await workflow.FindAsync(id))!;
            string recorded = stored.History.Single(e => e.Trigger == CaseTrigger.Approve).GrantId!;
            List<GrantRecord> grants = await ledger.GrantsForApprovalAsync(awaiting.PendingApproval!.ApprovalId);
            grants.Where(g => !g.IsVoided).Select(g => g.GrantId).Should().Equal([recorded], $"round {round}: the recorded grant is the only live one");
        }
    }

    [Fact]
    public async Task A_grant_left_by_an_approver_who_died_mid_way_blocks_others_briefly_then_is_voided()
    {
        using TestHost host = Build(configure: Faults.Inject);
        ICaseWorkflow workflow = host.Workflow();
        FaultyLedger ledger = host.FaultyLedger();
        SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m);
        PendingApproval pending = awaiting.PendingApproval!;

        // Tina's process reserved the grant and died before saving the case.
        GrantResult orphan = await host.Authority.GrantAsync(pending.Request with
        {
            Approver = new ApproverAuthority("tina", "TeamLead"),
            IdempotencyKey = $"approval:{pending.ApprovalId}:0",
        });
        orphan.IsGranted.Should().BeTrue();

        Func<Task> tooSoon = async () => await workflow.ApproveAsync("case-1", Tom);
        (await tooSoon.Should().ThrowAsync<CaseConcurrencyException>()).WithMessage("*tina*started approving*");

        host.Time.Advance(TimeSpan.FromMinutes(5));
        ApprovalResult approved = await workflow.ApproveAsync("case-1", Tom);

        approved.Grant.ApproverId.Should().Be("tom");
        List<GrantRecord> grants = await ledger.GrantsForApprovalAsync(pending.ApprovalId);
        grants.Single(g => g.GrantId == orphan.Grant!.GrantId).IsVoided.Should().BeTrue();
        grants.Where(g => !g.IsVoided).Select(g => g.GrantId).Should().Equal(approved.Grant.GrantId);
    }

    [Fact]
    public async Task Many_failed_saves_in_a_row_never_make_an_approval_impossible()
    {
        using TestHost host = Build(configure: Faults.Inject);
        ICaseWorkflow workflow = host.Workflow();
        FaultyCaseStore store = host.FaultyStore();
        FaultyLedger ledger = host.FaultyLedger();
        SupportCase awaiting = await workflow.AwaitingApprovalAsync(150m);

        for (int failure = 0; failure < 12; failure++)
        {
            store.FailNextSave = true;
            Func<Task> approve = async () => await workflow.ApproveAsync("case-1", Tina);
            await approve.Should().ThrowAsync<IOException>();
        }

        ApprovalResult approved = await workflow.ApproveAsync("case-1", Tina);

        approved.Case.State.Should().Be(CaseState.InProgress);
        var live = new List<GrantRecord>();
        for (int attempt = 0; attempt < 16; attempt++)
        {
            if (await ledger.FindByIdempotencyKeyAsync($"approval:{awaiting.PendingApproval!.ApprovalId}:{attempt}") is { IsVoided: false } grant)
            {
                live.Add(grant);
            }
        }

        live.Select(g => g.GrantId).Should().Equal(approved.Grant.GrantId);
    }

    [Fact]
    public async Task Reloading_warning_fractions_neither_repeats_nor_mislabels_a_warning()
    {
        Dictionary<string, string?> settings = Ladder();
        using TestHost host = Build(settings);
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync(new OpenCaseRequest { CaseId = "case-1", CustomerId = "C-1" }); // response: 1h
        host.Time.Advance(TimeSpan.FromMinutes(31));
        await workflow.ProcessDueAsync(); // the 50% warning at 30 min

        host.Configuration["CustomerCraft:Escalation:WarningFractions:0"] = "0.25";
        host.Configuration["CustomerCraft:Escalation:WarningFractions:1"] = "0.5";
        host.Configuration["CustomerCraft:Escalation:WarningFractions:2"] = "0.75";
        host.Configuration["CustomerCraft:Escalation:WarningFractions:3"] = "0.9";
        host.Configuration.Reload();
        host.Time.Advance(TimeSpan.FromMinutes(29)); // 60 min: 75%, 90% and the breach are all due
        await workflow.ProcessDueAsync();

        SupportCase processed = (await workflow.FindAsync("case-1"))!;
        processed.History
            .Where(e => e.Kind == CaseEventKind.SlaWarning && e.Timer == SlaTimerKind.Response)
            .Select(e => (e.At - PolicyFixtures.Start, e.Detail![(e.Detail!.LastIndexOf(':') + 2)..]))
            .Should().Equal(
                (TimeSpan.FromMinutes(30), "50% of the target used"),
                (TimeSpan.FromMinutes(45), "75% of the target used"),
                (TimeSpan.FromMinutes(54), "90% of the target used"));
    }
}
