using CustomerCraft.Policy.Testing;

namespace CustomerCraft.Tests.Policy;

/// <summary>The quick start's policy, tested the way a policy author would: its own test file, run through the policy-test runner.</summary>
public class QuickStartPolicyTests
{
    private static readonly Lazy<PolicyTestSuite> s_suite = new(() => PolicyTestSuite.Load(PolicyFiles.QuickStartTests));
    private static readonly Lazy<PolicyTestRunner> s_runner = new(() => new PolicyTestRunner(PolicyFiles.Section(PolicyFiles.QuickStart)));

    public static TheoryData<string> Cases => [.. s_suite.Value.Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_Passes(string name)
    {
        PolicyTestResult result = await s_runner.Value.RunAsync(s_suite.Value.Cases.Single(c => c.Name == name));

        result.Passed.Should().BeTrue(result.Failure);
    }

    [Fact]
    public async Task AFailingCase_SaysWhatDifferedAndPrintsTheDecisionsReasons()
    {
        PolicyTestSuite suite = PolicyTestSuite.Parse(
            """
            {
              "Defaults": { "Now": "2026-11-20T22:30:00Z", "Request": { "AgentId": "ana", "Role": "Agent", "CustomerId": "C-1", "IncidentId": "T-1" } },
              "Cases": { "wrong on purpose": { "Request": { "Action": "Refund", "Amount": 400 }, "Expect": { "Outcome": "Allowed" } } }
            }
            """,
            "inline");

        PolicyTestResult result = await s_runner.Value.RunAsync(suite.Cases[0]);

        result.Passed.Should().BeFalse();
        result.Failure.Should().StartWith("Expected Allowed, got RequiresApproval.")
            .And.Contain("NO  Per-incident amount limit for Agent: 100 USD, used 0, remaining 100; this request needs 400.")
            .And.Contain("(CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount)");
    }

    [Fact]
    public void AMalformedCase_NamesTheCaseAndTheField()
    {
        Action parse = () => PolicyTestSuite.Parse("""{ "Cases": { "no clock": { "Request": { "Action": "Refund" }, "Expect": { "Outcome": "Allowed" } } } }""", "inline");

        parse.Should().Throw<FormatException>().WithMessage("inline: case 'no clock': no \"Now\"*");
    }
}
