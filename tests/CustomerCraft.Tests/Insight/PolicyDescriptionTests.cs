using System.Text.Json.Nodes;
using CustomerCraft.Empowerment;
using CustomerCraft.Insight.Description;
using CustomerCraft.Policy.Testing;
using CustomerCraft.Tests.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CustomerCraft.Tests.Insight;

/// <summary>
/// The policy in plain words: the quick start's and the broadband sample's policies described line by
/// line, the policy in force from DI following a reload, and the diff of an edited copy finding exactly
/// the edited lines.
/// </summary>
public class PolicyDescriptionTests
{
    private static string Line(PolicyDescription description, string key) =>
        description.Lines.Single(l => l.Key == key).Text;

    [Fact]
    public void QuickStart_DescribesLimitsBudgetsConditionsAndTheLadderInPlainWords()
    {
        PolicyDescription description = PolicyDescription.Of(PolicyFiles.Section(PolicyFiles.QuickStart));

        description.Version.Should().Be(new PolicyTestRunner(PolicyFiles.Section(PolicyFiles.QuickStart)).PolicyVersion.ToString("x16"), "it is the version decisions record");
        description.Currency.Should().Be("USD");
        Line(description, "roles/Agent/actions/Refund/limit").Should().Be("Agent, Refund: up to 100 USD per incident");
        Line(description, "roles/Agent/actions/Refund/budgets/PerCustomer").Should().Be("Agent, Refund: up to 300 USD and at most 3 grants per customer in any 30 days");
        Line(description, "roles/Agent/actions/Refund/budgets/PerAgent").Should().Be("Agent, Refund: up to 1500 USD per agent per calendar day");
        Line(description, "roles/SupportBot").Should().Be("Support bot (SupportBot): rank 5, a bot (never approves)");
        Line(description, "roles/SupportBot/actions/Refund/limit").Should().Be("Support bot, Refund: no authority; every request needs approval");
        Line(description, "conditions/NewCustomerRefunds").Should().Be("NewCustomerRefunds: when CustomerSince age < 14 days, limits x0.5 (per incident and per customer); for Refund");
        Line(description, "conditions/OpenChargeback").Should().Be("OpenChargeback: when ReasonCodes in ChargebackOpen, needs approval by Manager or higher; for Credit, Refund");
        Line(description, "ladder/TeamLead").Should().Be("Level 1 TeamLead: Team lead approves; on a missed target: escalate to the next level; an approval not given within 30 min: pass the approval to the next level; business hours");
        Line(description, "ladder/TeamLead/targets/High").Should().Be("Level 1, High priority: respond within 15 min, resolve within 2 h");

        RoleDescription agent = description.Roles.Single(r => r.Name == "Agent");
        ActionAuthorityDescription refund = agent.Actions.Single(a => a.Action == "Refund");
        refund.PerIncidentAmount.Should().Be(100m);
        refund.Budgets.Select(b => (b.Scope, b.Window, b.Length, b.Amount, b.Count)).Should().Equal(
            (LimitScopes.PerCustomer, BudgetWindow.Rolling, TimeSpan.FromDays(30), 300m, 3),
            (LimitScopes.PerAgent, BudgetWindow.Day, null, 1500m, null));
        description.Roles.Select(r => r.Name).Should().Equal("SupportBot", "Agent", "SeniorAgent", "TeamLead", "Manager");
        description.Roles.Should().OnlyContain(r => r.Actions.Count == 5, "every role lists every action, with or without authority");
        description.Ladder.Select(l => (l.Level, l.Role)).Should().Equal((0, "Agent"), (1, "TeamLead"), (2, "Manager"));
        description.Lines.Select(l => l.Key).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Broadband_WritesComposedTestsAsConfiguredAndQuantitiesInTheirUnit()
    {
        PolicyDescription description = PolicyDescription.Of(PolicyFiles.Section(PolicyFiles.Broadband));

        Line(description, "conditions/OutageCreditEligibility").Should().Be(
            "OutageCreditEligibility: when NOT ((Plan in Business|BusinessPremium AND OutageHours >= 4) OR (Plan in Residential|ResidentialPremium AND (OutageHours >= 24 OR (Vulnerable AND OutageHours > 0))) OR OutagesLast90Days >= 3), denied; for OutageCredit");
        Line(description, "conditions/BusinessAgentCreditLimit").Should().StartWith("BusinessAgentCreditLimit: when Plan in Business|BusinessPremium, limit 500 USD (per incident); for OutageCredit, roles Agent");
        Line(description, "roles/Agent/actions/SpeedBoost/limit").Should().Be("Agent, Speed boost: up to 7 Days per incident");
        Line(description, "roles/Agent/actions/TechnicianFeeWaiver/limit").Should().Be("Agent, Technician fee waiver: at most 1 grant per incident");
        Line(description, "roles/Manager/actions/EtfWaiver/limit").Should().Be("Manager, Early-termination fee waiver: without limit");
        Line(description, "conditions/TechnicianFeeNoShow/description").Should().Contain("missed the visit");
        description.Ladder.Should().BeEmpty("the broadband sample configures no escalation ladder");
    }

    [Fact]
    public void Diff_OfAnEditedCopy_FindsExactlyTheEditedLines()
    {
        JsonNode policy = JsonNode.Parse(File.ReadAllText(PolicyFiles.QuickStart))!;
        JsonNode empowerment = policy["CustomerCraft"]!["Empowerment"]!;
        empowerment["Roles"]!["Agent"]!["Limits"]!["Refund"]!["PerIncident"]!["Amount"] = 150;
        empowerment["Roles"]!["TeamLead"]!["Limits"]!["Credit"]!["PerAgent"] = new JsonObject { ["Amount"] = 5000, ["Window"] = "Day" };
        empowerment["Conditions"]!.AsObject().Remove("FraudSuspected");

        PolicyDescription before = PolicyDescription.Of(PolicyFiles.Section(PolicyFiles.QuickStart));
        PolicyDescription after = PolicyDescription.Of(Section(policy));
        PolicyDescriptionDiff diff = PolicyDescription.Diff(before, after);

        diff.Changed.Select(c => (c.Key, c.OldText, c.NewText)).Should().Equal(
            ("policy/version", $"Policy version {before.Version}", $"Policy version {after.Version}"),
            ("roles/Agent/actions/Refund/limit", "Agent, Refund: up to 100 USD per incident", "Agent, Refund: up to 150 USD per incident"));
        diff.Added.Should().BeEquivalentTo(new[] { new PolicyDescriptionLine("roles/TeamLead/actions/Credit/budgets/PerAgent", "Team lead, Credit: up to 5000 USD per agent per calendar day") }, o => o.WithStrictOrdering());
        diff.Removed.Select(l => l.Key).Should().Equal("conditions/FraudSuspected", "conditions/FraudSuspected/description");
        diff.IsEmpty.Should().BeFalse();
    }

    [Fact]
    public void Diff_OfTheSamePolicy_IsEmpty()
    {
        PolicyDescriptionDiff diff = PolicyDescription.Diff(PolicyDescription.Of(PolicyFiles.Section(PolicyFiles.Broadband)), PolicyDescription.Of(PolicyFiles.Section(PolicyFiles.Broadband)));

        diff.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void Of_AnInvalidPolicy_ThrowsWithEveryErrorsPath()
    {
        JsonNode policy = JsonNode.Parse(File.ReadAllText(PolicyFiles.QuickStart))!;
        policy["CustomerCraft"]!["Empowerment"]!["Roles"]!["Agent"]!["Limits"]!["Refund"]!["PerIncident"]!["Amount"] = -5;

        Action describe = () => PolicyDescription.Of(Section(policy));

        describe.Should().Throw<OptionsValidationException>().Which.Failures.Should().Contain(f => f.StartsWith("CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount: -5 is negative", StringComparison.Ordinal));
    }

    [Fact]
    public void Of_OptionsBuiltInCode_DescribesThemWithoutDependencyInjection()
    {
        var options = new CustomerCraftOptions();
        options.Empowerment.Actions["Refund"] = new ActionOptions();
        options.Empowerment.Roles["Agent"] = new RoleOptions { Rank = 1, Limits = { ["Refund"] = new ActionLimitOptions { PerIncident = new IncidentLimitOptions { Amount = 20m, Count = 1 } } } };

        PolicyDescription description = PolicyDescription.Of(options);

        Line(description, "roles/Agent/actions/Refund/limit").Should().Be("Agent, Refund: up to 20 USD and at most 1 grant per incident");
    }

    [Fact]
    public void Describer_GivesThePolicyInForce_AndFollowsAReload()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new ConfigurationBuilder().AddJsonFile(PolicyFiles.QuickStart).Build().AsEnumerable())
            .Build();
        var services = new ServiceCollection();
        services.AddCustomerCraft(configuration.GetSection("CustomerCraft"));
        using ServiceProvider provider = services.BuildServiceProvider();
        IPolicyDescriber describer = provider.GetRequiredService<IPolicyDescriber>();

        PolicyDescription first = describer.Current;
        describer.Current.Should().BeSameAs(first, "a policy is described once");
        configuration["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "120";
        configuration.Reload();
        PolicyDescription reloaded = describer.Current;

        first.Lines.Should().BeEquivalentTo(PolicyDescription.Of(PolicyFiles.Section(PolicyFiles.QuickStart)).Lines, o => o.WithStrictOrdering());
        Line(reloaded, "roles/Agent/actions/Refund/limit").Should().Be("Agent, Refund: up to 120 USD per incident");
        reloaded.Version.Should().NotBe(first.Version);
    }

    private static IConfigurationSection Section(JsonNode policy)
    {
        var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(policy.ToJsonString()));
        return new ConfigurationBuilder().AddJsonStream(stream).Build().GetSection("CustomerCraft");
    }
}
