using System.Globalization;
using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using FluentAssertions;
using Xunit;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Empowerment;

/// <summary>
/// The engine past the old hard caps (64 conditions, 64 actions), the cheaper
/// <see cref="HeadroomScope.RequestedAction"/> evaluation against the full one, and the integer
/// arithmetic on minor units against the decimal arithmetic it replaced.
/// </summary>
public class EngineScaleTests
{
    private const string E = "CustomerCraft:Empowerment";

    /// <summary>A retailer's size: 150 actions and 200 conditions, the ones that matter far past index 64.</summary>
    private static Dictionary<string, string?> Large()
    {
        var s = new Dictionary<string, string?> { [$"{E}:Currency"] = "USD" };
        for (int a = 0; a < 150; a++)
        {
            s[$"{E}:Actions:Action{a}:Description"] = $"Action number {a}";
            s[$"{E}:Roles:Agent:Limits:Action{a}:PerIncident:Amount"] = "100";
            s[$"{E}:Roles:TeamLead:Limits:Action{a}:PerIncident:Amount"] = "1000";
        }

        s[$"{E}:Roles:Agent:Rank"] = "10";
        s[$"{E}:Roles:TeamLead:Rank"] = "20";
        for (int c = 0; c < 200; c++)
        {
            // Harmless multipliers by one, except three that decide: a deny, a limit and a doubling.
            (string effect, (string, string)[] settings) = c switch
            {
                180 => ("Deny", new[] { ("Actions:0", "Action120") }),
                130 => ("Limit", new[] { ("Limit", "30"), ("Actions:0", "Action149"), ("Roles:0", "Agent") }),
                199 => ("Multiply", new[] { ("Multiplier", "2"), ("Actions:0", "Action100") }),
                _ => ("Multiply", new[] { ("Multiplier", "1") }),
            };
            s.WithCodeCondition($"Rule{c:D3}", $"C{c}", effect, settings);
        }

        return s;
    }

    [Fact]
    public async Task Policy_With200ConditionsAnd150Actions_StartsAndDecidesByConditionsPastThe64th()
    {
        using TestHost host = Host(Large());

        AuthorityDecision denied = await host.Authority.EvaluateAsync(Request(10m, action: "Action120", codes: ["C180", "C3"]));
        denied.Outcome.Should().Be(DecisionOutcome.Denied);
        denied.Reasons.Should().Contain(r => r.Message.Contains("Rule180", StringComparison.Ordinal));
        denied.Headroom.Should().HaveCount(150);

        AuthorityDecision limited = await host.Authority.EvaluateAsync(Request(40m, action: "Action149", codes: ["C130"]));
        limited.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        limited.IncidentLimit().Should().Be(30m);
        limited.GetHeadroom("Action149")!.Value.Amount.Should().Be(30m);

        AuthorityDecision doubled = await host.Authority.EvaluateAsync(Request(150m, action: "Action100", codes: ["C199", "C64", "C65"]));
        doubled.Outcome.Should().Be(DecisionOutcome.Allowed);
        doubled.IncidentLimit().Should().Be(200m);

        AuthorityDecision unaffected = await host.Authority.EvaluateAsync(Request(150m, action: "Action0", codes: ["C199", "C180", "C130"]));
        unaffected.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        unaffected.RequiredApproverRole.Should().Be("TeamLead");
    }

