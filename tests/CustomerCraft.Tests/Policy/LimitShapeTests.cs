using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.Time.Testing;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// Limit shapes: Unlimited, no per-incident cap with only a budget, and the ladder rule comparing
/// what each role can really grant (valid supervisor-on-a-monthly-budget ladders, real inversions).
/// </summary>
public class LimitShapeTests
{
    private const string R = $"{E}:Roles";

    // ---- Unlimited ----

    [Fact]
    public async Task Unlimited_GrantsAnyAmountWithoutLimitReasonsAndStillChargesTheBudgets()
    {
        Dictionary<string, string?> s = Ladder()
            .Without("Roles:Manager:Limits:Refund:PerIncident:Amount")
            .With("Roles:Manager:Limits:Refund:Unlimited", "true");
        using TestHost host = Host(s);

        AuthorityDecision big = await host.Authority.EvaluateAsync(Request(1_000_000m, role: "Manager"));
        (await host.Authority.GrantAsync(Request(95m, role: "Manager", agent: "max", key: "k1"))).IsGranted.Should().BeTrue();
        AuthorityDecision agent = await host.Authority.EvaluateAsync(Request(10m));

        big.Outcome.Should().Be(DecisionOutcome.Allowed);
        big.Reasons.Should().NotContain(r => r.Kind == DecisionReasonKind.Limit);
        big.GetHeadroom("Refund").Should().Be(new ActionHeadroom("Refund", true, null, null, "USD"));
        agent.Outcome.Should().Be(DecisionOutcome.RequiresApproval, "the manager's 95 counts against the incident: " + agent.Explain());
        agent.Reasons.Single(r => r.Limit == LimitKind.IncidentAmount).Used.Should().Be(95m);
    }

    [Fact]
    public void Unlimited_WithALimitBesideIt_IsAStartUpError()
    {
        Dictionary<string, string?> s = Ladder().With("Roles:Manager:Limits:Refund:Unlimited", "true");

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{R}:Manager:Limits:Refund:Unlimited: ");
    }

