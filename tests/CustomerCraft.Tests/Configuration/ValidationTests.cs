using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Configuration;

/// <summary>Every start-up validation rule, each error naming its configuration path.</summary>
public class ValidationTests
{
    private const string E = "CustomerCraft:Empowerment";

    /// <summary>Asserts the policy starts: a host resolves the engine without a validation error.</summary>
    private static void ShouldStart(Dictionary<string, string?> settings)
    {
        using TestHost host = Build(settings);
        Action resolve = () => _ = host.Authority;
        resolve.Should().NotThrow();
    }

    private static IReadOnlyList<string> Failures(Dictionary<string, string?> settings)
    {
        using TestHost host = Build(settings);
        Action resolve = () => _ = host.Authority;
        return resolve.Should().Throw<OptionsValidationException>().Which.Failures.ToList();
    }

    public static TheoryData<string, string?, string> SingleErrors => new()
    {
        { $"{E}:Currency", "usd", $"{E}:Currency: 'usd' is not an ISO 4217 currency code*" },
        { $"{E}:Currency", "ABC", $"{E}:Currency: 'ABC' is not an ISO 4217 currency code*" },
        { $"{E}:TimeZone", "Mars/Olympus", $"{E}:TimeZone: 'Mars/Olympus' is not a known time zone id*" },
        { $"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount", "-1", $"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount: -1 is negative*" },
        { $"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount", "10.005", $"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount: 10.005 has more than 2 decimals*" },
        { $"{E}:Roles:Agent:Limits:Refund:PerIncident:Count", "-2", $"{E}:Roles:Agent:Limits:Refund:PerIncident:Count: -2 is negative*" },
        { $"{E}:Roles:Agent:Limits:Teleport:PerIncident:Amount", "5", $"{E}:Roles:Agent:Limits:Teleport: 'Teleport' is not a configured action*" },
        { $"{E}:Roles:Agent:Limits:Refund:PerCustomer:Window", "Day", $"{E}:Roles:Agent:Limits:Refund:PerCustomer: missing limits; set Amount, Count or both*" },
        { $"{E}:Roles:Agent:Rank", "-3", $"{E}:Roles:Agent:Rank: -3 is negative*" },
        { $"{E}:Roles:Agent:Rank", null, $"{E}:Roles:Agent:Rank: a rank is required*" },
    };

    [Theory]
    [MemberData(nameof(SingleErrors))]
    public void Start_InvalidSetting_FailsWithItsPath(string key, string? value, string expected)
    {
        Dictionary<string, string?> s = Basic();
        s[key] = value;
        if (key.EndsWith(":Rank", StringComparison.Ordinal) && value is null)
        {
            s.Remove(key);
        }

        Failures(s).Should().Contain(f => Matches(f, expected), because: $"the failures were:\n{string.Join("\n", Failures(s))}");
    }

