using System.Globalization;
using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// Explanations: a matched condition's reason reads as the composed test as evaluated, with the
/// request's values, then the effect; its path and name point at the condition.
/// </summary>
public class ExplanationTests
{
    private const string Silver = $"{C}:SilverReturnWindow";

    /// <summary>Returns: silver members within 180 days, or with a receipt, or in the original packaging.</summary>
    private static Dictionary<string, string?> Returns(bool nestedAnyOf)
    {
        Dictionary<string, string?> s = Ladder()
            .With("Actions:Return:Description", "Take the item back")
            .With("Roles:Agent:Limits:Return:PerIncident:Amount", "200")
            .With("Roles:TeamLead:Limits:Return:PerIncident:Amount", "1000")
            .With("Roles:Manager:Limits:Return:PerIncident:Amount", "5000")
            .With("Attributes:CustomerSegment:Type", "String")
            .With("Attributes:CustomerSegment:Values:0", "Guest")
            .With("Attributes:CustomerSegment:Values:1", "Silver")
            .With("Attributes:CustomerSegment:Values:2", "Gold")
            .With("Attributes:DaysSincePurchase:Type", "Number")
            .With("Attributes:Receipt:Type", "Boolean")
            .With("Attributes:OriginalPackaging:Type", "Boolean");
        s[$"{Silver}:When:AllOf:0:Attribute"] = "CustomerSegment";
        s[$"{Silver}:When:AllOf:0:In:0"] = "Silver";
        s[$"{Silver}:When:AllOf:1:Attribute"] = "DaysSincePurchase";
        s[$"{Silver}:When:AllOf:1:GreaterThan"] = "180";
        string none = nestedAnyOf ? $"{Silver}:When:AllOf:2:NoneOf:0:AnyOf" : $"{Silver}:When:AllOf:2:NoneOf";
        s[$"{none}:0:Attribute"] = "Receipt";
        s[$"{none}:0:Is"] = "true";
        s[$"{none}:1:Attribute"] = "OriginalPackaging";
        s[$"{none}:1:Is"] = "true";
        s[$"{Silver}:Effect"] = "Deny";
        s[$"{Silver}:Actions:0"] = "Return";
        return s;
    }

    private static ResolutionRequest Return(string segment, string days, string? receipt = "false", string? packaging = "false")
    {
        Dictionary<string, string> attributes = Attrs(("DaysSincePurchase", days));
        if (receipt is not null)
        {
            attributes["Receipt"] = receipt;
        }

        if (packaging is not null)
        {
            attributes["OriginalPackaging"] = packaging;
        }

        return Request(50m, action: "Return", segment: segment, attributes: attributes);
    }

    [Fact]
    public async Task Explanation_NoneOfAnyOf_ReadsAsTheTestWithTheRequestsValues()
    {
        using TestHost host = Host(Returns(nestedAnyOf: true));

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Return("Silver", "200"));

