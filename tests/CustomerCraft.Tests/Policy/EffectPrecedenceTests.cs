using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using static CustomerCraft.Tests.Policy.V2;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// The one precedence rule between effects (Deny, then RequireApproval, then Allow, then Limit,
/// then Multiply) over every pair, in both orders of declaration, and over three-way mixes; absolute
/// limits per role and for all roles; and the approver search computing each role's own effects.
/// Each condition holds when the request carries the reason code of its name.
/// </summary>
public class EffectPrecedenceTests
{
    /// <summary>The conditions the tests combine, by name (and reason code).</summary>
    private static readonly Dictionary<string, (string Effect, (string Key, string Value)[] Settings)> s_effects = new()
    {
        ["Deny"] = ("Deny", []),
        ["Deny2"] = ("Deny", []),
        ["Approve"] = ("RequireApproval", []),
        ["ApproveByTeamLead"] = ("RequireApproval", [("ApproverRole", "TeamLead")]),
        ["ApproveByManager"] = ("RequireApproval", [("ApproverRole", "Manager")]),
        ["Allow"] = ("Allow", []),
        ["Allow2"] = ("Allow", []),
        ["Limit50"] = ("Limit", [("Limit", "50"), ("Actions:0", "Refund")]),
        ["Limit30"] = ("Limit", [("Limit", "30"), ("Actions:0", "Refund")]),
        ["Multiply2"] = ("Multiply", [("Multiplier", "2")]),
        ["Multiply1.5"] = ("Multiply", [("Multiplier", "1.5")]),
    };

    /// <summary>
    /// The ladder with the named conditions declared in the given order: the binder keeps keys in
    /// configuration order, so the prefixes a_, b_, c_ fix the order the engine sees.
    /// </summary>
    private static Dictionary<string, string?> Declared(params string[] names)
    {
        Dictionary<string, string?> s = Ladder();
        for (int i = 0; i < names.Length; i++)
        {
            (string effect, (string Key, string Value)[] settings) = s_effects[names[i]];
            s.WithCodeCondition($"{(char)('a' + i)}_{names[i]}", names[i], effect, settings);
        }

        return s;
    }

    /// <summary>Evaluates an agent's refund with every named condition matching, once per order of declaration.</summary>
    private static async Task<AuthorityDecision[]> EvaluateInEveryOrderAsync(decimal amount, string[] names, string role = "Agent")
    {
        var decisions = new List<AuthorityDecision>();
        foreach (string[] order in Orders(names))
        {
            using TestHost host = Host(Declared(order));
            decisions.Add(await host.Authority.EvaluateAsync(Request(amount, role, codes: names)));
        }

        return [.. decisions];
    }

    private static IEnumerable<string[]> Orders(string[] names)
    {
        if (names.Length <= 1)
        {
            yield return names;
            yield break;
        }

        for (int i = 0; i < names.Length; i++)
        {
            string first = names[i];
            foreach (string[] rest in Orders([.. names.Where((_, j) => j != i)]))
            {
                yield return [first, .. rest];
            }
        }
    }

