using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Empowerment;

public class ConditionTests
{
    private const string C = "CustomerCraft:Empowerment:Conditions";

    private static ResolutionRequest Request(decimal amount, string? segment = null, string? channel = null, string[]? reasons = null, DateTimeOffset? since = null, Dictionary<string, string>? attributes = null, string action = "Refund") => new()
    {
        AgentId = "ana", Role = "Agent", CustomerId = "C-1", IncidentId = "T-1", Action = action, Amount = amount,
        CustomerSegment = segment, Channel = channel, ReasonCodes = reasons, CustomerSince = since, Attributes = attributes,
    };

    /// <summary>The basic policy plus "an open chargeback requires approval".</summary>
    private static Dictionary<string, string?> WithChargebackRule(string? approverRole = null)
    {
        Dictionary<string, string?> s = Basic();
        s[$"{C}:Chargeback:When:Attribute"] = "ReasonCodes";
        s[$"{C}:Chargeback:When:In:0"] = "ChargebackOpen";
        s[$"{C}:Chargeback:Effect"] = "RequireApproval";
        s[$"{C}:Chargeback:ApproverRole"] = approverRole;
        return s;
    }

    [Fact]
    public async Task Segment_Multiplier_RaisesTheLimitForMatchingCustomersOnly()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{C}:Platinum:When:Attribute"] = "CustomerSegment";
        s[$"{C}:Platinum:When:In:0"] = "Platinum";
        s[$"{C}:Platinum:Effect"] = "Multiply";
        s[$"{C}:Platinum:Multiplier"] = "1.5";
        using TestHost host = Build(s);

        AuthorityDecision platinum = await host.Authority.EvaluateAsync(Request(150m, segment: "platinum"));
        AuthorityDecision platinumOver = await host.Authority.EvaluateAsync(Request(150.01m, segment: "Platinum"));
        AuthorityDecision gold = await host.Authority.EvaluateAsync(Request(150m, segment: "Gold"));