    /// <summary>
    /// Conditions looked up by the value they test (one text attribute in a set) match exactly the
    /// requests whose tests hold, beside conditions whose tests are evaluated: every condition's test
    /// is evaluated here for each request and compared with what the engine matched.
    /// </summary>
    [Fact]
    public async Task ConditionsLookedUpByValue_MatchExactlyWhatTheirTestsMatch()
    {
        Dictionary<string, string?> s = Ladder();
        s[$"{E}:Attributes:Plan:Type"] = "String";
        void Condition(string name, params (string Key, string Value)[] when)
        {
            foreach ((string key, string value) in when)
            {
                s[$"{C}:{name}:When:{key}"] = value;
            }

            s[$"{C}:{name}:Effect"] = "Multiply";
            s[$"{C}:{name}:Multiplier"] = "1";
        }

        Condition("GoldOrPlatinum", ("Attribute", "CustomerSegment"), ("In:0", "Gold"), ("In:1", "platinum"));
        Condition("GoldGiven", ("Attribute", "CustomerSegment"), ("In:0", "GOLD"), ("IsSet", "true"));
        Condition("NoSegment", ("Attribute", "CustomerSegment"), ("IsSet", "false"));
        Condition("Phone", ("Attribute", "Channel"), ("In:0", "Phone"));
        Condition("CodeXorY", ("Attribute", "ReasonCodes"), ("In:0", "X"), ("In:1", "y"));
        Condition("CodeY", ("Attribute", "ReasonCodes"), ("In:0", "Y"));
        Condition("Business", ("Attribute", "Plan"), ("In:0", "Business"));
        Condition("Large", ("Attribute", "Amount"), ("AtLeast", "100"));
        for (int c = 0; c < 70; c++)
        {
            Condition($"Unused{c:D2}", ("Attribute", "ReasonCodes"), ("In:0", $"Never{c}"));
        }

        Condition("Late", ("Attribute", "ReasonCodes"), ("In:0", "Z"));
        using TestHost host = Host(s);

        int compared = 0;
        foreach (string? segment in new[] { null, "gold", "Platinum", "Silver" })
        {
            foreach (string? channel in new[] { null, "phone", "Web" })
            {
                foreach (string[]? codes in new string[]?[] { null, [], ["x"], ["Y", "z"], ["q", "NEVER69"] })
                {
                    foreach (string? plan in new[] { null, "business", "Home" })
                    {
                        foreach (decimal amount in new[] { 50m, 150m })
                        {
                            Dictionary<string, string>? attributes = plan is null ? null : new() { ["Plan"] = plan };
                            ResolutionRequest request = Request(amount, codes: codes, attributes: attributes, segment: segment, channel: channel);
                            AuthorityDecision decision = await host.Authority.EvaluateAsync(request);

                            global::CustomerCraft.Policy.PolicySnapshot snapshot = decision.Snapshot;
                            var values = new global::CustomerCraft.Policy.AttributeValue[snapshot.Attributes.Host.Length];
                            snapshot.Attributes.Read(request, values);
                            var context = new TestContext(request, request.Amount, values, [], decision.EvaluatedAt);
                            for (int i = 0; i < snapshot.Conditions.Length; i++)
                            {
                                bool expected = TestEvaluator.Evaluate(snapshot.Tests, snapshot.Conditions[i].Test, context);
                                decision.MatchedConditions.Contains(i).Should().Be(expected, "{0} for segment {1}, channel {2}, codes [{3}], plan {4}, amount {5}", snapshot.Conditions[i].Name, segment, channel, string.Join(",", codes ?? []), plan, amount);
                            }

                            compared++;
                        }
                    }
                }
            }
        }

        compared.Should().Be(4 * 3 * 5 * 3 * 2);
    }

    [Fact]
    public void Policy_With200Conditions_HasNoConfigurationError()
    {
        Errors(Large()).Should().BeEmpty();
    }

