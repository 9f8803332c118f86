using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Policy;

/// <summary>Units: counted actions (no amount), named quantities (Days, Points) and money with conversion.</summary>
public class ActionUnitTests
{
    /// <summary>
    /// Refund (money), Callback (Count: agents once per incident and 3 per customer in 30 days, team
    /// leads 3 per incident, managers unlimited), SpeedBoost (Days: agents 7 per incident, team leads
    /// and managers 30, all at most 30 per customer in 90 days) and Points (one decimal).
    /// </summary>
    private static Dictionary<string, string?> Units()
    {
        Dictionary<string, string?> s = Ladder();
        s.With("Actions:Callback:Unit", "Count")
            .With("Actions:SpeedBoost:Unit", "Days")
            .With("Actions:Points:Unit", "Points")
            .With("Actions:Points:Decimals", "1")
            .With("Roles:Agent:Limits:Callback:PerIncident:Count", "1")
            .With("Roles:Agent:Limits:Callback:PerCustomer:Count", "3")
            .With("Roles:Agent:Limits:Callback:PerCustomer:Length", "30.00:00:00")
            .With("Roles:TeamLead:Limits:Callback:PerIncident:Count", "3")
            .With("Roles:Manager:Limits:Callback:Unlimited", "true")
            .With("Roles:Agent:Limits:SpeedBoost:PerIncident:Amount", "7")
            .With("Roles:Agent:Limits:SpeedBoost:PerCustomer:Amount", "30")
            .With("Roles:Agent:Limits:SpeedBoost:PerCustomer:Length", "90.00:00:00")
            .With("Roles:TeamLead:Limits:SpeedBoost:PerIncident:Amount", "30")
            .With("Roles:TeamLead:Limits:SpeedBoost:PerCustomer:Amount", "30")
            .With("Roles:TeamLead:Limits:SpeedBoost:PerCustomer:Length", "90.00:00:00")
            .With("Roles:Manager:Limits:SpeedBoost:PerIncident:Amount", "30")
            .With("Roles:Manager:Limits:SpeedBoost:PerCustomer:Amount", "30")
            .With("Roles:Manager:Limits:SpeedBoost:PerCustomer:Length", "90.00:00:00")
            .With("Roles:Agent:Limits:Points:PerIncident:Amount", "2.5")
            .With("Roles:TeamLead:Limits:Points:PerIncident:Amount", "25.5")
            .With("Roles:Manager:Limits:Points:PerIncident:Amount", "100");
        return s;
    }

    // ---- Count ----

    [Fact]
    public async Task Count_RequestWithAnAmount_IsRejectedNamingTheAmount()
    {
        using TestHost host = Host(Units());

        Func<Task> act = async () => await host.Authority.EvaluateAsync(Request(1m, action: "Callback"));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Amount");
    }

    [Fact]
    public async Task Count_RequestWithACurrency_IsRejected()
    {
        using TestHost host = Host(Units());

        Func<Task> act = async () => await host.Authority.EvaluateAsync(Request(0m, action: "Callback", currency: "USD"));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Currency");
    }

    [Fact]
    public async Task Count_FirstGrantIsAllowed_TheSecondOnTheIncidentNeedsATeamLead()
    {
        using TestHost host = Host(Units());

        AuthorityDecision first = await host.Authority.EvaluateAsync(Request(0m, action: "Callback"));
        (await host.Authority.GrantAsync(Request(0m, action: "Callback", key: "k1"))).IsGranted.Should().BeTrue();
        AuthorityDecision second = await host.Authority.EvaluateAsync(Request(0m, action: "Callback"));

        first.Outcome.Should().Be(DecisionOutcome.Allowed);
        first.Unit.Should().Be("grants");
        first.ToString().Should().Be("Allowed: Callback 1 grant");
        ActionHeadroom headroom = first.GetHeadroom("Callback")!.Value;
        headroom.Amount.Should().BeNull("a counted action has no amount");
        headroom.Count.Should().Be(1);
        headroom.Unit.Should().Be("grants");
        first.Reasons.Should().Contain(r => r.Message == "Per-incident count limit for Agent: 1 grant, used 0, remaining 1.");
        first.Reasons.Should().NotContain(r => r.Limit == LimitKind.IncidentAmount || r.Limit == LimitKind.CustomerAmount, "a counted action has no amount limits");

        second.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        second.RequiredApproverRole.Should().Be("TeamLead");
        second.Reasons.Should().Contain(r => r.Message == "Per-incident count limit for Agent: 1 grant, used 1, remaining 0; this request needs 1.");
        second.GetHeadroom("Callback")!.Value.Count.Should().Be(0);
    }

