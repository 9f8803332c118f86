using CustomerCraft.Coaching;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.Tests.Coaching;

public sealed class EmpowermentCoachTests
{
    [Fact]
    public async Task Escalations_within_the_agents_own_authority_authority_use_and_rejections_are_reported_with_tips()
    {
        using TestHost host = CoachingFixtures.Build();
        ICaseWorkflow workflow = host.Workflow();
        IResolutionAuthority authority = host.Authority;

        // Ana grants a 50 refund herself: half her 100 per-incident limit.
        await authority.GrantAsync(PolicyFixtures.Refund(50m, incident: "own-1", key: "own-1"));

        // Ana escalates a case the team lead then settles with a 60 refund, which Ana could have granted.
        await workflow.OpenAsync("esc-1");
        await workflow.EscalateAsync("esc-1", Ana, EscalationReason.AuthorityExceeded);
        await authority.GrantAsync(PolicyFixtures.Refund(60m, incident: "esc-1", key: "esc-1") with { AgentId = "tina", Role = "TeamLead" });

        // Ben asks for three approvals; two are rejected.
        for (int i = 1; i <= 3; i++)
        {
            string id = $"ben-{i}";
            await workflow.OpenAsync(id, owner: Ben);
            await workflow.RequestApprovalAsync(id, PolicyFixtures.Refund(150m, agent: "ben", incident: id));
            if (i < 3)
            {
                await workflow.RejectAsync(id, Tina, "Not covered by warranty.");
            }
        }

        IReadOnlyList<SupportCase> cases = await workflow.QueryAsync(new CaseQuery());
        EmpowermentCoachingReport report = await host.Services.GetRequiredService<IEmpowermentCoach>()
            .AnalyzeAsync(cases, new EmpowermentCoachingQuery { TeamOf = agent => agent is "ana" or "ben" ? "blue" : null });

        AgentEmpowerment ana = report.Agents.Single(a => a.Id == "ana");
        ana.OwnGrants.Should().Be(1);
        ana.OwnGrantedAmount.Should().Be(50m);
        ana.AuthorityUsed.Should().BeApproximately(0.5, 1e-9);
        ana.Escalations.Should().Be(1);
        ana.AvoidableEscalations.Should().Be(1);
        ana.Tips.Should().ContainSingle(t => t.StartsWith("1 of 1 escalations were within their own authority", StringComparison.Ordinal));

        AgentEmpowerment ben = report.Agents.Single(a => a.Id == "ben");
        ben.ApprovalRequests.Should().Be(3);
        ben.ApprovalsRejected.Should().Be(2);
        ben.RejectionRate.Should().BeApproximately(2.0 / 3, 1e-9);
        ben.Tips.Should().Contain(t => t.Contains("never grants anything alone")).And.Contain(t => t.StartsWith("2 of 3 approval requests were rejected", StringComparison.Ordinal));

        report.Agents[0].Id.Should().Be("ana", "the agent with the most avoidable escalations comes first");
        AgentEmpowerment blue = report.Teams.Should().ContainSingle().Subject;
        (blue.Id, blue.ApprovalRequests, blue.ApprovalsRejected, blue.Escalations, blue.OwnGrants).Should().Be(("blue", 3, 2, 1, 1));
    }

    [Fact]
    public async Task An_escalation_whose_resolution_needed_more_authority_is_not_avoidable()
    {
        using TestHost host = CoachingFixtures.Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync("esc-2");
        await workflow.EscalateAsync("esc-2", Ana, EscalationReason.AuthorityExceeded);
        await host.Authority.GrantAsync(PolicyFixtures.Refund(600m, incident: "esc-2", key: "esc-2") with { AgentId = "tina", Role = "TeamLead" });

        EmpowermentCoachingReport report = await host.Services.GetRequiredService<IEmpowermentCoach>().AnalyzeAsync(await workflow.QueryAsync(new CaseQuery()));

        AgentEmpowerment ana = report.Agents.Single(a => a.Id == "ana");
        (ana.Escalations, ana.AvoidableEscalations).Should().Be((1, 0));
        ana.Tips.Should().ContainSingle().Which.Should().Contain("never grants anything alone");
    }
}
