using CustomerCraft.Empowerment;
using CustomerCraft.Identifiers;
using CustomerCraft.Policy.Testing;
using CustomerCraft.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CustomerCraft.Tests.Policy;

/// <summary>
/// The broadband provider's published agent guidelines, written as configuration only
/// (samples/policies/broadband.json), checked case by case from its test file: once through the
/// policy-test runner and once through a host's <see cref="IResolutionAuthority.EvaluateAsync"/>.
/// </summary>
public class BroadbandPolicyTests
{
    private static readonly Lazy<PolicyTestSuite> s_suite = new(() => PolicyTestSuite.Load(PolicyFiles.BroadbandTests));
    private static readonly Lazy<PolicyTestRunner> s_runner = new(() => new PolicyTestRunner(PolicyFiles.Section(PolicyFiles.Broadband)));

    public static TheoryData<string> Cases => [.. s_suite.Value.Cases.Select(c => c.Name)];

    [Fact]
    public void TheTestFile_HasAtLeastFortyCases()
    {
        s_suite.Value.Cases.Should().HaveCountGreaterThanOrEqualTo(40);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_PassesThroughThePolicyTestRunner(string name)
    {
        PolicyTestResult result = await s_runner.Value.RunAsync(s_suite.Value.Cases.Single(c => c.Name == name));

        result.Passed.Should().BeTrue(result.Failure);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_PassesThroughAHostsEvaluateAsync(string name)
    {
        PolicyTestCase testCase = s_suite.Value.Cases.Single(c => c.Name == name);
        var time = new FakeTimeProvider(testCase.Now);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddCustomerCraft(PolicyFiles.Section(PolicyFiles.Broadband));
        await using ServiceProvider provider = services.BuildServiceProvider();
        IResolutionAuthority authority = provider.GetRequiredService<IResolutionAuthority>();
        IBudgetLedger ledger = provider.GetRequiredService<IBudgetLedger>();
        int sequence = 0;
        foreach (PolicyTestGrant prior in testCase.PriorGrants)
        {
            sequence++;
            await ledger.TryReserveAsync(new BudgetReservation
            {
                Grant = new GrantRecord
                {
                    GrantId = $"prior-{sequence}", IdempotencyKey = $"prior-{sequence}", AgentId = prior.AgentId, Role = "Manager",
                    CustomerId = prior.CustomerId, IncidentId = prior.IncidentId, Action = prior.Action, Amount = prior.Amount, Currency = "USD",
                    RequestedAmount = prior.Amount, RequestedCurrency = "USD", ContextFingerprint = string.Empty, GrantedAt = prior.At,
                },
                Charges =
                [
                    // The engine keeps budgets under the ids' comparison keys (CustomerCraft:IdComparison).
                    new(new BudgetKey(BudgetScope.Incident, IdRules.Default.Key(prior.IncidentId), prior.Action), DateTimeOffset.MinValue, null, null),
                    new(new BudgetKey(BudgetScope.Customer, IdRules.Default.Key(prior.CustomerId), prior.Action), DateTimeOffset.MinValue, null, null),
                    new(new BudgetKey(BudgetScope.Agent, IdRules.Default.Key(prior.AgentId), prior.Action), DateTimeOffset.MinValue, null, null),
                ],
            });
        }

        Func<Task<AuthorityDecision>> evaluate = async () => await authority.EvaluateAsync(testCase.Request);

        if (testCase.ExpectedError is { } error)
        {
            (await evaluate.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().ContainEquivalentOf(error);
            return;
        }

        AuthorityDecision decision = await evaluate();
        string reasons = string.Join("\n", decision.Reasons.Select(r => r.Message));
        decision.Outcome.Should().Be(testCase.ExpectedOutcome, reasons);
        if (testCase.ExpectedApproverRole is { } approver)
        {
            decision.RequiredApproverRole.Should().BeEquivalentTo(approver, reasons);
        }

        foreach ((string action, PolicyTestHeadroom expected) in testCase.ExpectedHeadroom)
        {
            ActionHeadroom actual = decision.GetHeadroom(action)!.Value;
            if (expected.Amount is decimal amount)
            {
                actual.Amount.Should().Be(amount, $"{action} headroom\n{reasons}");
            }

            if (expected.Count is int count)
            {
                actual.Count.Should().Be(count, $"{action} headroom count\n{reasons}");
            }
        }
    }
}