    /// <summary>Two policies' worth of requests over a history of grants: the requested-action decision says what the full one says.</summary>
    [Fact]
    public async Task RequestedActionHeadroom_DecidesExactlyAsTheFullEvaluation()
    {
        Dictionary<string, string?> settings = PolicyFixtures.Basic();
        settings[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Amount"] = "300";
        settings[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Count"] = "4";
        settings[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Window"] = "Rolling";
        settings[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Length"] = "30.00:00:00";
        settings[$"{E}:Roles:Agent:Limits:Credit:PerAgent:Amount"] = "120.5";
        settings[$"{E}:Roles:Agent:Limits:Credit:PerAgent:Window"] = "Day";
        settings.WithCodeCondition("Loyal", "LOYAL", "Multiply", ("Multiplier", "1.333"));
        settings.WithCodeCondition("Fraud", "FRAUD", "RequireApproval", ("ApproverRole", "TeamLead"));
        using TestHost host = Host(settings);

        int compared = 0;
        for (int i = 0; i < 6; i++)
        {
            // The first grant on the incident the requests ask about, the rest on others of the same customer and agent.
            (await host.Authority.GrantAsync(Request(35.25m, action: i % 2 == 0 ? "Refund" : "Credit", incident: i == 0 ? "T-1" : $"G-{i}", key: $"g{i}"))).Grant.Should().NotBeNull();
            foreach (string role in new[] { "Agent", "SeniorAgent", "TeamLead", "Bot" })
            {
                foreach (string action in new[] { "Refund", "Credit" })
                {
                    foreach (decimal amount in new[] { 0.01m, 9.99m, 49.5m, 100m, 133.3m, 133.31m, 260m, 999.99m, 1200m })
                    {
                        foreach (string[] codes in new[] { Array.Empty<string>(), ["LOYAL"], ["FRAUD"], ["LOYAL", "FRAUD"] })
                        {
                            ResolutionRequest request = Request(amount, role, action, codes);
                            AuthorityDecision full = await host.Authority.EvaluateAsync(request);
                            AuthorityDecision requested = await ((ResolutionAuthority)host.Authority).EvaluateAsync(request, HeadroomScope.RequestedAction);

                            requested.Outcome.Should().Be(full.Outcome, "for {0} {1} {2} [{3}]", role, action, amount, string.Join(",", codes));
                            requested.RequiredApproverRole.Should().Be(full.RequiredApproverRole);
                            requested.Amount.Should().Be(full.Amount);
                            requested.Reasons.Select(r => r.Message).Should().Equal(full.Reasons.Select(r => r.Message));
                            requested.GetHeadroom(action).Should().Be(full.GetHeadroom(action));
                            requested.Headroom.Should().Equal(full.GetHeadroom(action)!.Value);
                            requested.GetHeadroom(action == "Refund" ? "Credit" : "Refund").Should().BeNull();
                            full.Headroom.Should().HaveCount(2);
                            compared++;
                        }
                    }
                }
            }
        }

        compared.Should().Be(6 * 4 * 2 * 9 * 4);
    }

    /// <summary>
    /// Every action's headroom in a decision's list (worked out with the conditions' effects shared
    /// across actions when no matched condition names its actions) is what evaluating that action
    /// alone says, with conditions that apply to every action, to one action, and to one role.
    /// </summary>
    [Fact]
    public async Task HeadroomList_MatchesEachActionEvaluatedAlone()
    {
        Dictionary<string, string?> settings = PolicyFixtures.Basic();
        settings[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Amount"] = "300";
        settings[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Count"] = "4";
        settings[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Window"] = "Rolling";
        settings[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Length"] = "30.00:00:00";
        settings.WithCodeCondition("Loyal", "LOYAL", "Multiply", ("Multiplier", "1.5"));
        settings.WithCodeCondition("CreditCap", "CAP", "Limit", ("Limit", "20"), ("Actions:0", "Credit"));
        settings.WithCodeCondition("AgentCap", "AGENTCAP", "Limit", ("Limit", "30"), ("Roles:0", "Agent"));
        settings.WithCodeCondition("Fraud", "FRAUD", "RequireApproval", ("ApproverRole", "TeamLead"));
        settings.WithCodeCondition("Trusted", "TRUSTED", "Allow", ("Actions:0", "Refund"));
        using TestHost host = Host(settings);
        (await host.Authority.GrantAsync(Request(35.25m, incident: "T-1", key: "g1"))).Grant.Should().NotBeNull();
        (await host.Authority.GrantAsync(Request(12m, action: "Credit", incident: "T-2", key: "g2"))).Grant.Should().NotBeNull();

        string[] actions = ["Refund", "Credit"];
        int compared = 0;
        foreach (string role in new[] { "Agent", "SeniorAgent", "TeamLead" })
        {
            foreach (string[] codes in new[] { Array.Empty<string>(), ["LOYAL"], ["CAP"], ["LOYAL", "CAP"], ["AGENTCAP", "LOYAL"], ["FRAUD"], ["LOYAL", "FRAUD"], ["TRUSTED"], ["TRUSTED", "CAP", "LOYAL"] })
            {
                AuthorityDecision full = await host.Authority.EvaluateAsync(Request(10m, role, "Refund", codes));
                full.Headroom.Should().HaveCount(actions.Length);
                for (int a = 0; a < actions.Length; a++)
                {
                    AuthorityDecision alone = await ((ResolutionAuthority)host.Authority).EvaluateAsync(Request(10m, role, actions[a], codes), HeadroomScope.RequestedAction);
                    ActionHeadroom listed = full.Headroom.Single(h => h.Action == actions[a]);
                    listed.Should().Be(alone.Headroom.Single(), "for {0} {1} [{2}]", role, actions[a], string.Join(",", codes));
                    full.GetHeadroom(actions[a]).Should().Be(listed);
                    compared++;
                }
            }
        }

        compared.Should().Be(3 * 9 * 2);
    }

    [Fact]
    public async Task HeadroomScope_OutOfRange_IsRejectedNamingIt()
    {
        using TestHost host = Host(Ladder());

        Func<Task> act = async () => await ((ResolutionAuthority)host.Authority).EvaluateAsync(Request(10m), (HeadroomScope)7);

        (await act.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("headroom");
    }

    /// <summary>Several multipliers on one scope: their product, rounded down to the cent, as the decimal arithmetic gave.</summary>
    [Theory]
    [InlineData("1.5", "1.1", 165)]
    [InlineData("0.333", "1", 33.3)]
    [InlineData("0.3333", "0.5", 16.66)]
    [InlineData("1000", "1000", 100000)]
    [InlineData("0.0001", "0.0001", 0)]
    public async Task SeveralMultipliers_ScaleTheLimitByTheirProduct_RoundedDown(string first, string second, decimal expected)
    {
        Dictionary<string, string?> s = Ladder()
            .WithCodeCondition("First", "A", "Multiply", ("Multiplier", first))
            .WithCodeCondition("Second", "B", "Multiply", ("Multiplier", second));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(0.01m, codes: ["A", "B"]));

        decision.IncidentLimit().Should().Be(expected);
        decimal exact = Math.Min(decimal.Parse(first, CultureInfo.InvariantCulture) * decimal.Parse(second, CultureInfo.InvariantCulture), 1000m);
        decision.IncidentLimit().Should().Be(decimal.Round(100m * exact, 2, MidpointRounding.ToZero));
    }

    [Theory]
    [InlineData("0", 2, 0L)]
    [InlineData("1", 2, 100L)]
    [InlineData("12.34", 2, 1234L)]
    [InlineData("12.3", 2, 1230L)]
    [InlineData("12.349", 2, 1234L)]
    [InlineData("1000000000000", 4, 10_000_000_000_000_000L)]
    [InlineData("79228162514264337593543950335", 2, long.MaxValue)]
    [InlineData("-5", 2, 0L)]
    [InlineData("0.00000000000000000001", 2, 0L)]
    public void MinorUnits_From_TruncatesAndSaturates(string value, int decimals, long expected)
    {
        MinorUnits.From(decimal.Parse(value, CultureInfo.InvariantCulture), decimals).Should().Be(expected);
    }

    [Theory]
    [InlineData(15000L, 2, "150")]
    [InlineData(15050L, 2, "150.5")]
    [InlineData(1L, 2, "0.01")]
    [InlineData(0L, 2, "0")]
    [InlineData(123456L, 4, "12.3456")]
    public void MinorUnits_ToDecimal_WritesNoMoreDecimalsThanNeeded(long minor, int decimals, string expected)
    {
        MinorUnits.ToDecimal(minor, decimals).ToString(CultureInfo.InvariantCulture).Should().Be(expected);
    }

    [Fact]
    public void MinorUnits_Scale_RoundsDownAndSaturates()
    {
        MinorUnits.Scale(10_000, MinorUnits.Factor.Of(1.333m)).Should().Be(13_330);
        MinorUnits.Scale(1, MinorUnits.Factor.Of(0.5m)).Should().Be(0);
        MinorUnits.Scale(long.MaxValue / 2, MinorUnits.Factor.Of(1000m)).Should().Be(long.MaxValue);
        MinorUnits.Scale(777, MinorUnits.Factor.One).Should().Be(777);
    }
}