    [Fact]
    public async Task Count_Multiplier_ScalesTheCounts()
    {
        Dictionary<string, string?> s = Units().WithCodeCondition("Twice", "X", "Multiply", ("Multiplier", "2"), ("Actions:0", "Callback"));
        using TestHost host = Host(s);
        (await host.Authority.GrantAsync(Request(0m, action: "Callback", codes: ["X"], key: "k1"))).IsGranted.Should().BeTrue();

        AuthorityDecision second = await host.Authority.EvaluateAsync(Request(0m, action: "Callback", codes: ["X"]));

        second.Outcome.Should().Be(DecisionOutcome.Allowed, second.Explain());
        second.Reasons.Single(r => r.Limit == LimitKind.IncidentCount).LimitValue.Should().Be(2m);
        second.Reasons.Single(r => r.Limit == LimitKind.CustomerCount).LimitValue.Should().Be(6m);
    }

    [Fact]
    public async Task Count_LimitZero_IsNeverWithoutApprovalAndTheReasonSpeaksGrants()
    {
        Dictionary<string, string?> s = Units().WithCodeCondition("NoCallbacks", "X", "Limit", ("Limit", "0"), ("Actions:0", "Callback"), ("Roles:0", "Agent"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(0m, action: "Callback", codes: ["X"]));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("TeamLead");
        decision.Reasons.Single(r => r.Limit == LimitKind.IncidentCount).LimitValue.Should().Be(0m);
        decision.Reasons.Should().Contain(r => r.Kind == DecisionReasonKind.Condition && r.Message.Contains("0 grants", StringComparison.Ordinal));
        decision.GetHeadroom("Callback")!.Value.Count.Should().Be(0);
    }

    [Fact]
    public async Task Count_UnlimitedRole_HasNeitherAmountNorCountHeadroom()
    {
        using TestHost host = Host(Units());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(0m, role: "Manager", action: "Callback"));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        decision.GetHeadroom("Callback").Should().Be(new ActionHeadroom("Callback", true, null, null, "grants"));
    }

    [Fact]
    public async Task Count_AmountAttribute_ReadsZero()
    {
        Dictionary<string, string?> s = Units();
        s[$"{C}:Free:When:Attribute"] = "Amount";
        s[$"{C}:Free:When:EqualTo"] = "0";
        s[$"{C}:Free:Effect"] = "Deny";
        s[$"{C}:Free:Actions:0"] = "Callback";
        using TestHost host = Host(s);

        (await host.Authority.EvaluateAsync(Request(0m, action: "Callback"))).Outcome.Should().Be(DecisionOutcome.Denied);
    }

    [Fact]
    public void Count_LimitWithAnAmount_IsAStartUpErrorWithItsPath()
    {
        Dictionary<string, string?> s = Units().With("Roles:TeamLead:Limits:Callback:PerIncident:Amount", "5");

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{E}:Roles:TeamLead:Limits:Callback:PerIncident:Amount:");
    }

    [Fact]
    public void Count_DecimalsOnACountAction_IsAStartUpError()
    {
        Errors(Units().With("Actions:Callback:Decimals", "1")).Should().ContainSingle().Which.Should().StartWith($"{E}:Actions:Callback:Decimals:");
    }

    // ---- Named quantities ----