    public static TheoryData<string, string, decimal, DecisionOutcome, string?, decimal?> Pairs => new()
    {
        // Deny beats everything; nobody may approve.
        { "Deny", "Deny2", 10m, DecisionOutcome.Denied, null, 100m },
        { "Deny", "Approve", 10m, DecisionOutcome.Denied, null, 100m },
        { "Deny", "Allow", 10m, DecisionOutcome.Denied, null, null },
        { "Deny", "Limit50", 10m, DecisionOutcome.Denied, null, 50m },
        { "Deny", "Multiply2", 10m, DecisionOutcome.Denied, null, 200m },

        // RequireApproval beats Allow, Limit and Multiply; the approver's limits carry those effects.
        // 10000 is beyond even the manager's 5000: only the Allow makes a team lead able to approve it.
        { "Approve", "Allow", 10_000m, DecisionOutcome.RequiresApproval, "TeamLead", null },
        // 40 fits the absolute 50 that binds every role: the next role above approves.
        { "Approve", "Limit50", 40m, DecisionOutcome.RequiresApproval, "TeamLead", 50m },
        // Doubled, a team lead covers 1500 (2000); undoubled it would take a manager.
        { "Approve", "Multiply2", 1500m, DecisionOutcome.RequiresApproval, "TeamLead", 200m },
        // The highest ApproverRole is required.
        { "ApproveByTeamLead", "ApproveByManager", 10m, DecisionOutcome.RequiresApproval, "Manager", 100m },

        // Allow removes every limit; Limit and Multiply have nothing left to change.
        { "Allow", "Allow2", 10_000m, DecisionOutcome.Allowed, null, null },
        { "Allow", "Limit50", 10_000m, DecisionOutcome.Allowed, null, null },
        { "Allow", "Multiply2", 10_000m, DecisionOutcome.Allowed, null, null },

        // Among absolute limits the smallest wins; multipliers do not scale them.
        { "Limit50", "Limit30", 30m, DecisionOutcome.Allowed, null, 30m },
        { "Limit50", "Multiply2", 50m, DecisionOutcome.Allowed, null, 50m },

        // Multipliers multiply: 1.5 and 2 give 3.
        { "Multiply2", "Multiply1.5", 300m, DecisionOutcome.Allowed, null, 300m },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Evaluate_EveryPairOfEffects_FollowsThePrecedenceRuleInBothOrders(string first, string second, decimal amount, DecisionOutcome outcome, string? approver, decimal? incidentLimit)
    {
        AuthorityDecision[] decisions = await EvaluateInEveryOrderAsync(amount, [first, second]);

        decisions.Should().HaveCount(2);
        foreach (AuthorityDecision decision in decisions)
        {
            decision.Outcome.Should().Be(outcome, decision.Explain());
            decision.RequiredApproverRole.Should().Be(approver, decision.Explain());
            decision.IncidentLimit().Should().Be(incidentLimit, decision.Explain());
            decision.Reasons.Where(r => r.Kind == DecisionReasonKind.Condition).Select(r => r.ConditionName![2..])
                .Should().BeEquivalentTo(new[] { first, second }, "every matched condition is a reason, in whichever order it was declared");
        }
    }

    [Theory]
    [InlineData("Deny", "Approve")]
    [InlineData("Deny", "Allow")]
    [InlineData("Deny", "Limit50")]
    [InlineData("Deny", "Multiply2")]
    public async Task Evaluate_DenyWithAnyOtherEffect_IsDeniedAndTheFailingReasonIsTheDeny(string first, string second)
    {
        foreach (AuthorityDecision decision in await EvaluateInEveryOrderAsync(1m, [first, second]))
        {
            decision.Outcome.Should().Be(DecisionOutcome.Denied);
            decision.Reasons.Should().Contain(r => r.Kind == DecisionReasonKind.Condition && !r.Passed && r.ConditionName!.EndsWith("_Deny", StringComparison.Ordinal));
            decision.Reasons.Should().NotContain(r => r.Kind == DecisionReasonKind.NoApprover, "a Deny is not a search for an approver that failed");
            decision.GetHeadroom("Refund")!.Value.HasAuthority.Should().BeFalse();
            decision.GetHeadroom("Refund")!.Value.Amount.Should().Be(0m);
        }
    }

    [Fact]
    public async Task Evaluate_DenyAndRequireApproval_DenyWins()
    {
        foreach (AuthorityDecision decision in await EvaluateInEveryOrderAsync(1m, ["ApproveByManager", "Deny"]))
        {
            decision.Outcome.Should().Be(DecisionOutcome.Denied);
            decision.RequiredApproverRole.Should().BeNull();
        }
    }

    [Fact]
    public async Task Evaluate_RequireApprovalAndLimitForAllRoles_BeyondTheLimitIsDeniedSinceNobodyCanApprove()
    {
        foreach (AuthorityDecision decision in await EvaluateInEveryOrderAsync(60m, ["Approve", "Limit50"]))
        {
            decision.Outcome.Should().Be(DecisionOutcome.Denied, decision.Explain());
            decision.Reasons.Should().Contain(r => r.Kind == DecisionReasonKind.NoApprover);
        }
    }

    [Fact]
    public async Task Evaluate_RequireApprovalWithoutOtherEffects_ForAnAmountOnlyAManagerCovers_GoesToTheManager()
    {
        // The counterpart of the Approve + Multiply2 pair: without the multiplier a team lead does not cover 1500.
        using TestHost host = Host(Declared("Approve"));

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(1500m, codes: ["Approve"]));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("Manager");
    }