        decision.Outcome.Should().Be(DecisionOutcome.Denied);
        DecisionReason reason = decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition);
        reason.Message.Should().Be("SilverReturnWindow: CustomerSegment Silver AND DaysSincePurchase 200 > 180 AND NOT (Receipt OR OriginalPackaging) -> Deny");
        reason.ConfigurationPath.Should().Be(Silver);
        reason.ConditionName.Should().Be("SilverReturnWindow");
        reason.Passed.Should().BeFalse();
    }

    [Fact]
    public async Task Explanation_NoneOfTwoBooleans_ReadsNotReceiptAndNotOriginalPackaging()
    {
        // The spec's own example: "... AND NOT Receipt AND NOT OriginalPackaging -> Deny".
        using TestHost host = Host(Returns(nestedAnyOf: false));

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Return("Silver", "200"));

        decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition).Message
            .Should().Be("SilverReturnWindow: CustomerSegment Silver AND DaysSincePurchase 200 > 180 AND NOT Receipt AND NOT OriginalPackaging -> Deny");
    }

    [Fact]
    public async Task Explanation_NeverShowsADoubleNegation()
    {
        using TestHost host = Host(Returns(nestedAnyOf: false));

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Return("Silver", "200"));

        decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition).Message.Should().NotContain("NOT NOT");
    }

    [Fact]
    public async Task Explanation_ShowsTheRequestsOwnValues()
    {
        using TestHost host = Host(Returns(nestedAnyOf: false));

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Return("silver", "200.50", receipt: null, packaging: null));

        string message = decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition).Message;
        message.Should().StartWith("SilverReturnWindow: CustomerSegment silver AND DaysSincePurchase 200.5 > 180 AND ");
        message.Should().Contain("Receipt not given").And.Contain("OriginalPackaging not given").And.EndWith(" -> Deny");
    }

    [Fact]
    public async Task Explanation_OnlyForConditionsThatMatchedAndApplyToTheAction()
    {
        using TestHost host = Host(Returns(nestedAnyOf: true));

        AuthorityDecision otherAction = await host.Authority.EvaluateAsync(Request(50m, segment: "Silver", attributes: Attrs(("DaysSincePurchase", "200"))));
        AuthorityDecision notMatched = await host.Authority.EvaluateAsync(Return("Silver", "180"));

        otherAction.Reasons.Should().NotContain(r => r.Kind == DecisionReasonKind.Condition);
        notMatched.Reasons.Should().NotContain(r => r.Kind == DecisionReasonKind.Condition);
        notMatched.Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task Explanation_NestedNoneOf_KeepsItsGrouping()
    {
        // NOT (NOT X AND NOT Y) is X OR Y; "NOT NOT X AND NOT Y" would read as X AND NOT Y.
        Dictionary<string, string?> s = Ladder()
            .With("Attributes:X:Type", "Number")
            .With("Attributes:Y:Type", "Number");
        s[$"{C}:Either:When:NoneOf:0:NoneOf:0:Attribute"] = "X";
        s[$"{C}:Either:When:NoneOf:0:NoneOf:0:AtLeast"] = "5";
        s[$"{C}:Either:When:NoneOf:0:NoneOf:1:Attribute"] = "Y";
        s[$"{C}:Either:When:NoneOf:0:NoneOf:1:AtLeast"] = "5";
        s[$"{C}:Either:Effect"] = "Deny";
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(10m, attributes: Attrs(("X", "1"), ("Y", "7"))));

        decision.Outcome.Should().Be(DecisionOutcome.Denied);
        decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition).Message
            .Should().Be("Either: NOT (NOT X 1 >= 5 AND NOT Y 7 >= 5) -> Deny");
    }

    [Fact]
    public async Task Explanation_AnyOfInsideAllOf_IsParenthesisedAndShowsValuesOutsideTheList()
    {
        Dictionary<string, string?> s = Ladder()
            .With("Attributes:Plan:Type", "String")
            .With("Attributes:Plan:Values:0", "Residential")
            .With("Attributes:Plan:Values:1", "Business")
            .With("Attributes:Plan:Values:2", "BusinessPremium")
            .With("Attributes:OutageHours:Type", "Number");
        s[$"{C}:Outage:When:AllOf:0:Attribute"] = "OutageHours";
        s[$"{C}:Outage:When:AllOf:0:GreaterThan"] = "0";
        s[$"{C}:Outage:When:AllOf:1:AnyOf:0:Attribute"] = "Plan";
        s[$"{C}:Outage:When:AllOf:1:AnyOf:0:In:0"] = "Business";
        s[$"{C}:Outage:When:AllOf:1:AnyOf:0:In:1"] = "BusinessPremium";
        s[$"{C}:Outage:When:AllOf:1:AnyOf:1:Attribute"] = "OutageHours";
        s[$"{C}:Outage:When:AllOf:1:AnyOf:1:AtLeast"] = "24";
        s[$"{C}:Outage:Effect"] = "Multiply";
        s[$"{C}:Outage:Multiplier"] = "1.5";
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(10m, attributes: Attrs(("Plan", "Residential"), ("OutageHours", "30"))));

        decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition).Message
            .Should().Be("Outage: OutageHours 30 > 0 AND (Plan Residential not in Business|BusinessPremium OR OutageHours 30 >= 24) -> limits x1.5 (PerIncident and PerCustomer)");
    }

    [Fact]
    public async Task Explanation_DateTime_ShowsTheAgeInDaysAndTheBound()
    {
        Dictionary<string, string?> s = Ladder().With("Attributes:ContractStart:Type", "DateTime");
        s[$"{C}:EarlyExit:When:Attribute"] = "ContractStart";
        s[$"{C}:EarlyExit:When:Within"] = "14.00:00:00";
        s[$"{C}:EarlyExit:Effect"] = "Allow";
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(500m, attributes: Attrs(("ContractStart", Now.AddDays(-10).ToString("O", CultureInfo.InvariantCulture)))));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition).Message
            .Should().Be("EarlyExit: ContractStart 10 days ago <= 14 days -> Allow without limit for Agent");
    }

    [Fact]
    public async Task Explanation_LimitEffect_NamesTheLimitItsUnitScopeAndRole()
    {
        Dictionary<string, string?> s = Ladder().With("Attributes:Plan:Type", "String");
        s[$"{C}:BusinessAgentCreditLimit:When:Attribute"] = "Plan";
        s[$"{C}:BusinessAgentCreditLimit:When:In:0"] = "Business";
        s[$"{C}:BusinessAgentCreditLimit:Effect"] = "Limit";
        s[$"{C}:BusinessAgentCreditLimit:Limit"] = "500";
        s[$"{C}:BusinessAgentCreditLimit:Roles:0"] = "Agent";
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(400m, attributes: Attrs(("Plan", "Business"))));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        DecisionReason reason = decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition);
        reason.Message.Should().Be("BusinessAgentCreditLimit: Plan Business -> limit 500 USD (PerIncident) for Agent");
        reason.ConfigurationPath.Should().Be($"{C}:BusinessAgentCreditLimit");
        reason.Passed.Should().BeTrue();
        decision.Reasons.Single(r => r.Limit == LimitKind.IncidentAmount).Message.Should().Be("Per-incident amount limit for Agent: 500 USD, used 0, remaining 500.");
    }

    [Fact]
    public async Task Explanation_LimitFromACondition_OnARoleWithoutAPerIncidentLimit_StillHasAPath()
    {
        // A per-incident Limit applies even where the role configures no per-incident amount (docs):
        // the limit reason must name where its value comes from, the condition, not a setting that
        // does not exist in the policy.
        Dictionary<string, string?> s = Ladder()
            .Without("Roles:Agent:Limits:Refund:PerIncident:Amount")
            .With("Roles:Agent:Limits:Refund:PerAgent:Amount", "100")
            .With("Roles:Agent:Limits:Refund:PerAgent:Window", "Day");
        s[$"{C}:Cap:When:Attribute"] = "Amount";
        s[$"{C}:Cap:When:GreaterThan"] = "0";
        s[$"{C}:Cap:Effect"] = "Limit";
        s[$"{C}:Cap:Limit"] = "20";
        s[$"{C}:Cap:Roles:0"] = "Agent";
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(30m));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        DecisionReason limit = decision.Reasons.Single(r => r.Limit == LimitKind.IncidentAmount);
        limit.LimitValue.Should().Be(20m);
        limit.ConfigurationPath.Should().StartWith($"{C}:Cap");
    }

    [Fact]
    public async Task Explanation_RequireApprovalWithAnApproverRole_SaysWhoMayApprove()
    {
        Dictionary<string, string?> s = Ladder().WithCodeCondition("Chargeback", "ChargebackOpen", "RequireApproval", ("ApproverRole", "Manager"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(10m, codes: ["Late", "ChargebackOpen"]));

        DecisionReason reason = decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition);
        reason.Message.Should().Be("Chargeback: ReasonCodes Late+ChargebackOpen -> RequireApproval by Manager or higher");
        reason.Passed.Should().BeFalse();
    }
}