    [Fact]
    public async Task Days_ReasonsHeadroomAndDecisionSpeakDaysNotTheCurrency()
    {
        using TestHost host = Host(Units());

        AuthorityDecision seven = await host.Authority.EvaluateAsync(Request(7m, action: "SpeedBoost"));
        AuthorityDecision eight = await host.Authority.EvaluateAsync(Request(8m, action: "SpeedBoost"));

        seven.Outcome.Should().Be(DecisionOutcome.Allowed);
        seven.Unit.Should().Be("Days");
        seven.ToString().Should().Be("Allowed: SpeedBoost 7 Days");
        seven.Reasons.Should().Contain(r => r.Message == "Per-incident amount limit for Agent: 7 Days, used 0, remaining 7.");
        seven.Reasons.Should().NotContain(r => r.Message.Contains("USD", StringComparison.Ordinal));
        seven.GetHeadroom("SpeedBoost").Should().Be(new ActionHeadroom("SpeedBoost", true, 7m, null, "Days"));
        eight.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        eight.RequiredApproverRole.Should().Be("TeamLead");
        eight.ToString().Should().Be("RequiresApproval by TeamLead: SpeedBoost 8 Days");
        eight.Reasons.Should().Contain(r => r.Message == "Per-incident amount limit for Agent: 7 Days, used 0, remaining 7; this request needs 8.");
    }

    [Fact]
    public async Task Days_BudgetAcrossIncidents_IsCountedInDays()
    {
        using TestHost host = Host(Units());
        (await host.Authority.GrantAsync(Request(7m, action: "SpeedBoost", incident: "T-1", key: "k1"))).IsGranted.Should().BeTrue();
        (await host.Authority.GrantAsync(Request(7m, action: "SpeedBoost", incident: "T-2", key: "k2"))).IsGranted.Should().BeTrue();
        (await host.Authority.GrantAsync(Request(7m, action: "SpeedBoost", incident: "T-3", key: "k3"))).IsGranted.Should().BeTrue();
        (await host.Authority.GrantAsync(Request(7m, action: "SpeedBoost", incident: "T-4", key: "k4"))).IsGranted.Should().BeTrue();

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(3m, action: "SpeedBoost", incident: "T-5"));