    [Fact]
    public async Task Evaluate_RequireApprovalWithoutOtherEffects_BeyondEveryRole_IsDenied()
    {
        // The counterpart of the Approve + Allow pair.
        using TestHost host = Host(Declared("Approve"));

        (await host.Authority.EvaluateAsync(Request(10_000m, codes: ["Approve"]))).Outcome.Should().Be(DecisionOutcome.Denied);
    }

    [Fact]
    public async Task Evaluate_LimitAndMultiply_OneCentAboveTheAbsoluteLimitIsNotAllowed()
    {
        foreach (AuthorityDecision decision in await EvaluateInEveryOrderAsync(50.01m, ["Limit50", "Multiply2"]))
        {
            decision.Outcome.Should().NotBe(DecisionOutcome.Allowed, decision.Explain());
            decision.IncidentLimit().Should().Be(50m);
        }
    }

    [Fact]
    public async Task Evaluate_TwoLimits_OneAboveTheSmallerIsNotAllowed()
    {
        foreach (AuthorityDecision decision in await EvaluateInEveryOrderAsync(30.01m, ["Limit50", "Limit30"]))
        {
            decision.Outcome.Should().NotBe(DecisionOutcome.Allowed, decision.Explain());
        }
    }

    [Fact]
    public async Task Evaluate_TwoMultipliers_OneCentAboveTheProductNeedsApproval()
    {
        foreach (AuthorityDecision decision in await EvaluateInEveryOrderAsync(300.01m, ["Multiply2", "Multiply1.5"]))
        {
            decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
            decision.RequiredApproverRole.Should().Be("TeamLead");
        }
    }

    public static TheoryData<string[], decimal, DecisionOutcome, string?, decimal?> Triples => new()
    {
        { ["Deny", "Approve", "Allow"], 1m, DecisionOutcome.Denied, null, null },
        { ["Deny", "Allow", "Multiply2"], 1m, DecisionOutcome.Denied, null, null },
        { ["Deny", "Limit50", "Multiply2"], 1m, DecisionOutcome.Denied, null, 50m },
        // The approver's limits are lifted by the Allow, which also beats the Limit for the approver.
        { ["Approve", "Allow", "Limit50"], 10_000m, DecisionOutcome.RequiresApproval, "TeamLead", null },
        { ["Approve", "Limit50", "Multiply2"], 40m, DecisionOutcome.RequiresApproval, "TeamLead", 50m },
        { ["Approve", "Limit50", "Multiply2"], 60m, DecisionOutcome.Denied, null, 50m },
        { ["ApproveByManager", "Allow", "Multiply2"], 1m, DecisionOutcome.RequiresApproval, "Manager", null },
        { ["Allow", "Limit50", "Multiply2"], 10_000m, DecisionOutcome.Allowed, null, null },
        { ["Limit50", "Limit30", "Multiply2"], 30m, DecisionOutcome.Allowed, null, 30m },
        { ["Limit50", "Limit30", "Multiply2"], 31m, DecisionOutcome.Denied, null, 30m },
        { ["Multiply2", "Multiply1.5", "Limit50"], 50m, DecisionOutcome.Allowed, null, 50m },
    };

    [Theory]
    [MemberData(nameof(Triples))]
    public async Task Evaluate_ThreeEffectsTogether_FollowThePrecedenceRuleInEveryOrder(string[] names, decimal amount, DecisionOutcome outcome, string? approver, decimal? incidentLimit)
    {
        AuthorityDecision[] decisions = await EvaluateInEveryOrderAsync(amount, names);

        decisions.Should().HaveCount(6);
        foreach (AuthorityDecision decision in decisions)
        {
            decision.Outcome.Should().Be(outcome, decision.Explain());
            decision.RequiredApproverRole.Should().Be(approver, decision.Explain());
            decision.IncidentLimit().Should().Be(incidentLimit, decision.Explain());
        }
    }

