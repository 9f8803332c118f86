using CustomerCraft.Empowerment;
using CustomerCraft.Storage;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Empowerment;

public class GrantTests
{
    private const string AgentRefund = "CustomerCraft:Empowerment:Roles:Agent:Limits:Refund";

    [Fact]
    public async Task GrantAsync_Allowed_ReservesAgainstTheIncidentCustomerAndAgentBudgets()
    {
        using TestHost host = Build(Basic());

        GrantResult result = await host.Authority.GrantAsync(Refund(60m, key: "T-1/1"));

        result.IsGranted.Should().BeTrue();
        result.IsReplay.Should().BeFalse();
        result.Decision!.Outcome.Should().Be(DecisionOutcome.Allowed);
        GrantRecord grant = result.Grant!;
        grant.Amount.Should().Be(60m);
        grant.Currency.Should().Be("USD");
        grant.GrantedAt.Should().Be(Start);
        grant.ChargedAgentId.Should().Be("ana");
        var ledger = host.Services.GetRequiredService<IBudgetLedger>();
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(60m, 1));
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, "C-1", "refund"), DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(60m, 1));
        // Budgets are found by any spelling of the id under the id rule (IdComparison.IgnoreCase, the default).
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Agent, "ANA", "Refund"), DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(60m, 1));
    }

    [Fact]
    public async Task GrantAsync_IdsSpelledInAnotherCase_ChargeAndReadTheSameBudgets()
    {
        using TestHost host = Build(Basic());

        (await host.Authority.GrantAsync(Refund(60m, agent: "ana", customer: "C-1", incident: "T-1", key: "k1"))).IsGranted.Should().BeTrue();
        GrantResult second = await host.Authority.GrantAsync(Refund(30m, agent: "ANA", customer: "c-1", incident: "t-1", key: "k2"));

        // The second grant's decision saw the first grant's usage, and both charged one budget per scope.
        second.IsGranted.Should().BeTrue();
        second.Decision!.GetHeadroom("Refund").Should().Be(new ActionHeadroom("Refund", true, 40m, null, "USD"));
        var ledger = host.Services.GetRequiredService<IBudgetLedger>();
        foreach ((BudgetScope scope, string id) in new[] { (BudgetScope.Incident, "T-1"), (BudgetScope.Incident, "t-1"), (BudgetScope.Customer, "c-1"), (BudgetScope.Agent, "Ana") })
        {
            (await ledger.GetUsageAsync(new BudgetKey(scope, id, "Refund"), DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(90m, 2), $"{scope} {id}");
        }
    }

    [Fact]
    public async Task GrantAsync_Decision_CarriesTheRequestedActionsHeadroomOnly()
    {
        using TestHost host = Build(Basic());

        GrantResult result = await host.Authority.GrantAsync(Refund(60m, key: "T-1/1"));

        result.Decision!.Headroom.Should().Equal(new ActionHeadroom("Refund", true, 100m, null, "USD"));
        result.Decision.GetHeadroom("Credit").Should().BeNull();
    }

    [Fact]
    public async Task GrantAsync_GrantIds_AreTimeOrderedVersion7Uuids()
    {
        using TestHost host = Build(Basic());
        var ids = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            host.Time.Advance(TimeSpan.FromMilliseconds(3));
            ids.Add((await host.Authority.GrantAsync(Refund(1m, incident: $"T-{i}", key: $"k{i}"))).Grant!.GrantId);
        }

        ids.Should().OnlyHaveUniqueItems().And.BeInAscendingOrder(StringComparer.Ordinal);
        ids.Should().OnlyContain(id => id.Length == 32 && id[12] == '7' && Guid.Parse(id).Version == 7);
        Convert.ToInt64(ids[0][..12], 16).Should().Be(Start.AddMilliseconds(3).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task GrantAsync_NotAllowed_ReservesNothingAndLogsTheRefusal()
    {
        using TestHost host = Build(Basic());

        GrantResult result = await host.Authority.GrantAsync(Refund(160m, key: "T-1/1"));

        result.IsGranted.Should().BeFalse();
        result.Grant.Should().BeNull();
        result.Decision!.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        (await host.Authority.EvaluateAsync(Refund(100m))).Outcome.Should().Be(DecisionOutcome.Allowed);
        List<DecisionRecord> log = await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).ToListAsync();
        log.Should().ContainSingle().Which.Should().Match<DecisionRecord>(r => r.Kind == DecisionRecordKind.Refused && r.RequiredApproverRole == "SeniorAgent");
    }

    [Fact]
    public async Task GrantAsync_SameKeySameRequest_ReturnsTheFirstGrantWithoutChargingAgain()
    {
        using TestHost host = Build(Basic());
        GrantResult first = await host.Authority.GrantAsync(Refund(60m, key: "T-1/1"));

        host.Time.Advance(TimeSpan.FromMinutes(5));
        GrantResult retry = await host.Authority.GrantAsync(Refund(60m, key: "T-1/1"));

        retry.IsGranted.Should().BeTrue();
        retry.IsReplay.Should().BeTrue();
        retry.Decision.Should().BeNull();
        retry.Grant.Should().Be(first.Grant);
        AuthorityDecision after = await host.Authority.EvaluateAsync(Refund(1m));
        after.Reasons.Single(r => r.Limit == LimitKind.IncidentAmount).Used.Should().Be(60m);
    }

    [Fact]
    public async Task GrantAsync_SameKeyDifferentRequest_ThrowsAConflictNamingTheDifference()
    {
        using TestHost host = Build(Basic());
        GrantResult first = await host.Authority.GrantAsync(Refund(60m, key: "T-1/1"));

        Func<Task> act = async () => await host.Authority.GrantAsync(Refund(61m, key: "T-1/1"));

        IdempotencyConflictException ex = (await act.Should().ThrowAsync<IdempotencyConflictException>()).Which;
        ex.IdempotencyKey.Should().Be("T-1/1");
        ex.ExistingGrantId.Should().Be(first.Grant!.GrantId);
        ex.Message.Should().Contain("Amount");
    }

    [Fact]
    public async Task GrantAsync_SameKeyDifferentContext_IsAConflictNotAReplay()
    {
        using TestHost host = Build(Basic());
        await host.Authority.GrantAsync(Refund(60m, key: "T-1/1") with { ReasonCodes = ["Late", "Damaged"] });

        GrantResult reordered = await host.Authority.GrantAsync(Refund(60m, key: "T-1/1") with { ReasonCodes = ["damaged", "LATE"] });
        Func<Task> different = async () => await host.Authority.GrantAsync(Refund(60m, key: "T-1/1") with { ReasonCodes = ["FraudSuspected"] });

        reordered.IsReplay.Should().BeTrue("reason codes are a set");
        (await different.Should().ThrowAsync<IdempotencyConflictException>()).WithMessage("*context*");
    }

    [Fact]
    public async Task GrantAsync_RetryOfAVoidedGrant_IsNotGrantedAgain()
    {
        using TestHost host = Build(Basic());
        GrantResult first = await host.Authority.GrantAsync(Refund(60m, key: "T-1/1"));
        await host.Authority.VoidAsync(first.Grant!.GrantId, "Refund reversed");

        GrantResult lateRetry = await host.Authority.GrantAsync(Refund(60m, key: "T-1/1"));

        lateRetry.IsReplay.Should().BeTrue();
        lateRetry.IsGranted.Should().BeFalse("the grant it replays was voided and must not be paid out again");
        lateRetry.Grant!.IsVoided.Should().BeTrue();
    }

    [Fact]
    public async Task GrantAsync_WithoutIdempotencyKey_IsABadRequest()
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.GrantAsync(Refund(10m));

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*IdempotencyKey*");
    }

    [Fact]
    public async Task VoidAsync_ReleasesTheBudgetAndIsIdempotent()
    {
        using TestHost host = Build(Basic());
        GrantResult grant = await host.Authority.GrantAsync(Refund(100m, key: "T-1/1"));
        (await host.Authority.EvaluateAsync(Refund(1m))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        host.Time.Advance(TimeSpan.FromMinutes(1));
        GrantRecord voided = await host.Authority.VoidAsync(grant.Grant!.GrantId, "Customer kept the item");
        GrantRecord again = await host.Authority.VoidAsync(grant.Grant!.GrantId, "Clicked twice");

        voided.IsVoided.Should().BeTrue();
        voided.VoidedAt.Should().Be(Start.AddMinutes(1));
        voided.VoidReason.Should().Be("Customer kept the item");
        again.Should().Be(voided);
        (await host.Authority.EvaluateAsync(Refund(100m))).Outcome.Should().Be(DecisionOutcome.Allowed);
        List<DecisionRecord> log = await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).ToListAsync();
        log.Select(r => r.Kind).Should().Equal(DecisionRecordKind.Granted, DecisionRecordKind.Voided);
    }

    [Fact]
    public async Task VoidAsync_UnknownGrant_ThrowsKeyNotFound()
    {
        using TestHost host = Build(Basic());

        Func<Task> act = async () => await host.Authority.VoidAsync("nope", "test");

        (await act.Should().ThrowAsync<KeyNotFoundException>()).WithMessage("*'nope'*");
    }

    [Fact]
    public async Task GrantAsync_UnderAnApprover_ChargesTheApproversAgentBudgetAndRecordsTheApprover()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{AgentRefund}:PerAgent:Amount"] = "100";
        s[$"{AgentRefund}:PerAgent:Window"] = "Day";
        using TestHost host = Build(s);

        GrantResult result = await host.Authority.GrantAsync(Refund(400m, key: "T-1/1").WithApprover("tara", "TeamLead"));

        result.IsGranted.Should().BeTrue();
        result.Grant!.ApproverId.Should().Be("tara");
        result.Grant.ApproverRole.Should().Be("TeamLead");
        result.Grant.Role.Should().Be("Agent");
        result.Grant.ChargedAgentId.Should().Be("tara");
        // The agent's own daily budget is untouched: the authority used was the team lead's.
        AuthorityDecision agentNext = await host.Authority.EvaluateAsync(Refund(100m, incident: "T-2"));
        agentNext.Reasons.Single(r => r.Limit == LimitKind.AgentAmount).Used.Should().Be(0m);
    }

    [Fact]
    public async Task GrantAsync_ManyParallelGrantsAgainstOneBudget_GrantExactlyWhatItAffords()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{AgentRefund}:PerCustomer:Amount"] = "1000";
        s[$"{AgentRefund}:PerCustomer:Window"] = "Rolling";
        s[$"{AgentRefund}:PerCustomer:Length"] = "30.00:00:00";
        using TestHost host = Build(s);
        IResolutionAuthority authority = host.Authority;

        // 200 grants of $7 from 8 agents on distinct incidents: the customer's $1,000 affords 142.
        GrantResult[] results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
            await authority.GrantAsync(Refund(7m, agent: $"agent-{i % 8}", incident: $"T-{i}", key: $"k-{i}")))));

        results.Count(r => r.IsGranted).Should().Be(142);
        results.Where(r => !r.IsGranted).Should().OnlyContain(r => r.Decision!.Outcome == DecisionOutcome.RequiresApproval);
        var ledger = host.Services.GetRequiredService<IBudgetLedger>();
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, "C-1", "Refund"), DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(994m, 142));
    }

    [Fact]
    public async Task GrantAsync_ParallelRetriesOfOneKey_ChargeOnce()
    {
        using TestHost host = Build(Basic());
        IResolutionAuthority authority = host.Authority;

        GrantResult[] results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
            await authority.GrantAsync(Refund(10m, key: "same")))));

        results.Should().OnlyContain(r => r.IsGranted);
        results.Select(r => r.Grant!.GrantId).Distinct().Should().ContainSingle();
        results.Count(r => !r.IsReplay).Should().Be(1);
        var ledger = host.Services.GetRequiredService<IBudgetLedger>();
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(10m, 1));
    }

    [Fact]
    public async Task GrantAsync_ParallelGrantsAndVoids_NeverOverspendTheIncidentLimit()
    {
        using TestHost host = Build(Basic());
        IResolutionAuthority authority = host.Authority;
        var ledger = host.Services.GetRequiredService<IBudgetLedger>();
        var key = new BudgetKey(BudgetScope.Incident, "T-1", "Refund");
        int overspends = 0;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                GrantResult result = await authority.GrantAsync(Refund(30m, agent: $"a{worker}", key: $"w{worker}-{i}"));
                if ((await ledger.GetUsageAsync(key, DateTimeOffset.MinValue)).Amount > 100m)
                {
                    Interlocked.Increment(ref overspends);
                }

                if (result.IsGranted && i % 2 == 0)
                {
                    await authority.VoidAsync(result.Grant!.GrantId, "churn");
                }
            }
        })));

        overspends.Should().Be(0);
        (await ledger.GetUsageAsync(key, DateTimeOffset.MinValue)).Amount.Should().BeLessThanOrEqualTo(100m);
    }
}