        decision.Outcome.Should().Be(DecisionOutcome.Denied, "28 of 30 days are used and the team lead's budget is the same 30: " + decision.Explain());
        decision.Reasons.Should().Contain(r => r.Message == "Per-customer amount limit for Agent: 30 Days, used 28, remaining 2; this request needs 3.");
        decision.GetHeadroom("SpeedBoost")!.Value.Amount.Should().Be(2m);
    }

    [Fact]
    public async Task Days_FractionOfADay_IsRejectedWhenTheUnitHasNoDecimals()
    {
        using TestHost host = Host(Units());

        Func<Task> act = async () => await host.Authority.EvaluateAsync(Request(7.5m, action: "SpeedBoost"));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Amount");
    }

    [Fact]
    public async Task Days_WithACurrency_IsRejectedAndNoConverterIsAsked()
    {
        var converter = new RecordingConverter();
        using TestHost host = Host(Units(), b => b.Services.AddSingleton<ICurrencyConverter>(converter));

        Func<Task> act = async () => await host.Authority.EvaluateAsync(Request(5m, action: "SpeedBoost", currency: "EUR"));

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request.Currency");
        converter.Calls.Should().Be(0);
    }

    [Fact]
    public async Task Points_WithOneDecimal_AcceptsTenthsAndRejectsHundredths()
    {
        using TestHost host = Host(Units());

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(2.5m, action: "Points"));
        Func<Task> hundredths = async () => await host.Authority.EvaluateAsync(Request(2.55m, action: "Points"));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        decision.Reasons.Should().Contain(r => r.Message == "Per-incident amount limit for Agent: 2.5 Points, used 0, remaining 2.5.");
        await hundredths.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public void Points_LimitWithMoreDecimalsThanTheUnit_IsAStartUpError()
    {
        Errors(Units().With("Roles:Agent:Limits:Points:PerIncident:Amount", "2.55"))
            .Should().ContainSingle().Which.Should().StartWith($"{E}:Roles:Agent:Limits:Points:PerIncident:Amount:");
    }

    [Fact]
    public void Days_LimitConditionWithAFractionOfADay_IsAStartUpError()
    {
        Dictionary<string, string?> s = Units().WithCodeCondition("Half", "X", "Limit", ("Limit", "1.5"), ("Actions:0", "SpeedBoost"));

        Errors(s).Should().ContainSingle().Which.Should().StartWith($"{C}:Half:Limit:");
    }

    [Fact]
    public async Task Days_Multiplier_RoundsDownToWholeDays()
    {
        Dictionary<string, string?> s = Units().WithCodeCondition("More", "X", "Multiply", ("Multiplier", "1.5"), ("Actions:0", "SpeedBoost"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(10m, action: "SpeedBoost", codes: ["X"]));

        decision.IncidentLimit().Should().Be(10m, "7 x 1.5 = 10.5 rounds down to whole days");
        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task Days_LimitCondition_ExplanationSpeaksTheUnit()
    {
        Dictionary<string, string?> s = Units().WithCodeCondition("Short", "X", "Limit", ("Limit", "3"), ("Actions:0", "SpeedBoost"), ("Roles:0", "Agent"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(4m, action: "SpeedBoost", codes: ["X"]));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition).Message.Should().Contain("3 Days").And.NotContain("USD");
    }

    [Fact]
    public void Unit_EmptyString_IsAnErrorNotMoney()
    {
        Errors(Units().With("Actions:Refund:Unit", string.Empty)).Should().ContainSingle().Which.Should().StartWith($"{E}:Actions:Refund:Unit:");
    }

    // ---- Money with conversion ----

    [Fact]
    public async Task Money_InAnotherCurrency_IsConvertedBeforeLimitsAndTests()
    {
        Dictionary<string, string?> s = Units();
        s[$"{C}:Big:When:Attribute"] = "Amount";
        s[$"{C}:Big:When:GreaterThan"] = "104";
        s[$"{C}:Big:Effect"] = "RequireApproval";
        s[$"{C}:Big:ApproverRole"] = "Manager";
        var converter = new RecordingConverter();
        using TestHost host = Host(s, b => b.Services.AddSingleton<ICurrencyConverter>(converter));

        AuthorityDecision within = await host.Authority.EvaluateAsync(Request(90m, currency: "EUR"));
        AuthorityDecision over = await host.Authority.EvaluateAsync(Request(95m, currency: "EUR"));

        within.Amount.Should().Be(99m);
        within.Outcome.Should().Be(DecisionOutcome.Allowed);
        within.Reasons.Should().Contain(r => r.Message == "Per-incident amount limit for Agent: 100 USD, used 0, remaining 100.");
        over.Amount.Should().Be(104.5m);
        over.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        over.RequiredApproverRole.Should().Be("Manager", "the Amount test reads the converted 104.5, not the 95 the request sent");
        over.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition).Message.Should().Contain("Amount 104.5 > 104");
    }

    [Fact]
    public async Task Money_ConvertedGrant_ChargesThePolicyCurrencyAmount()
    {
        var converter = new RecordingConverter();
        using TestHost host = Host(Units(), b => b.Services.AddSingleton<ICurrencyConverter>(converter));

        GrantResult grant = await host.Authority.GrantAsync(Request(50m, currency: "EUR", key: "k1"));
        AuthorityDecision next = await host.Authority.EvaluateAsync(Request(45.01m));

        grant.IsGranted.Should().BeTrue();
        grant.Grant!.Amount.Should().Be(55m);
        next.Outcome.Should().Be(DecisionOutcome.RequiresApproval, "55 of 100 are used: " + next.Explain());
    }

    /// <summary>EUR to USD at 1.1; counts its calls.</summary>
    private sealed class RecordingConverter : ICurrencyConverter
    {
        private int _calls;

        public int Calls => _calls;

        public ValueTask<decimal> ConvertAsync(decimal amount, string fromCurrency, string toCurrency, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(fromCurrency == "EUR" && toCurrency == "USD" ? amount * 1.1m : throw new InvalidOperationException($"{fromCurrency}->{toCurrency}"));
        }
    }
}