    [Fact]
    public async Task Headroom_UnderEachEffect_SaysWhatTheAgentCanStillDoWithoutAsking()
    {
        using TestHost host = Host(Declared("Deny", "Approve", "Allow", "Limit50", "Multiply2"));

        async Task<ActionHeadroom> HeadroomAsync(string code) => (await host.Authority.EvaluateAsync(Request(1m, codes: [code]))).GetHeadroom("Refund")!.Value;

        (await HeadroomAsync("Deny")).Should().Be(new ActionHeadroom("Refund", false, 0m, null, "USD"));
        (await HeadroomAsync("Approve")).Should().Be(new ActionHeadroom("Refund", false, 0m, null, "USD"));
        (await HeadroomAsync("Allow")).Should().Be(new ActionHeadroom("Refund", true, null, null, "USD"));
        (await HeadroomAsync("Limit50")).Should().Be(new ActionHeadroom("Refund", true, 50m, null, "USD"));
        (await HeadroomAsync("Multiply2")).Should().Be(new ActionHeadroom("Refund", true, 200m, null, "USD"));
        (await HeadroomAsync("none")).Should().Be(new ActionHeadroom("Refund", true, 100m, null, "USD"));
    }

    // ---- Absolute limits: per role, for all roles, zero, and the approver search ----

    [Fact]
    public async Task Limit_ForAgentsOnly_DoesNotHoldBackTheTeamLeadWhoApproves()
    {
        Dictionary<string, string?> s = Ladder().WithCodeCondition("AgentCap", "Cap", "Limit", ("Limit", "50"), ("Roles:0", "Agent"));
        using TestHost host = Host(s);

        AuthorityDecision agent = await host.Authority.EvaluateAsync(Request(60m, codes: ["Cap"]));
        AuthorityDecision lead = await host.Authority.EvaluateAsync(Request(900m, role: "TeamLead", codes: ["Cap"]));

        agent.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        agent.RequiredApproverRole.Should().Be("TeamLead");
        agent.IncidentLimit().Should().Be(50m);
        lead.Outcome.Should().Be(DecisionOutcome.Allowed);
        lead.IncidentLimit().Should().Be(1000m);
        lead.Reasons.Should().NotContain(r => r.Kind == DecisionReasonKind.Condition, "a Limit for agents does not exist for team leads");
    }