    [Fact]
    public void Start_PerIncidentWithNoLimitInIt_FailsWithItsPath()
    {
        Dictionary<string, string?> s = Basic();
        s.Remove($"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount");
        s[$"{E}:Roles:Agent:Limits:Refund:PerIncident"] = string.Empty;

        Failures(s).Should().Contain(f => f.StartsWith($"{E}:Roles:Agent:Limits:Refund:PerIncident: missing limits; set Amount, Count or both", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_PerIncidentCountWithoutAnAmount_IsACountOnlyLimit()
    {
        Dictionary<string, string?> s = Basic();
        int count = 1;
        foreach (string key in s.Keys.Where(k => k.EndsWith(":Limits:Refund:PerIncident:Amount", StringComparison.Ordinal)).ToList())
        {
            s.Remove(key);
            s[key.Replace(":Amount", ":Count", StringComparison.Ordinal)] = (count++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        ShouldStart(s);
    }

    [Fact]
    public void Start_AgentWithoutAnAmountLimitBelowACappedSeniorAgent_IsAnInversion()
    {
        // Once per incident but of any amount is more, in one request, than 250.
        Dictionary<string, string?> s = Basic();
        s.Remove($"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount");
        s[$"{E}:Roles:Agent:Limits:Refund:PerIncident:Count"] = "1";

        Failures(s).Should().Contain(f => f.StartsWith($"{E}:Roles:SeniorAgent:Limits:Refund:PerIncident:Amount: SeniorAgent (rank 20) allows 250, less than the lower role Agent (rank 10) with no limit", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:00", "is not a period")]
    [InlineData("-1.00:00:00", "is not a period")]
    [InlineData(null, "a rolling window needs a Length")]
    public void Start_RollingWindowWithoutAPositiveLength_Fails(string? length, string expected)
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Amount"] = "100";
        s[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Window"] = "Rolling";
        s[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Length"] = length;

        Failures(s).Should().Contain(f => f.StartsWith($"{E}:Roles:Agent:Limits:Refund:PerCustomer:Length:", StringComparison.Ordinal) && f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Start_CalendarWindowWithALength_Fails()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:Agent:Limits:Refund:PerAgent:Amount"] = "100";
        s[$"{E}:Roles:Agent:Limits:Refund:PerAgent:Window"] = "Week";
        s[$"{E}:Roles:Agent:Limits:Refund:PerAgent:Length"] = "7.00:00:00";

        Failures(s).Should().ContainSingle(f => f.StartsWith($"{E}:Roles:Agent:Limits:Refund:PerAgent:Length: a Week window is a calendar period", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_BudgetWindowsThatDifferAlongTheLadder_Fail()
    {
        // Regression: 100 per day for agents and 150 per month for senior agents passed, and a
        // senior agent could then be refused what an agent was allowed.
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Amount"] = "100";
        s[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Window"] = "Day";
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerCustomer:Amount"] = "150";
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerCustomer:Window"] = "Month";

        Failures(s).Should().ContainSingle().Which.Should().StartWith(
            $"{E}:Roles:SeniorAgent:Limits:Refund:PerCustomer:Window: SeniorAgent (rank 20) measures this budget over a calendar month while the lower role Agent (rank 10) uses a calendar day");
    }

    [Fact]
    public void Start_LimitAboveTheLargestSupportedAmount_Fails()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:TeamLead:Limits:Refund:PerIncident:Amount"] = "79228162514264337593543950335";

        Failures(s).Should().ContainSingle().Which.Should().Contain("larger than the largest supported limit");
    }

    [Fact]
    public void Start_DuplicateRanks_NamesBothRoles()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:SeniorAgent:Rank"] = "10";

        IReadOnlyList<string> failures = Failures(s);

        failures.Should().Contain(f => f.StartsWith($"{E}:Roles:Agent:Rank: rank 10 is used by more than one role", StringComparison.Ordinal));
        failures.Should().Contain(f => f.StartsWith($"{E}:Roles:SeniorAgent:Rank: rank 10 is used by more than one role", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_HigherRoleWithLessAuthority_Fails()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerIncident:Amount"] = "90";

        Failures(s).Should().ContainSingle().Which.Should().StartWith(
            $"{E}:Roles:SeniorAgent:Limits:Refund:PerIncident:Amount: SeniorAgent (rank 20) allows 90, less than the lower role Agent (rank 10) with 100");
    }

    [Fact]
    public void Start_HigherRoleWithoutAnActionALowerRoleHas_Fails()
    {
        Dictionary<string, string?> s = Basic();
        s.Remove($"{E}:Roles:TeamLead:Limits:Credit:PerIncident:Amount");

        Failures(s).Should().Contain(f => f.StartsWith($"{E}:Roles:TeamLead:Limits:Credit: TeamLead (rank 30) has no authority for Credit", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_HigherRoleWithAPersonalBudgetWhereALowerRoleHasNone_IsALadder()
    {
        // A per-agent budget is a personal allowance: a senior agent with 500 a day above agents
        // capped at 100 per incident has more authority in any one request, so this is valid.
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerAgent:Amount"] = "500";
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerAgent:Window"] = "Day";

        ShouldStart(s);
    }

    [Fact]
    public void Start_HigherRoleWithAPerCustomerBudgetWhereALowerRoleHasNone_Fails()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerCustomer:Amount"] = "500";
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerCustomer:Window"] = "Month";

        Failures(s).Should().Contain(f => f.StartsWith($"{E}:Roles:SeniorAgent:Limits:Refund:PerCustomer:Amount: SeniorAgent (rank 20) allows 500, less than the lower role Agent (rank 10) with no limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_SupervisorOnlyOnAMonthlyBudgetAbovePerIncidentCappedAgents_IsValid()
    {
        Dictionary<string, string?> s = Basic();
        s.Remove($"{E}:Roles:SeniorAgent:Limits:Refund:PerIncident:Amount");
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerAgent:Amount"] = "900";
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerAgent:Window"] = "Month";

        ShouldStart(s);
    }

    [Fact]
    public void Start_SupervisorWhoseBudgetIsBelowAnAgentsSingleRequest_IsAnInversion()
    {
        Dictionary<string, string?> s = Basic();
        s.Remove($"{E}:Roles:SeniorAgent:Limits:Refund:PerIncident:Amount");
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerAgent:Amount"] = "50";
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerAgent:Window"] = "Month";

        Failures(s).Should().ContainSingle().Which.Should().StartWith($"{E}:Roles:SeniorAgent:Limits:Refund: SeniorAgent (rank 20) can grant at most 50 USD in one request, less than the lower role Agent (rank 10) with 100");
    }

    public static TheoryData<string, string> ConditionErrors => new()
    {
        { "Effect=Deny", $"{E}:Conditions:X:When: missing; a test is one of*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold", $"{E}:Conditions:X:Effect: missing*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Explode", $"{E}:Conditions:X:Effect: 'Explode' is not a valid ConditionEffect*" },
        { "When:Attribute=Horoscope|When:In:0=Leo|Effect=Deny", $"{E}:Conditions:X:When:Attribute: 'Horoscope' is not declared*" },
        { "When:Attribute=CustomerSegment|Effect=Deny", $"{E}:Conditions:X:When: no comparison for 'CustomerSegment'*" },
        { "When:Attribute=CustomerSegment|When:AtLeast=5|Effect=Deny", $"{E}:Conditions:X:When:AtLeast: does not apply to 'CustomerSegment', a String attribute*" },
        { "When:Attribute=CustomerSince|When:In:0=x|Effect=Deny", $"{E}:Conditions:X:When:In: does not apply to 'CustomerSince', a DateTime attribute*" },
        { "When:Attribute=Amount|When:AtLeast=10|When:LessThan=5|Effect=Deny", $"{E}:Conditions:X:When: the bounds (AtLeast 10, LessThan 5) leave no number between them*" },
        { "When:Attribute=Amount|When:IsSet=false|When:AtLeast=1|Effect=Deny", $"{E}:Conditions:X:When:IsSet: false means the attribute is absent*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|When:AllOf:0:Attribute=Amount|Effect=Deny", $"{E}:Conditions:X:When: sets AllOf and Attribute; a test is exactly one of them*" },
        { "When:AllOf:0:Attribute=Amount|When:AllOf:0:AtLeast=1|When:In:0=x|Effect=Deny", $"{E}:Conditions:X:When:In: does not belong to a AllOf test*" },
        { "When:AnyOf:0:Test=Nowhere|Effect=Deny", $"{E}:Conditions:X:When:AnyOf:0:Test: 'Nowhere' is not a test under {E}:Tests*" },
        { "When:Condition=Horoscope|Effect=Deny", $"{E}:Conditions:X:When:Condition: 'Horoscope' is not a condition type registered with AddCondition*" },
        { "When:Attribute=Amount|When:AtLeast=1|When:Parameters:k=v|Effect=Deny", $"{E}:Conditions:X:When:Parameters: applies only to a host Condition test*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Multiply", $"{E}:Conditions:X:Multiplier: missing*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Multiply|Multiplier=0", $"{E}:Conditions:X:Multiplier: 0 must be greater than zero*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Deny|Multiplier=2", $"{E}:Conditions:X:Multiplier: does not belong to a Deny effect*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Limit", $"{E}:Conditions:X:Limit: missing*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Limit|Limit=-1", $"{E}:Conditions:X:Limit: -1 must be from 0*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Limit|Limit=0.001", $"{E}:Conditions:X:Limit: 0.001 has more than the 2 decimals*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Multiply|Multiplier=2|Actions:0=Teleport", $"{E}:Conditions:X:Actions:0: 'Teleport' is not a configured action*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Multiply|Multiplier=2|Roles:0=Pope", $"{E}:Conditions:X:Roles:0: 'Pope' is not a configured role*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Deny|Roles:0=Agent", $"{E}:Conditions:X:Roles: applies only to Multiply, Limit and Allow*" },
        { "When:Attribute=CustomerSegment|When:In:0=Gold|Effect=Multiply|Multiplier=2|AppliesTo=None", $"{E}:Conditions:X:AppliesTo: 'None' must name one or more of PerIncident, PerCustomer, PerAgent*" },
        { "When:Attribute=ReasonCodes|When:In:0=A|Effect=RequireApproval|ApproverRole=Pope", $"{E}:Conditions:X:ApproverRole: 'Pope' is not a configured role*" },
        { "When:Attribute=ReasonCodes|When:In:0=A|Effect=Deny|ApproverRole=TeamLead", $"{E}:Conditions:X:ApproverRole: does not belong to a Deny effect*" },
        { "When:Attribute=ReasonCodes|When:In:0=A|Effect=RequireApproval|ApproverRole=Bot", $"{E}:Conditions:X:ApproverRole: 'Bot' is a bot*" },
        { "When:Attribute=CustomerSince|When:NewerThan=-1.00:00:00|Effect=Deny", $"{E}:Conditions:X:When:NewerThan: -1.00:00:00 is not a span of time*" },
    };

    [Theory]
    [MemberData(nameof(ConditionErrors))]
    public void Start_InvalidCondition_FailsWithItsPath(string settings, string expected)
    {
        Dictionary<string, string?> s = Basic();
        foreach (string pair in settings.Split('|'))
        {
            string[] kv = pair.Split('=', 2);
            s[$"{E}:Conditions:X:{kv[0]}"] = kv[1];
        }

        IReadOnlyList<string> failures = Failures(s);
        failures.Should().Contain(f => Matches(f, expected), because: $"the failures were:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public void Start_MisspelledSetting_IsAnErrorNamingItsPath_NotSilentlyIgnored()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:Agent:Limits:Refund:PerIncident:Ammount"] = "500";

        Failures(s).Should().ContainSingle().Which.Should().StartWith($"{E}:Roles:Agent:Limits:Refund:PerIncident:Ammount: not a known setting");
    }

    [Fact]
    public void Start_SeveralMisspelledSettings_AreAllNamedWithExactPaths()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:Agent:Refund:PerIncident:Amount"] = "5"; // Limits: left out
        s[$"{E}:Conditions:X:When:Atribute"] = "CustomerSegment"; // Attribute
        s[$"{E}:Conditions:X:When:In:0"] = "Gold";
        s[$"{E}:Conditions:X:Effect"] = "Deny";

        Failures(s).Should().BeEquivalentTo(
            $"{E}:Roles:Agent:Refund: not a known setting; check the spelling against docs/configuration.md.",
            $"{E}:Conditions:X:When:Atribute: not a known setting; check the spelling against docs/configuration.md.");
    }

    [Fact]
    public void Start_UnconvertibleValue_IsAnError_NotADroppedLimit()
    {
        // The default configuration binder drops a dictionary entry whose value fails to convert,
        // which would silently remove the Agent's refund limits; strict binding reports it.
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "a hundred";

        Failures(s).Should().ContainSingle().Which.Should().Be($"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount: 'a hundred' is not a valid number.");
    }

    [Fact]
    public void Start_SeveralUnconvertibleValues_AreAllReportedAtOnce()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:Agent:Rank"] = "ten";
        s[$"{E}:FirstDayOfWeek"] = "Caturday";
        s[$"{E}:Conditions:X:When:Attribute"] = "ReasonCodes";
        s[$"{E}:Conditions:X:When:In:0"] = "Fraud";
        s[$"{E}:Conditions:X:Effect"] = "Denied";
        s[$"{E}:Roles:Agent:Limits:Refund:PerCustomer:Length"] = "a month";

        Failures(s).Should().BeEquivalentTo(
            $"{E}:Roles:Agent:Rank: 'ten' is not a valid whole number.",
            $"{E}:FirstDayOfWeek: 'Caturday' is not a valid DayOfWeek (use Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday).",
            $"{E}:Conditions:X:Effect: 'Denied' is not a valid ConditionEffect (use Multiply, Limit, Allow, RequireApproval, Deny).",
            $"{E}:Roles:Agent:Limits:Refund:PerCustomer:Length: 'a month' is not a valid time span such as \"30.00:00:00\".");
    }

    [Fact]
    public void Start_ManyErrors_AreAllReportedAtOnce()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Currency"] = "Dollars";
        s[$"{E}:TimeZone"] = "Nowhere";
        s[$"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "-1";
        s[$"{E}:Conditions:X:When:Attribute"] = "Unknown";
        s[$"{E}:Conditions:X:When:Is"] = "true";
        s[$"{E}:Conditions:X:Effect"] = "Deny";

        Failures(s).Should().HaveCountGreaterThanOrEqualTo(4)
            .And.Contain(f => f.StartsWith($"{E}:Currency", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith($"{E}:TimeZone", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith($"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith($"{E}:Conditions:X:When:Attribute", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_InvalidCurrency_DoesNotAlsoFlagEveryAmountsDecimals()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Currency"] = "Dollars";
        s[$"{E}:Roles:Agent:Limits:Refund:PerIncident:Amount"] = "99.99";

        Failures(s).Should().ContainSingle().Which.Should().StartWith($"{E}:Currency");
    }

    [Fact]
    public void Start_InvalidLimit_IsReportedOnceWithoutKnockOnLadderErrors()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Roles:SeniorAgent:Limits:Refund:PerIncident:Amount"] = "-1";

        Failures(s).Should().ContainSingle().Which.Should().StartWith($"{E}:Roles:SeniorAgent:Limits:Refund:PerIncident:Amount: -1 is negative");
    }

    [Fact]
    public void Start_NoRolesOrActions_Fails()
    {
        var s = new Dictionary<string, string?> { [$"{E}:Currency"] = "USD" };

        IReadOnlyList<string> failures = Failures(s);

        failures.Should().Contain(f => f.StartsWith($"{E}:Actions: at least one action is required", StringComparison.Ordinal));
        failures.Should().Contain(f => f.StartsWith($"{E}:Roles: at least one role is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_GenericHost_ValidatesOnStart()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Dictionary<string, string?> s = Basic();
        s[$"{E}:Currency"] = "???";
        builder.Configuration.AddInMemoryCollection(s);
        builder.Services.AddCustomerCraft(builder.Configuration.GetSection("CustomerCraft"));
        using IHost host = builder.Build();

        Func<Task> start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().Contain(f => f.StartsWith($"{E}:Currency", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddCustomerCraft_WithADelegate_IsValidatedAndUsable()
    {
        var services = new ServiceCollection();
        services.AddCustomerCraft(o =>
        {
            o.Empowerment.Actions["Refund"] = new ActionOptions();
            o.Empowerment.Roles["Agent"] = new RoleOptions
            {
                Rank = 1,
                Limits = { ["Refund"] = new ActionLimitOptions { PerIncident = new IncidentLimitOptions { Amount = 20m } } },
            };
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        AuthorityDecision decision = await provider.GetRequiredService<IResolutionAuthority>().EvaluateAsync(Refund(20m));

        decision.Outcome.Should().Be(DecisionOutcome.Allowed);
        decision.Reasons[0].ConfigurationPath.Should().Be("CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount");
    }

    [Fact]
    public async Task AddCustomerCraft_BoundThenAdjustedInCode_UsesTheAdjustmentOnStartAndAfterAReload()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(Basic()).Build();
        var services = new ServiceCollection();
        services.AddCustomerCraft(configuration.GetSection("CustomerCraft"), o => o.Empowerment.Roles["Agent"].Limits["Refund"].PerIncident!.Amount = 150m);
        using ServiceProvider provider = services.BuildServiceProvider();
        IResolutionAuthority authority = provider.GetRequiredService<IResolutionAuthority>();

        AuthorityDecision before = await authority.EvaluateAsync(Refund(150m));
        configuration["CustomerCraft:Empowerment:Roles:Agent:Limits:Credit:PerIncident:Amount"] = "60";
        configuration.Reload();
        AuthorityDecision after = await authority.EvaluateAsync(Refund(150m));

        before.Outcome.Should().Be(DecisionOutcome.Allowed, "the code raised the bound 100 to 150");
        after.PolicyVersion.Should().NotBe(before.PolicyVersion);
        after.Outcome.Should().Be(DecisionOutcome.Allowed, "the adjustment runs after every bind, reloads included");
    }

    [Fact]
    public async Task AddCustomerCraft_CalledAgain_AddsItsStepAndReturnsABuilderOverTheSameServices()
    {
        IConfiguration section = new ConfigurationBuilder().AddInMemoryCollection(Basic()).Build().GetSection("CustomerCraft");
        var services = new ServiceCollection();
        services.AddCustomerCraft(section);
        ICustomerCraftBuilder again = services.AddCustomerCraft(section);
        services.AddCustomerCraft(o => o.Empowerment.Roles["Agent"].Limits["Refund"].PerIncident!.Amount = 30m);
        using ServiceProvider provider = services.BuildServiceProvider();

        AuthorityDecision decision = await provider.GetRequiredService<IResolutionAuthority>().EvaluateAsync(Refund(40m));

        again.Services.Should().BeSameAs(services);
        services.Count(d => d.ServiceType == typeof(IResolutionAuthority)).Should().Be(1);
        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval, "the later code step lowered the limit to 30");
        decision.Reasons[0].ConfigurationPath.Should().Be("CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount");
    }

    [Fact]
    public void AddCustomerCraft_BindingASecondDifferentSection_IsRejectedNamingBoth()
    {
        IConfigurationRoot root = new ConfigurationBuilder().AddInMemoryCollection(Basic()).Build();
        var services = new ServiceCollection();
        services.AddCustomerCraft(root.GetSection("CustomerCraft"));

        FluentActions.Invoking(() => services.AddCustomerCraft(root.GetSection("Other")))
            .Should().Throw<InvalidOperationException>().WithMessage("*'CustomerCraft'*'Other'*");
    }

    private static bool Matches(string failure, string pattern) =>
        System.Text.RegularExpressions.Regex.IsMatch(failure, "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", System.Text.RegularExpressions.RegexOptions.Singleline);
}