    [Fact]
    public void Unlimited_BelowALimitedRole_IsALadderError()
    {
        Dictionary<string, string?> s = Ladder()
            .Without("Roles:Agent:Limits:Refund:PerIncident:Amount")
            .With("Roles:Agent:Limits:Refund:Unlimited", "true");

        IReadOnlyList<string> errors = Errors(s);

        errors.Should().Contain(e => e.StartsWith($"{R}:TeamLead:Limits:Refund: ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Roles:Agent:Limits:Credit", "", "Roles:Agent:Limits:Credit: ")]
    [InlineData("Roles:Agent:Limits:Credit:Unlimited", "false", "Roles:Agent:Limits:Credit: ")]
    [InlineData("Roles:Agent:Limits:Credit:PerIncident", "", "Roles:Agent:Limits:Credit:PerIncident: ")]
    [InlineData("Roles:Agent:Limits:Credit:PerCustomer:Window", "Day", "Roles:Agent:Limits:Credit:PerCustomer: ")]
    public void Limit_WithNothingToLimit_IsAStartUpError(string key, string value, string expected)
    {
        Dictionary<string, string?> s = Ladder()
            .With("Actions:Credit:Description", "Account credit")
            .With("Roles:TeamLead:Limits:Credit:Unlimited", "true")
            .With("Roles:Manager:Limits:Credit:Unlimited", "true")
            .With(key, value);

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{E}:{expected}");
    }

    // ---- No per-incident cap: budgets only ----

    [Fact]
    public async Task BudgetOnly_NoPerIncidentCap_TheBudgetAloneDecides()
    {
        Dictionary<string, string?> s = Ladder()
            .Without("Roles:Agent:Limits:Refund:PerIncident:Amount")
            .With("Roles:Agent:Limits:Refund:PerCustomer:Amount", "300")
            .With("Roles:Agent:Limits:Refund:PerCustomer:Length", "30.00:00:00");
        using TestHost host = Host(s);

        AuthorityDecision whole = await host.Authority.EvaluateAsync(Request(300m));
        (await host.Authority.GrantAsync(Request(250m, key: "k1"))).IsGranted.Should().BeTrue();
        AuthorityDecision over = await host.Authority.EvaluateAsync(Request(60m, incident: "T-2"));

        whole.Outcome.Should().Be(DecisionOutcome.Allowed);
        whole.IncidentLimit().Should().BeNull("there is no per-incident cap");
        whole.GetHeadroom("Refund")!.Value.Amount.Should().Be(300m);
        over.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        over.RequiredApproverRole.Should().Be("TeamLead");
        over.Reasons.Should().Contain(r => r.Message == "Per-customer amount limit for Agent: 300 USD, used 250, remaining 50; this request needs 60.");
    }

    /// <summary>The docs' example: agents capped at 100 per incident and 500 a day; a supervisor with only 5000 a month.</summary>
    private static Dictionary<string, string?> SupervisorOnAMonthlyBudget() => new()
    {
        [$"{E}:Actions:Goodwill:Description"] = "Goodwill",
        [$"{R}:Agent:Rank"] = "10",
        [$"{R}:Agent:Limits:Goodwill:PerIncident:Amount"] = "100",
        [$"{R}:Agent:Limits:Goodwill:PerAgent:Amount"] = "500",
        [$"{R}:Agent:Limits:Goodwill:PerAgent:Window"] = "Day",
        [$"{R}:Supervisor:Rank"] = "20",
        [$"{R}:Supervisor:Limits:Goodwill:PerAgent:Amount"] = "5000",
        [$"{R}:Supervisor:Limits:Goodwill:PerAgent:Window"] = "Month",
    };

    [Fact]
    public void Ladder_SupervisorWithOnlyAMonthlyBudgetAboveAgentsCappedPerIncident_IsValid()
    {
        Errors(SupervisorOnAMonthlyBudget()).Should().BeEmpty();
    }

    [Fact]
    public async Task BudgetOnly_SupervisorsMonthlyBudget_GrantsLargeAmountsThenAPeerApprovesAndANewMonthFreesIt()
    {
        var time = new FakeTimeProvider(Now);
        using TestHost host = Host(SupervisorOnAMonthlyBudget(), time: time);
        ResolutionRequest Goodwill(decimal amount, string incident, string key) =>
            Request(amount, role: "Supervisor", action: "Goodwill", agent: "sue", incident: incident, customer: incident, key: key);

        (await host.Authority.EvaluateAsync(Goodwill(3000m, "T-1", "-"))).Outcome.Should().Be(DecisionOutcome.Allowed);
        (await host.Authority.GrantAsync(Goodwill(3000m, "T-1", "k1"))).IsGranted.Should().BeTrue();
        (await host.Authority.GrantAsync(Goodwill(1500m, "T-2", "k2"))).IsGranted.Should().BeTrue();
        AuthorityDecision spent = await host.Authority.EvaluateAsync(Goodwill(600m, "T-3", "-"));
        time.SetUtcNow(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        AuthorityDecision april = await host.Authority.EvaluateAsync(Goodwill(600m, "T-3", "-"));

        spent.Outcome.Should().Be(DecisionOutcome.RequiresApproval, "another supervisor's own budget can cover it: " + spent.Explain());
        spent.RequiredApproverRole.Should().Be("Supervisor");
        spent.GetHeadroom("Goodwill")!.Value.Amount.Should().Be(500m);
        april.Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task BudgetOnly_AgentAboveTheirPerIncidentCap_GoesToTheSupervisor()
    {
        using TestHost host = Host(SupervisorOnAMonthlyBudget());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(400m, action: "Goodwill"));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("Supervisor");
    }

    // ---- The ladder rule ----

    public static TheoryData<string, string, string> Inversions => new()
    {
        {
            "a team lead with only a daily budget of 80 above agents capped at 100",
            "TeamLead:Limits:Goodwill:PerAgent:Amount=80;TeamLead:Limits:Goodwill:PerAgent:Window=Day",
            $"{R}:TeamLead:Limits:Goodwill: "
        },
        {
            "a team lead capped lower per incident",
            "TeamLead:Limits:Goodwill:PerIncident:Amount=50",
            $"{R}:TeamLead:Limits:Goodwill:PerIncident:Amount: "
        },
        {
            "a team lead with a smaller per-incident count",
            "Agent:Limits:Goodwill:PerIncident:Count=3;TeamLead:Limits:Goodwill:PerIncident:Amount=1000;TeamLead:Limits:Goodwill:PerIncident:Count=1",
            $"{R}:TeamLead:Limits:Goodwill:PerIncident:Count: "
        },
        {
            "a team lead with a per-customer budget where agents have none",
            "TeamLead:Limits:Goodwill:PerIncident:Amount=1000;TeamLead:Limits:Goodwill:PerCustomer:Amount=50;TeamLead:Limits:Goodwill:PerCustomer:Length=30.00:00:00",
            $"{R}:TeamLead:Limits:Goodwill:PerCustomer:Amount: "
        },
        {
            "a team lead whose per-customer budget runs over another window",
            "Agent:Limits:Goodwill:PerCustomer:Amount=300;Agent:Limits:Goodwill:PerCustomer:Window=Day;TeamLead:Limits:Goodwill:PerIncident:Amount=1000;TeamLead:Limits:Goodwill:PerCustomer:Amount=3000;TeamLead:Limits:Goodwill:PerCustomer:Window=Month",
            $"{R}:TeamLead:Limits:Goodwill:PerCustomer:Window: "
        },
        {
            "a team lead with a smaller per-agent budget over the same window",
            "Agent:Limits:Goodwill:PerAgent:Amount=500;Agent:Limits:Goodwill:PerAgent:Window=Day;TeamLead:Limits:Goodwill:PerIncident:Amount=1000;TeamLead:Limits:Goodwill:PerAgent:Amount=400;TeamLead:Limits:Goodwill:PerAgent:Window=Day",
            $"{R}:TeamLead:Limits:Goodwill:PerAgent:Amount: "
        },
        {
            "a team lead without authority for the action",
            "TeamLead:Limits:Credit:PerIncident:Amount=5",
            $"{R}:TeamLead:Limits:Goodwill: "
        },
        {
            "a bot with more than the agents above it",
            "Bot:Rank=5;Bot:IsBot=true;Bot:Limits:Goodwill:PerIncident:Amount=150;TeamLead:Limits:Goodwill:PerIncident:Amount=1000",
            $"{R}:Agent:Limits:Goodwill:PerIncident:Amount: "
        },
    };

    [Theory]
    [MemberData(nameof(Inversions))]
    public void Ladder_RealInversion_IsRejectedWithThePathOfTheHigherRolesLimit(string because, string settings, string expected)
    {
        var s = new Dictionary<string, string?>
        {
            [$"{E}:Actions:Goodwill:Description"] = "Goodwill",
            [$"{E}:Actions:Credit:Description"] = "Credit",
            [$"{R}:Agent:Rank"] = "10",
            [$"{R}:Agent:Limits:Goodwill:PerIncident:Amount"] = "100",
            [$"{R}:TeamLead:Rank"] = "20",
        };
        foreach (string pair in settings.Split(';'))
        {
            string[] kv = pair.Split('=');
            s[$"{R}:{kv[0]}"] = kv[1];
        }

        IReadOnlyList<string> errors = Errors(s);

        errors.Should().Contain(e => e.StartsWith(expected, StringComparison.Ordinal), because + ": " + string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Ladder_ATeamLeadWithOnlyADailyBudgetOf80_SaysWhatItCanGrantInOneRequest()
    {
        // The docs' counter-example, with the agents' daily 500 of the docs' own example.
        Dictionary<string, string?> s = SupervisorOnAMonthlyBudget()
            .With("Roles:Supervisor:Limits:Goodwill:PerAgent:Amount", "80")
            .With("Roles:Supervisor:Limits:Goodwill:PerAgent:Window", "Day");

        IReadOnlyList<string> errors = Errors(s);

        errors.Should().ContainSingle(string.Join(Environment.NewLine, errors)).Which.Should()
            .StartWith($"{R}:Supervisor:Limits:Goodwill").And.Contain("80");
    }

    [Fact]
    public void Ladder_MissingLimitMeansUnlimited_SoAHigherCountCapIsAnInversion()
    {
        Dictionary<string, string?> s = Ladder()
            .With("Roles:Agent:Limits:Refund:PerCustomer:Amount", "300")
            .With("Roles:Agent:Limits:Refund:PerCustomer:Count", "1")
            .With("Roles:Agent:Limits:Refund:PerCustomer:Length", "30.00:00:00")
            .With("Roles:TeamLead:Limits:Refund:PerCustomer:Amount", "2500")
            .With("Roles:TeamLead:Limits:Refund:PerCustomer:Length", "30.00:00:00")
            .With("Roles:Manager:Limits:Refund:PerCustomer:Amount", "9000")
            .With("Roles:Manager:Limits:Refund:PerCustomer:Count", "3")
            .With("Roles:Manager:Limits:Refund:PerCustomer:Length", "30.00:00:00");

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{R}:Manager:Limits:Refund:PerCustomer:Count: ");
    }

    [Fact]
    public void Ladder_PerAgentBudgetsOverDifferentWindows_AreNotCompared()
    {
        Dictionary<string, string?> s = SupervisorOnAMonthlyBudget()
            .With("Roles:Supervisor:Limits:Goodwill:PerAgent:Amount", "400");

        Errors(s).Should().BeEmpty("per-agent budgets are personal and compared only over the same window");
    }

    [Fact]
    public void Ladder_UnlimitedAtTheTop_IsValidAboveAnything()
    {
        Dictionary<string, string?> s = SupervisorOnAMonthlyBudget()
            .With("Roles:Director:Rank", "30")
            .With("Roles:Director:Limits:Goodwill:Unlimited", "true");

        Errors(s).Should().BeEmpty();
    }

    [Fact]
    public void Ladder_ALimitWithItsOwnError_IsNotAlsoALadderError()
    {
        Dictionary<string, string?> s = Ladder().With("Roles:TeamLead:Limits:Refund:PerIncident:Amount", "-5");

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{R}:TeamLead:Limits:Refund:PerIncident:Amount: -5 is negative");
    }
}