    [Fact]
    public async Task Limit_ZeroForAgents_IsNeverWithoutApproval()
    {
        Dictionary<string, string?> s = Ladder().WithCodeCondition("Never", "Never", "Limit", ("Limit", "0"), ("Roles:0", "Agent"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(0.01m, codes: ["Never"]));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("TeamLead");
        decision.IncidentLimit().Should().Be(0m);
        decision.GetHeadroom("Refund")!.Value.Amount.Should().Be(0m);
    }

    [Fact]
    public async Task Limit_ZeroForAllRoles_IsDeniedBecauseNobodyCanApprove()
    {
        Dictionary<string, string?> s = Ladder().WithCodeCondition("Never", "Never", "Limit", ("Limit", "0"));
        using TestHost host = Host(s);

        AuthorityDecision agent = await host.Authority.EvaluateAsync(Request(0.01m, codes: ["Never"]));
        AuthorityDecision manager = await host.Authority.EvaluateAsync(Request(0.01m, role: "Manager", codes: ["Never"]));

        agent.Outcome.Should().Be(DecisionOutcome.Denied, agent.Explain());
        agent.Reasons.Should().Contain(r => r.Kind == DecisionReasonKind.NoApprover);
        manager.Outcome.Should().Be(DecisionOutcome.Denied, manager.Explain());
    }

    [Fact]
    public async Task Limit_ForAllRoles_AppliesToAnUnlimitedRoleToo()
    {
        Dictionary<string, string?> s = Ladder()
            .Without("Roles:Manager:Limits:Refund:PerIncident:Amount")
            .With("Roles:Manager:Limits:Refund:Unlimited", "true")
            .WithCodeCondition("Cap", "Cap", "Limit", ("Limit", "100"));
        using TestHost host = Host(s);

        (await host.Authority.EvaluateAsync(Request(1_000_000m, role: "Manager"))).Outcome.Should().Be(DecisionOutcome.Allowed);
        AuthorityDecision capped = await host.Authority.EvaluateAsync(Request(150m, role: "Manager", codes: ["Cap"]));
        capped.Outcome.Should().Be(DecisionOutcome.Denied, capped.Explain());
        capped.IncidentLimit().Should().Be(100m);
    }

    [Fact]
    public async Task Limit_ForAgentsAndForAllRoles_TheSmallerWinsForAgentsAndTheOtherForTheRest()
    {
        Dictionary<string, string?> s = Ladder()
            .WithCodeCondition("Everyone", "X", "Limit", ("Limit", "80"))
            .WithCodeCondition("Agents", "X", "Limit", ("Limit", "60"), ("Roles:0", "Agent"));
        using TestHost host = Host(s);

        (await host.Authority.EvaluateAsync(Request(60m, codes: ["X"]))).IncidentLimit().Should().Be(60m);
        (await host.Authority.EvaluateAsync(Request(60m, role: "TeamLead", codes: ["X"]))).IncidentLimit().Should().Be(80m);
        (await host.Authority.EvaluateAsync(Request(60m, role: "Manager", codes: ["X"]))).IncidentLimit().Should().Be(80m);
    }

    [Fact]
    public async Task Limit_LargerThanTheConfiguredLimit_RaisesIt()
    {
        // "Replaces": an absolute limit is not a cap on the configured one.
        Dictionary<string, string?> s = Ladder().WithCodeCondition("Raise", "Raise", "Limit", ("Limit", "300"), ("Roles:0", "Agent"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(250m, codes: ["Raise"]));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        decision.IncidentLimit().Should().Be(300m);
    }

    [Fact]
    public async Task Limit_OnThePerCustomerScope_IsNotScaledWhileTheMultiplierScalesThePerIncidentOne()
    {
        Dictionary<string, string?> s = Ladder()
            .With("Roles:Agent:Limits:Refund:PerCustomer:Amount", "300")
            .With("Roles:Agent:Limits:Refund:PerCustomer:Length", "30.00:00:00")
            .WithCodeCondition("a_Double", "X", "Multiply", ("Multiplier", "2"))
            .WithCodeCondition("b_CustomerCap", "X", "Limit", ("Limit", "150"), ("AppliesTo", "PerCustomer"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(150m, codes: ["X"]));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed, decision.Explain());
        decision.IncidentLimit().Should().Be(200m);
        decision.Reasons.Single(r => r.Limit == LimitKind.CustomerAmount).LimitValue.Should().Be(150m);
        (await host.Authority.EvaluateAsync(Request(150.01m, codes: ["X"]))).Outcome.Should().NotBe(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task Allow_ForAgentsAndLimitForEveryone_GivesAgentsNoLimitsAndTeamLeadsTheLimit()
    {
        Dictionary<string, string?> s = Ladder()
            .WithCodeCondition("AgentsFree", "X", "Allow", ("Roles:0", "Agent"))
            .WithCodeCondition("Cap", "X", "Limit", ("Limit", "50"));
        using TestHost host = Host(s);

        AuthorityDecision agent = await host.Authority.EvaluateAsync(Request(4000m, codes: ["X"]));
        AuthorityDecision lead = await host.Authority.EvaluateAsync(Request(40m, role: "TeamLead", codes: ["X"]));

        agent.Outcome.Should().Be(DecisionOutcome.Allowed);
        agent.IncidentLimit().Should().BeNull();
        lead.Outcome.Should().Be(DecisionOutcome.Allowed);
        lead.IncidentLimit().Should().Be(50m);
    }

    [Fact]
    public async Task Allow_ForManagersOnly_MakesTheManagerTheApproverOfWhatNobodyElseCovers()
    {
        Dictionary<string, string?> s = Ladder().WithCodeCondition("ManagersFree", "X", "Allow", ("Roles:0", "Manager"));
        using TestHost host = Host(s);

        AuthorityDecision with = await host.Authority.EvaluateAsync(Request(10_000m, codes: ["X"]));
        AuthorityDecision without = await host.Authority.EvaluateAsync(Request(10_000m));

        with.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        with.RequiredApproverRole.Should().Be("Manager");
        without.Outcome.Should().Be(DecisionOutcome.Denied);
    }

    [Fact]
    public async Task Allow_DoesNotGiveAuthorityToARoleWithoutAnEntryForTheAction()
    {
        Dictionary<string, string?> s = Ladder()
            .With("Actions:Credit:Description", "Account credit")
            .With("Roles:TeamLead:Limits:Credit:PerIncident:Amount", "100")
            .With("Roles:Manager:Limits:Credit:PerIncident:Amount", "500")
            .WithCodeCondition("Free", "X", "Allow");
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(1m, action: "Credit", codes: ["X"]));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("TeamLead");
        decision.Reasons.Should().Contain(r => r.Kind == DecisionReasonKind.NoAuthority);
        decision.GetHeadroom("Credit")!.Value.HasAuthority.Should().BeFalse();
    }

    [Fact]
    public async Task Approver_Search_ComputesEachRolesLimitsWithTheEffectsForThatRole()
    {
        // Team leads are cut to 1% of their limit (10): a 150 refund skips them.
        Dictionary<string, string?> s = Ladder().WithCodeCondition("LeadCut", "X", "Multiply", ("Multiplier", "0.01"), ("Roles:0", "TeamLead"));
        using TestHost host = Host(s);

        AuthorityDecision cut = await host.Authority.EvaluateAsync(Request(150m, codes: ["X"]));
        AuthorityDecision usual = await host.Authority.EvaluateAsync(Request(150m));

        cut.RequiredApproverRole.Should().Be("Manager", cut.Explain());
        cut.IncidentLimit().Should().Be(100m, "the multiplier names team leads, not agents");
        usual.RequiredApproverRole.Should().Be("TeamLead");
    }

    [Fact]
    public async Task Approver_Search_SkipsARoleWhoseLimitIsZeroForThisRequest()
    {
        Dictionary<string, string?> s = Ladder().WithCodeCondition("Never", "X", "Limit", ("Limit", "0"), ("Roles:0", "Agent"), ("Roles:1", "TeamLead"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(10m, codes: ["X"]));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("Manager");
    }

    [Fact]
    public async Task Multipliers_Combined_AreCappedAtAThousand()
    {
        Dictionary<string, string?> s = Ladder()
            .WithCodeCondition("a_Huge", "X", "Multiply", ("Multiplier", "1000"))
            .WithCodeCondition("b_Double", "X", "Multiply", ("Multiplier", "2"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(100_000m, codes: ["X"]));

        decision.IncidentLimit().Should().Be(100_000m);
        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        (await host.Authority.EvaluateAsync(Request(100_000.01m, codes: ["X"]))).Outcome.Should().NotBe(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task RequireApproval_ByTeamLead_WhoseLimitIsZeroHere_GoesToTheManager()
    {
        Dictionary<string, string?> s = Ladder()
            .WithCodeCondition("a_Ask", "X", "RequireApproval", ("ApproverRole", "TeamLead"))
            .WithCodeCondition("b_LeadsNever", "X", "Limit", ("Limit", "0"), ("Roles:0", "TeamLead"));
        using TestHost host = Host(s);

        AuthorityDecision decision = await host.Authority.EvaluateAsync(Request(10m, codes: ["X"]));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.RequiredApproverRole.Should().Be("Manager");
    }

    [Fact]
    public async Task RequireApproval_GrantedUnderAQualifiedApprover_IsAllowedAndTheReasonSaysSo()
    {
        using TestHost host = Host(Declared("ApproveByTeamLead"));
        ResolutionRequest request = Request(10m, codes: ["ApproveByTeamLead"]) with { Approver = new ApproverAuthority("tara", "TeamLead") };

        AuthorityDecision decision = await host.Authority.EvaluateAsync(request);

        decision.Outcome.Should().Be(DecisionOutcome.Allowed, decision.Explain());
        decision.Reasons.Single(r => r.Kind == DecisionReasonKind.Condition).Passed.Should().BeTrue();
    }
}
