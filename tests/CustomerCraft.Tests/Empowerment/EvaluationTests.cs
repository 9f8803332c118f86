using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Empowerment;

public class EvaluationTests
{
    /// <summary>The basic policy plus a daily per-agent refund budget for each human role.</summary>
    private static Dictionary<string, string?> WithDailyRefundBudgets(int agent, int seniorAgent, int teamLead)
    {
        Dictionary<string, string?> s = Basic();
        foreach ((string role, int budget) in new[] { ("Agent", agent), ("SeniorAgent", seniorAgent), ("TeamLead", teamLead) })
        {
            s[$"CustomerCraft:Empowerment:Roles:{role}:Limits:Refund:PerAgent:Amount"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
            s[$"CustomerCraft:Empowerment:Roles:{role}:Limits:Refund:PerAgent:Window"] = "Day";
        }

        return s;
    }

    [Fact]
    public async Task EvaluateAsync_WithinPerIncidentLimit_IsAllowed()
    {
        using TestHost host = Build(Basic());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(60m));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        decision.RequiredApproverRole.Should().BeNull();
        decision.Action.Should().Be("Refund");
        decision.Role.Should().Be("Agent");
        decision.Currency.Should().Be("USD");
    }

    [Fact]
    public async Task EvaluateAsync_ExactlyAtTheLimit_IsAllowed()
    {
        using TestHost host = Build(Basic());

        (await host.Authority.EvaluateAsync(Refund(100m))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task EvaluateAsync_OneCentOverTheLimit_RequiresApprovalFromTheNextRoleUp()
    {
        using TestHost host = Build(Basic());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(100.01m));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("SeniorAgent");
        DecisionReason failed = decision.Reasons.Single(r => !r.Passed);
        failed.Kind.Should().Be(DecisionReasonKind.Limit);
        failed.Limit.Should().Be(LimitKind.IncidentAmount);
        failed.ConfigurationPath.Should().Be("CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount");
        failed.LimitValue.Should().Be(100m);
        failed.Used.Should().Be(0m);
        failed.Remaining.Should().Be(100m);
    }

    [Fact]
    public async Task EvaluateAsync_AboveSeniorButWithinTeamLead_NamesTheLowestCoveringRole()
    {
        using TestHost host = Build(Basic());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(400m));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("TeamLead");
    }

    [Fact]
    public async Task EvaluateAsync_BeyondEveryRole_IsDeniedWithANoApproverReason()
    {
        using TestHost host = Build(Basic());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(1000.01m));

