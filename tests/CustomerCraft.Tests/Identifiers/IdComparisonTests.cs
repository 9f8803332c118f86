using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using CustomerCraft.Identifiers;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Identifiers;

/// <summary>
/// Regression tests for the adversarial pass of issue 15: four-eyes and per-agent budgets compared
/// ids exactly, so <c>ANA</c> or <c>"ana "</c> was a second person with a fresh budget.
/// </summary>
public class IdComparisonTests
{
    private const string AgentRefund = "CustomerCraft:Empowerment:Roles:Agent:Limits:Refund";

    [Theory]
    [InlineData("ana")]
    [InlineData("ANA")]
    [InlineData("Ana")]
    public async Task Grant_ApprovedByTheRequesterInAnySpelling_IsRefusedByFourEyes(string approver)
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.GrantAsync(Refund(400m, key: "k") with { Approver = new ApproverAuthority(approver, "TeamLead") });

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Approver.ApproverId");
    }

    [Theory]
    [InlineData("ana ", "request.Approver.ApproverId")]
    [InlineData(" ana", "request.Approver.ApproverId")]
    [InlineData("ana\t", "request.Approver.ApproverId")]
    [InlineData("an\u0000a", "request.Approver.ApproverId")]
    [InlineData("an\u0007a", "request.Approver.ApproverId")]
    public async Task Grant_ApproverIdPaddedOrWithAControlCharacter_IsABadRequestNamingTheField(string approver, string field)
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.GrantAsync(Refund(400m, key: "k") with { Approver = new ApproverAuthority(approver, "TeamLead") });

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be(field);
    }

    [Fact]
    public async Task Grant_SixteenthRefundOverTheDailyBudgetSentAsAnotherSpelling_NeedsApproval()
    {
        Dictionary<string, string?> settings = Basic();
        settings[$"{AgentRefund}:PerAgent:Count"] = "15";
        settings[$"{AgentRefund}:PerAgent:Window"] = "Day";
        using TestHost host = Build(settings);
        for (int i = 0; i < 15; i++)
        {
            (await host.Authority.GrantAsync(Refund(10m, incident: $"T-{i}", customer: $"C-{i}", key: $"k{i}"))).IsGranted.Should().BeTrue();
        }

        GrantResult upper = await host.Authority.GrantAsync(Refund(10m, agent: "ANA", incident: "T-15", customer: "C-15", key: "k15"));

        upper.IsGranted.Should().BeFalse("ANA is ana, whose 15 refunds of the day are spent");
        upper.Decision!.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
    }

    [Fact]
    public async Task Grant_IncidentAndCustomerInAnotherSpelling_ShareTheirBudgets()
    {
        using TestHost host = Build(Basic());
        (await host.Authority.GrantAsync(Refund(90m, incident: "t-1", customer: "c-1", key: "k1"))).IsGranted.Should().BeTrue();

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(20m, incident: "T-1", customer: "C-1"));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval, "t-1 and T-1 are one incident with 90 of its 100 spent");
    }

    [Fact]
    public async Task Grant_RetriedWithTheAgentInAnotherSpelling_IsAReplayNotAConflict()
    {
        using TestHost host = Build(Basic());
        GrantResult first = await host.Authority.GrantAsync(Refund(60m, key: "k"));

        GrantResult retry = await host.Authority.GrantAsync(Refund(60m, agent: "ANA", key: "k"));

        retry.IsReplay.Should().BeTrue();
        retry.Grant!.GrantId.Should().Be(first.Grant!.GrantId);
    }

    [Fact]
    public async Task Exact_KeepsIdsThatDifferInCaseApart()
    {
        Dictionary<string, string?> settings = Basic();
        settings["CustomerCraft:IdComparison"] = "Exact";
        settings[$"{AgentRefund}:PerAgent:Count"] = "1";
        settings[$"{AgentRefund}:PerAgent:Window"] = "Day";
        using TestHost host = Build(settings);
        host.Services.GetRequiredService<IdRules>().Comparison.Should().Be(IdComparison.Exact);
        (await host.Authority.GrantAsync(Refund(10m, incident: "T-1", key: "k1"))).IsGranted.Should().BeTrue();

        GrantResult other = await host.Authority.GrantAsync(Refund(10m, agent: "ANA", incident: "T-2", key: "k2"));
        GrantResult approvedByOther = await host.Authority.GrantAsync(Refund(400m, incident: "T-3", key: "k3") with { Approver = new ApproverAuthority("ANA", "TeamLead") });

        other.IsGranted.Should().BeTrue("with Exact ids, ANA is someone else with a budget of their own");
        approvedByOther.IsGranted.Should().BeTrue("with Exact ids, ANA is not ana");
    }

    [Fact]
    public async Task Approval_ByTheRequesterInAnotherSpelling_IsRefusedAsTheirOwnRequest()
    {
        using TestHost host = EscalationFixtures.Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.AwaitingApprovalAsync(amount: 400m);

        Func<Task> act = async () => await workflow.ApproveAsync("case-1", new CaseActor("ANA", "Manager"));

        (await act.Should().ThrowAsync<ApprovalRefusedException>()).Which.Reason.Should().Be(ApprovalRefusal.OwnRequest);
    }

    [Fact]
    public async Task RequestApproval_ForTheCasesCustomerInAnotherSpelling_IsAccepted()
    {
        using TestHost host = EscalationFixtures.Build();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();

        SupportCase asked = await workflow.RequestApprovalAsync("case-1", Refund(400m, customer: "c-1", incident: "case-1"));

        asked.State.Should().Be(CaseState.AwaitingApproval);
    }

    [Fact]
    public void AreSame_FollowsTheConfiguredComparison()
    {
        IdRules.Default.AreSame("ana", "ANA").Should().BeTrue();
        IdRules.Default.AreSame("ana", "ana ").Should().BeFalse();
        new IdRules(IdComparison.Exact).AreSame("ana", "ANA").Should().BeFalse();
        new IdRules(IdComparison.Exact).AreSame("ana", "ana").Should().BeTrue();
        FluentActions.Invoking(() => new IdRules((IdComparison)7)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*IgnoreCase or Exact*");
    }

    [Theory]
    [InlineData("ana", "ANA")]
    [InlineData("C-1", "C-1")]
    [InlineData("straße", "STRASSE")]
    [InlineData("élodie", "ÉLODIE")]
    public void Key_AgreesWithAreSame(string id, string other)
    {
        IdRules rules = IdRules.Default;

        (rules.Key(id) == rules.Key(other)).Should().Be(rules.AreSame(id, other));
    }
}