        platinum.Outcome.Should().Be(DecisionOutcome.Allowed);
        platinum.Reasons.Should().Contain(r => r.Kind == DecisionReasonKind.Condition && r.ConditionName == "Platinum" && r.ConfigurationPath == $"{C}:Platinum");
        platinum.Reasons.Single(r => r.Limit == LimitKind.IncidentAmount).LimitValue.Should().Be(150m);
        platinumOver.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        gold.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
    }

    [Fact]
    public async Task Multiplier_RoundsTheScaledLimitDownToTheMinorUnit()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{C}:Odd:When:Attribute"] = "CustomerSegment";
        s[$"{C}:Odd:When:In:0"] = "Odd";
        s[$"{C}:Odd:Effect"] = "Multiply";
        s[$"{C}:Odd:Multiplier"] = "1.23456";
        using TestHost host = Build(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(123.45m, segment: "Odd"));

        decision.Reasons.Single(r => r.Limit == LimitKind.IncidentAmount).LimitValue.Should().Be(123.45m);
        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        (await host.Authority.EvaluateAsync(Request(123.46m, segment: "Odd"))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);
    }

    [Fact]
    public async Task Channel_Multiplier_AppliesOnlyToTheConfiguredActions()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{C}:SocialHalf:When:Attribute"] = "Channel";
        s[$"{C}:SocialHalf:When:In:0"] = "Social";
        s[$"{C}:SocialHalf:Effect"] = "Multiply";
        s[$"{C}:SocialHalf:Actions:0"] = "Refund";
        s[$"{C}:SocialHalf:Multiplier"] = "0.5";
        using TestHost host = Build(s);

        (await host.Authority.EvaluateAsync(Request(60m, channel: "Social"))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        (await host.Authority.EvaluateAsync(Request(40m, channel: "Social", action: "Credit"))).Outcome.Should().Be(DecisionOutcome.Allowed);
        (await host.Authority.EvaluateAsync(Request(60m, channel: "Phone"))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task ReasonCode_Deny_DeniesWhateverTheAmountAndZeroesHeadroom()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{C}:Fraud:When:Attribute"] = "ReasonCodes";
        s[$"{C}:Fraud:When:In:0"] = "FraudSuspected";
        s[$"{C}:Fraud:Effect"] = "Deny";
        using TestHost host = Build(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(1m, reasons: ["Late", "FraudSuspected"]));

        decision.Outcome.Should().Be(DecisionOutcome.Denied);
        decision.Reasons.Should().ContainSingle(r => !r.Passed).Which.ConditionName.Should().Be("Fraud");
        decision.Headroom.Should().OnlyContain(h => !h.HasAuthority && h.Amount == 0);
        (await host.Authority.EvaluateAsync(Request(1m, reasons: ["Late"]))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task ReasonCode_RequireApproval_NamesTheConfiguredApproverRoleEvenForSmallAmounts()
    {
        using TestHost host = Build(WithChargebackRule(approverRole: "TeamLead"));

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(5m, reasons: ["ChargebackOpen"]));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("TeamLead");
    }

    [Fact]
    public async Task ReasonCode_RequireApproval_IsSatisfiedByAQualifiedApproverButNotByALowerOne()
    {
        using TestHost host = Build(WithChargebackRule(approverRole: "TeamLead"));
        ResolutionRequest request = Request(5m, reasons: ["ChargebackOpen"]);

        (await host.Authority.EvaluateAsync(request.WithApprover("tara", "TeamLead"))).Outcome.Should().Be(DecisionOutcome.Allowed);
        AuthorityDecision senior = await host.Authority.EvaluateAsync(request.WithApprover("sam", "SeniorAgent"));
        senior.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        senior.RequiredApproverRole.Should().Be("TeamLead");
    }

    [Fact]
    public async Task ForcedApproval_AtTheTopOfTheLadder_GoesToAPeerInTheSameRole()
    {
        using TestHost host = Build(WithChargebackRule());
        ResolutionRequest lead = new()
        {
            AgentId = "tara", Role = "TeamLead", CustomerId = "C-1", IncidentId = "T-1", Action = "Refund", Amount = 500m, ReasonCodes = ["ChargebackOpen"],
        };

        AuthorityDecision decision = await host.Authority.EvaluateAsync(lead);
        AuthorityDecision approvedByPeer = await host.Authority.EvaluateAsync(lead.WithApprover("tom", "TeamLead"));
        AuthorityDecision agentsRequest = await host.Authority.EvaluateAsync(Request(5m, reasons: ["ChargebackOpen"]));
        Func<Task> agentApprovedByPeer = async () => await host.Authority.EvaluateAsync(Request(5m, reasons: ["ChargebackOpen"]).WithApprover("al", "Agent"));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("TeamLead");
        approvedByPeer.Outcome.Should().Be(DecisionOutcome.Allowed);
        agentsRequest.RequiredApproverRole.Should().Be("SeniorAgent", "below the top, a forced approval always goes up");
        (await agentApprovedByPeer.Should().ThrowAsync<ArgumentException>("below the top, a peer is no approver")).Which.ParamName.Should().Be("request.Approver.Role");
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(29.9, true)]
    [InlineData(30, false)]
    [InlineData(400, false)]
    public async Task Tenure_MaximumDays_MatchesCustomersNewerThanTheThreshold(double days, bool matches)
    {
        Dictionary<string, string?> s = Basic();
        s[$"{C}:NewCustomers:When:Attribute"] = "CustomerSince";
        s[$"{C}:NewCustomers:When:NewerThan"] = "30.00:00:00";
        s[$"{C}:NewCustomers:Effect"] = "RequireApproval";
        using TestHost host = Build(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(10m, since: Start.AddDays(-days)));

        decision.Outcome.Should().Be(matches ? DecisionOutcome.RequiresApproval : DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task Tenure_UnknownCustomerSince_NeverMatches()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{C}:Loyal:When:Attribute"] = "CustomerSince";
        s[$"{C}:Loyal:When:AtLeastAgo"] = "365.00:00:00";
        s[$"{C}:Loyal:Effect"] = "Multiply";
        s[$"{C}:Loyal:Multiplier"] = "2";
        using TestHost host = Build(s);

        (await host.Authority.EvaluateAsync(Request(150m))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        (await host.Authority.EvaluateAsync(Request(150m, since: Start.AddYears(-2)))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task Attribute_Values_AndNumericRange_AreTestedOnHostAttributes()
    {
        Dictionary<string, string?> s = Basic();
        s["CustomerCraft:Empowerment:Attributes:Plan:Type"] = "String";
        s["CustomerCraft:Empowerment:Attributes:LifetimeValue:Type"] = "Number";
        s[$"{C}:Enterprise:When:Attribute"] = "Plan";
        s[$"{C}:Enterprise:When:In:0"] = "Enterprise";
        s[$"{C}:Enterprise:Effect"] = "Multiply";
        s[$"{C}:Enterprise:Multiplier"] = "2";
        s[$"{C}:BigSpender:When:Attribute"] = "LifetimeValue";
        s[$"{C}:BigSpender:When:AtLeast"] = "10000";
        s[$"{C}:BigSpender:Effect"] = "Multiply";
        s[$"{C}:BigSpender:Multiplier"] = "1.5";
        using TestHost host = Build(s);

        (await host.Authority.EvaluateAsync(Request(200m, attributes: new() { ["Plan"] = "enterprise" }))).Outcome.Should().Be(DecisionOutcome.Allowed);
        (await host.Authority.EvaluateAsync(Request(200m, attributes: new() { ["Plan"] = "Basic" }))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        (await host.Authority.EvaluateAsync(Request(150m, attributes: new() { ["LifetimeValue"] = "12000.50" }))).Outcome.Should().Be(DecisionOutcome.Allowed);
        (await host.Authority.EvaluateAsync(Request(150m, attributes: new() { ["LifetimeValue"] = "9999" }))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        Func<Task> mistyped = async () => await host.Authority.EvaluateAsync(Request(150m, attributes: new() { ["LifetimeValue"] = "lots" }));
        (await mistyped.Should().ThrowAsync<ArgumentException>("a mistyped fact is an error, never a silent no-match")).Which.ParamName.Should().Be("request.Attributes[LifetimeValue]");

        // Both match: the multipliers multiply (100 x 2 x 1.5 = 300).
        AuthorityDecision both = await host.Authority.EvaluateAsync(Request(300m, attributes: new() { ["Plan"] = "Enterprise", ["LifetimeValue"] = "20000" }));
        both.Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task HostCondition_RegisteredThroughTheBuilder_IsNamedInConfigurationWithParameters()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{C}:Vip:When:Condition"] = "CustomerIdPrefix";
        s[$"{C}:Vip:When:Parameters:Prefix"] = "VIP-";
        s[$"{C}:Vip:Effect"] = "Multiply";
        s[$"{C}:Vip:Multiplier"] = "3";
        using TestHost host = Build(s, b => b.AddCondition<CustomerIdPrefixCondition>("CustomerIdPrefix"));

        AuthorityDecision vip = await host.Authority.EvaluateAsync(Refund(300m, customer: "VIP-7"));
        AuthorityDecision regular = await host.Authority.EvaluateAsync(Refund(300m, customer: "C-7"));

        vip.Outcome.Should().Be(DecisionOutcome.Allowed);
        vip.Reasons.Should().Contain(r => r.ConditionName == "Vip");
        regular.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
    }

    [Fact]
    public void HostCondition_UnknownType_FailsAtStartWithThePath()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{C}:Vip:When:Condition"] = "CustomerIdPrefix";
        s[$"{C}:Vip:Effect"] = "Multiply";
        s[$"{C}:Vip:Multiplier"] = "3";
        using TestHost host = Build(s);

        Action resolve = () => _ = host.Authority;

        resolve.Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().ContainSingle(f => f.StartsWith($"{C}:Vip:When:Condition: 'CustomerIdPrefix' is not a condition type registered with AddCondition", StringComparison.Ordinal));
    }

    [Fact]
    public void AddCondition_WithADuplicateName_IsRejected()
    {
        using TestHost host = Build(Basic(), b =>
        {
            b.AddCondition<CustomerIdPrefixCondition>("Prefix");
            FluentActions.Invoking(() => b.AddCondition<CustomerIdPrefixCondition>("prefix")).Should().Throw<ArgumentException>().WithMessage("*already registered*");
        });
    }

    /// <summary>A host condition written for the tests: matches customer ids with a configured prefix.</summary>
    private sealed class CustomerIdPrefixCondition : IResolutionCondition
    {
        public ValueTask<bool> IsMatchAsync(ResolutionConditionContext context, CancellationToken cancellationToken) =>
            new(context.Parameters.TryGetValue("Prefix", out string? prefix) && context.Request.CustomerId.StartsWith(prefix, StringComparison.Ordinal));
    }
}