        decision.Outcome.Should().Be(DecisionOutcome.Denied);
        decision.Reasons.Should().Contain(r => r.Kind == DecisionReasonKind.NoApprover && !r.Passed);
    }

    [Fact]
    public async Task EvaluateAsync_RoleWithoutLimitsForTheAction_RequiresApprovalWithANoAuthorityReason()
    {
        using TestHost host = Build(Basic());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(5m, role: "Bot", agent: "bot-1"));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("Agent");
        decision.Reasons.Should().ContainSingle(r => r.Kind == DecisionReasonKind.NoAuthority)
            .Which.ConfigurationPath.Should().Be("CustomerCraft:Empowerment:Roles:Bot:Limits");
    }

    [Fact]
    public async Task EvaluateAsync_BotRoles_AreNeverNamedAsApprovers()
    {
        Dictionary<string, string?> settings = Basic();
        // A bot ranked between Agent and SeniorAgent with enough authority must still be skipped.
        settings["CustomerCraft:Empowerment:Roles:Bot:Rank"] = "15";
        settings["CustomerCraft:Empowerment:Roles:Bot:Limits:Refund:PerIncident:Amount"] = "200";
        settings["CustomerCraft:Empowerment:Roles:Bot:Limits:Credit:PerIncident:Amount"] = "60";
        using TestHost host = Build(settings);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(150m));

        decision.RequiredApproverRole.Should().Be("SeniorAgent");
    }

    [Fact]
    public async Task EvaluateAsync_HasNoSideEffects()
    {
        using TestHost host = Build(Basic());
        for (int i = 0; i < 5; i++)
        {
            await host.Authority.EvaluateAsync(Refund(100m));
        }

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(100m));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        decision.Reasons.Single(r => r.Limit == LimitKind.IncidentAmount).Used.Should().Be(0m);
        var log = host.Services.GetRequiredService<IDecisionLog>();
        (await log.ReadAsync(DecisionLogQuery.All).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task EvaluateAsync_ReportsHeadroomForEveryAction()
    {
        using TestHost host = Build(Basic());
        await host.Authority.GrantAsync(Refund(30m, key: "k1"));

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(10m));

        decision.Headroom.Should().HaveCount(2);
        decision.GetHeadroom("Refund").Should().Be(new ActionHeadroom("Refund", true, 70m, null, "USD"));
        decision.GetHeadroom("credit").Should().Be(new ActionHeadroom("Credit", true, 50m, null, "USD"));
        decision.GetHeadroom("Unknown").Should().BeNull();
    }

    /// <summary>
    /// The decision keeps every budget's usage packed in 4 or 8 bytes when the values fit (amounts
    /// below 2^24 and 2^44 minor units): usage past each layout reads back exactly.
    /// </summary>
    [Theory]
    [InlineData(100, 999_900)] // 10,000 minor units: the 4-byte layout
    [InlineData(200_000, 800_000)] // 20,000,000 minor units: past 2^24, the 8-byte layout
    [InlineData(200_000_000_000, 800_000_000_000)] // 2 * 10^13 minor units: past 2^44, the 16-byte layout
    public async Task EvaluateAsync_LargeUsage_ReportsExactHeadroomForEveryAction(long granted, long left)
    {
        Dictionary<string, string?> settings = Basic();
        foreach (string role in new[] { "Agent", "SeniorAgent", "TeamLead" })
        {
            settings[$"CustomerCraft:Empowerment:Roles:{role}:Limits:Refund:PerIncident:Amount"] = (granted + left).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using TestHost host = Build(settings);
        (await host.Authority.GrantAsync(Refund(granted, key: "k1"))).IsGranted.Should().BeTrue();

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(10m) with { Action = "Credit" });

        decision.GetHeadroom("Refund").Should().Be(new ActionHeadroom("Refund", true, left, null, "USD"));
        decision.GetHeadroom("Credit").Should().Be(new ActionHeadroom("Credit", true, 50m, null, "USD"));
    }

    [Fact]
    public async Task EvaluateAsync_ManyActions_ReportsHeadroomForEachBeyondTheInlineStorage()
    {
        var settings = new Dictionary<string, string?> { ["CustomerCraft:Empowerment:Roles:Agent:Rank"] = "1" };
        for (int i = 0; i < 12; i++)
        {
            settings[$"CustomerCraft:Empowerment:Actions:Action{i:00}:Description"] = "x";
            settings[$"CustomerCraft:Empowerment:Roles:Agent:Limits:Action{i:00}:PerIncident:Amount"] = (10 * (i + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using TestHost host = Build(settings);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(5m) with { Action = "Action11" });

        decision.Headroom.Select(h => h.Amount).Should().Equal(Enumerable.Range(1, 12).Select(i => (decimal?)(10m * i)));
        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task EvaluateAsync_UnderAnApprover_AppliesTheApproversLimits()
    {
        using TestHost host = Build(Basic());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(400m).WithApprover("tara", "TeamLead"));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        decision.Role.Should().Be("TeamLead");
    }

    [Fact]
    public async Task EvaluateAsync_UnderAnApproverWithTooLittleAuthority_RequiresAHigherApprover()
    {
        using TestHost host = Build(Basic());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(400m).WithApprover("sam", "SeniorAgent"));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("TeamLead");
    }

    [Fact]
    public async Task EvaluateAsync_RequesterAsTheirOwnApprover_IsRejectedByTheFourEyesRule()
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.EvaluateAsync(Refund(400m, agent: "tara").WithApprover("tara", "TeamLead"));

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*cannot approve their own request*");
    }

    [Theory]
    [InlineData("Agent")]       // a peer below the top: would let an agent spend a colleague's budget
    [InlineData("Bot")]         // (also a bot)
    public async Task EvaluateAsync_ApproverNotAboveTheRequester_IsABadRequest(string approverRole)
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.EvaluateAsync(Refund(100m).WithApprover("bob", approverRole));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Approver.Role");
    }

    [Fact]
    public async Task EvaluateAsync_LowerRankedApprover_IsABadRequest()
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.EvaluateAsync(Refund(50m, role: "TeamLead", agent: "tl").WithApprover("ana", "Agent"));

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*does not rank above*");
    }

    [Fact]
    public async Task EvaluateAsync_TopRoleWithItsOwnDailyBudgetUsedUp_GoesToAPeer()
    {
        Dictionary<string, string?> s = WithDailyRefundBudgets(agent: 300, seniorAgent: 600, teamLead: 1000);

        using TestHost host = Build(s);
        (await host.Authority.GrantAsync(Refund(1000m, role: "TeamLead", agent: "tara", key: "k1"))).IsGranted.Should().BeTrue();
        ResolutionRequest next = Refund(10m, role: "TeamLead", agent: "tara", incident: "T-2", key: "k2");

        AuthorityDecision decision = await host.Authority.EvaluateAsync(next);
        GrantResult byPeer = await host.Authority.GrantAsync(next.WithApprover("tom", "TeamLead"));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("TeamLead");
        byPeer.IsGranted.Should().BeTrue();
        byPeer.Grant!.ChargedAgentId.Should().Be("tom");
    }

    [Theory]
    [InlineData("TeamLead")]     // the top of the ladder: nobody above
    [InlineData("SeniorAgent")]  // below the top: still another senior agent, not a team lead
    public async Task EvaluateAsync_NamedApproverWithTheirOwnBudgetSpent_GoesToAnotherApproverInTheSameRole(string approverRole)
    {
        // Regression: a top-of-ladder approver with a spent daily budget made the request Denied.
        Dictionary<string, string?> s = WithDailyRefundBudgets(agent: 100, seniorAgent: 250, teamLead: 300);

        using TestHost host = Build(s);
        (await host.Authority.GrantAsync(Refund(200m, role: approverRole, agent: "lee", incident: "T-9", key: "own"))).IsGranted.Should().BeTrue();

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Refund(200m).WithApprover("lee", approverRole));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be(approverRole);
    }

    [Fact]
    public async Task EvaluateAsync_AbsurdAmount_IsABadRequestNotAnOverflow()
    {
        using TestHost host = Build(Basic());
        await host.Authority.GrantAsync(Refund(10m, key: "k"));

        Func<Task> act = async () => await host.Authority.EvaluateAsync(Refund(decimal.MaxValue));

        (await act.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("request.Amount");
    }

    [Fact]
    public async Task EvaluateAsync_ActionAndRoleNames_AreCaseInsensitive()
    {
        using TestHost host = Build(Basic());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(new ResolutionRequest
        {
            AgentId = "ana", Role = "agent", CustomerId = "C-1", IncidentId = "T-1", Action = "REFUND", Amount = 10m,
        });

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        decision.Action.Should().Be("Refund");
    }
}

internal static class RequestExtensions
{
    /// <summary>The same request, made under an approver's authority.</summary>
    public static ResolutionRequest WithApprover(this ResolutionRequest request, string approverId, string role) =>
        request with { Approver = new ApproverAuthority(approverId, role) };
}
