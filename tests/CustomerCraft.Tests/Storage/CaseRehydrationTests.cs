using System.Reflection;
using CustomerCraft.Escalation;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.Tests.Storage;

/// <summary>
/// Issue 14: <see cref="SupportCase"/> had public <c>init</c> on State, Level, Version, History and
/// Timers, so a caller could fabricate a case in any state. Cases now come only from the workflow,
/// and stores come back from their data through <see cref="CaseRehydration.Restore"/>, which refuses
/// a case the workflow could not have produced.
/// </summary>
public sealed class CaseRehydrationTests
{
    [Fact]
    public void A_host_can_neither_construct_a_case_nor_change_one()
    {
        // This project sees internals, so the check reads what other assemblies see.
        Type type = typeof(SupportCase);
        type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Should().BeEmpty("only the workflow and CaseRehydration make cases");
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } or { IsFamily: true } or { IsFamilyOrAssembly: true })
            .Select(p => p.Name)
            .Should().BeEmpty("a public init would let `with` move a case to any state");
    }

    [Fact]
    public async Task A_case_the_workflow_made_round_trips_through_a_snapshot()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        SupportCase waiting = await workflow.AwaitingApprovalAsync();
        SupportCase escalated = await workflow.EscalateAsync("case-1", Ana, EscalationReason.Complexity, "over to the team lead");

        foreach (SupportCase made in new[] { waiting, escalated })
        {
            SupportCase restored = CaseRehydration.Restore(SupportCaseSnapshot.From(made));
            restored.Should().BeEquivalentTo(made, o => o.ComparingByMembers<SupportCase>());
            restored.Should().NotBeSameAs(made);
        }
    }

    [Fact]
    public async Task The_in_memory_store_returns_the_case_it_was_given()
    {
        using TestHost host = Build();
        SupportCase waiting = await host.Workflow().AwaitingApprovalAsync();

        (await host.Store().FindAsync("case-1")).Should().BeSameAs(waiting);
    }

    public static TheoryData<string, string> Fabrications() => new()
    {
        { "resolved without a move", "State is Resolved but the timeline leaves the case AwaitingApproval" },
        { "at level 2 without an escalation", "Level is 2 but the timeline leaves the case at level 1" },
        { "awaiting approval with none pending", "PendingApproval is missing while the case awaits approval" },
        { "a gap in the timeline", "History[1].Sequence is 7" },
        { "a move the workflow forbids", "History[2] moves the case from InProgress to Closed by Close, which the case workflow does not allow" },
        { "a note that moves the case", "History[1] is a Note entry but changes the case from New at level 0 to Resolved at level 0" },
        { "no timeline", "History is empty" },
        { "version 0", "Version is 0" },
        { "a clock at another level", "Timers[0].Level is 3 but the case is at level 1" },
        { "no customer", "CustomerId is empty" },
    };

    [Theory]
    [MemberData(nameof(Fabrications))]
    public async Task A_snapshot_the_workflow_could_not_have_made_is_refused_naming_what_disagrees(string fabrication, string message)
    {
        using TestHost host = Build();
        SupportCase waiting = await host.Workflow().AwaitingApprovalAsync();
        SupportCaseSnapshot real = SupportCaseSnapshot.From(waiting);
        CaseEvent opened = real.History[0];

        SupportCaseSnapshot forged = fabrication switch
        {
            "resolved without a move" => real with { State = CaseState.Resolved, PendingApproval = null },
            "at level 2 without an escalation" => real with { Level = 2, Timers = [] },
            "awaiting approval with none pending" => real with { PendingApproval = null },
            "a gap in the timeline" => real with { History = [.. real.History.Select((e, i) => i == 1 ? new CaseEvent(e) { Sequence = 7 } : e)] },
            "a move the workflow forbids" => real with
            {
                State = CaseState.Closed,
                PendingApproval = null,
                History = [.. real.History.Take(2), new CaseEvent(real.History[2]) { Trigger = CaseTrigger.Close, To = CaseState.Closed }],
            },
            "a note that moves the case" => real with
            {
                State = CaseState.Resolved,
                PendingApproval = null,
                History = [opened, new CaseEvent(opened) { Sequence = 2, Kind = CaseEventKind.Note, To = CaseState.Resolved }],
            },
            "no timeline" => real with { History = [] },
            "version 0" => real with { Version = 0 },
            "a clock at another level" => real with { Timers = [.. real.Timers.Select(t => new SlaTimer(t) { Level = 3 })] },
            "no customer" => real with { CustomerId = "" },
            _ => throw new ArgumentOutOfRangeException(nameof(fabrication)),
        };
        if (fabrication == "a clock at another level")
        {
            forged.Timers.Should().NotBeEmpty("the fabrication needs a clock to move");
        }

        Action restore = () => CaseRehydration.Restore(forged);

        restore.Should().Throw<ArgumentException>()
            .WithMessage($"Stored case 'case-1': {message}*")
            .Which.ParamName.Should().Be("snapshot");
    }

    [Fact]
    public async Task A_case_reopened_after_resolving_restores_through_every_move_it_made()
    {
        using TestHost host = Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync();
        await workflow.ApproveAsync("case-1", Tina, "fine");
        await workflow.AwaitCustomerAsync("case-1", Ana);
        await workflow.CustomerRepliedAsync("case-1", "thanks");
        await workflow.AddNoteAsync("case-1", Ana, "refund sent");
        await workflow.ResolveAsync("case-1", Ana);
        SupportCase reopened = await workflow.ReopenAsync("case-1", Ana, "it broke again");

        CaseRehydration.Restore(SupportCaseSnapshot.From(reopened))
            .Should().BeEquivalentTo(reopened, o => o.ComparingByMembers<SupportCase>());
        reopened.History.Should().HaveCountGreaterThan(7);
    }
}
