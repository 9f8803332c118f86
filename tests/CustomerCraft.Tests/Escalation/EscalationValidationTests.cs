using CustomerCraft.Policy;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Escalation;
using CustomerCraft.Escalation.Sla;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.Tests.Escalation;

/// <summary>Every start-up validation rule of the escalation ladder, each error naming its configuration path.</summary>
public sealed class EscalationValidationTests
{
    private const string X = "CustomerCraft:Escalation";
    private const string L = "CustomerCraft:Escalation:Levels";
    private const string Cal = "CustomerCraft:Escalation:Calendar";

    private static IReadOnlyList<string> Failures(Dictionary<string, string?> settings)
    {
        using TestHost host = Build(settings);
        Action resolve = () => _ = host.Workflow();
        return resolve.Should().Throw<OptionsValidationException>().Which.Failures.ToList();
    }

    private static Dictionary<string, string?> With(params (string Key, string? Value)[] changes)
    {
        Dictionary<string, string?> s = Ladder();
        foreach ((string key, string? value) in changes)
        {
            if (value is null)
            {
                s.Remove(key);
            }
            else
            {
                s[key] = value;
            }
        }

        return s;
    }

    private static bool Matches(string failure, string pattern) =>
        Regex.IsMatch(failure, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.Singleline);

    private static void ShouldContain(IReadOnlyList<string> failures, string pattern) =>
        failures.Should().Contain(f => Matches(f, pattern), because: $"the failures were:\n{string.Join("\n", failures)}");

    // ---------------------------------------------------------------- the ladder

    public static TheoryData<string, string?, string> LadderErrors => new()
    {
        // Roles.
        { $"{L}:Manager:Role", "Supervisor", $"{L}:Manager:Role: 'Supervisor' is not a role in Empowerment:Roles*" },
        { $"{L}:Manager:Role", "Bot", $"{L}:Manager:Role: 'Bot' is a bot role*" },
        { $"{L}:FrontLine:Role", "Bot", $"{L}:FrontLine:Role: 'Bot' is a bot role*" },
        { $"{L}:Manager:Role", null, $"{L}:Manager:Role: required*" },
        { $"{L}:Manager:Role", " ", $"{L}:Manager:Role: required*" },

        // Levels going up the ladder.
        { $"{L}:TeamLead:Role", "Agent", $"{L}:TeamLead:Role: 'Agent' (rank 10) must rank above 'Agent' (rank 10) of the level below ('FrontLine')*" },
        { $"{L}:Manager:Role", "SeniorAgent", $"{L}:Manager:Role: 'SeniorAgent' (rank 20) must rank above 'TeamLead' (rank 30) of the level below ('TeamLead')*" },
        { $"{L}:Manager:Level", "3", $"{L}:Manager:Level: 3 leaves a gap*level 2 is missing*" },
        { $"{L}:FrontLine:Level", "1", $"{L}:*:Level: 1 is also the number of level '*'*" },
        { $"{L}:Manager:Level", null, $"{L}:Manager:Level: required*" },
        { $"{L}:Manager:Level", "-1", $"{L}:Manager:Level: -1 is negative*" },

        // Targets.
        { $"{L}:TeamLead:Targets:Normal:Response", "-00:30:00", $"{L}:TeamLead:Targets:Normal:Response: -00:30:00 must be positive*" },
        { $"{L}:TeamLead:Targets:Normal:Response", "00:00:00", $"{L}:TeamLead:Targets:Normal:Response: 00:00:00 must be positive*" },
        { $"{L}:TeamLead:Targets:Normal:Resolution", "-1.00:00:00", $"{L}:TeamLead:Targets:Normal:Resolution: -1.00:00:00 must be positive*" },
        { $"{L}:Manager:ApprovalTimeout", "00:00:00", $"{L}:Manager:ApprovalTimeout: 00:00:00 must be positive*" },
        { $"{L}:FrontLine:Targets:Critical:Response", "00:10:00", $"{L}:FrontLine:Targets:Critical: 'Critical' is not a priority (use Low, Normal, High, Urgent)*" },
        { $"{L}:FrontLine:Targets:2:Response", "00:10:00", $"{L}:FrontLine:Targets:2: '2' is not a priority*" },

        // Values that do not bind and misspelled settings.
        { $"{L}:TeamLead:OnBreach", "Explode", $"{L}:TeamLead:OnBreach: 'Explode' is not a valid SlaBreachAction*" },
        { $"{L}:TeamLead:OnBreach", "7", $"{L}:TeamLead:OnBreach: '7' is not a valid SlaBreachAction*" },
        { $"{L}:TeamLead:OnApprovalTimeout", "Ignore", $"{L}:TeamLead:OnApprovalTimeout: 'Ignore' is not a valid SlaBreachAction*" },
        { $"{L}:TeamLead:Targets:Normal:Response", "half an hour", $"{L}:TeamLead:Targets:Normal:Response: 'half an hour' is not a valid time span*" },
        { $"{L}:TeamLead:Targets:Normal:Respone", "00:30:00", $"{L}:TeamLead:Targets:Normal:Respone: not a known setting*" },
        { $"{X}:Clock", "Sundial", $"{X}:Clock: 'Sundial' is not a valid SlaClock*" },
    };

    [Theory]
    [MemberData(nameof(LadderErrors))]
    public void Start_InvalidLadder_FailsWithItsPath(string key, string? value, string expected)
    {
        ShouldContain(Failures(With((key, value))), expected);
    }

    [Fact]
    public void Start_TargetsLongerThanTenYearsAndTooManyFractions_AreRejectedWithTheirPaths()
    {
        Dictionary<string, string?> s = With(($"{L}:TeamLead:Targets:Normal:Resolution", "5000.00:00:00"));
        for (int i = 0; i < 11; i++)
        {
            s[$"CustomerCraft:Escalation:WarningFractions:{i}"] = ((i + 1) / 12.0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        IReadOnlyList<string> failures = Failures(s);

        ShouldContain(failures, $"{L}:TeamLead:Targets:Normal:Resolution: 5000.00:00:00 is longer than the maximum of 3650 days*");
        ShouldContain(failures, "CustomerCraft:Escalation:WarningFractions: 11 fractions; at most 10 are supported.");
    }

    [Fact]
    public void Start_TwoLevelsWithTheSameNumber_NamesBoth()
    {
        IReadOnlyList<string> failures = Failures(With(($"{L}:Manager:Level", "1")));

        failures.Should().ContainSingle(f => f.Contains("is also the number of level", StringComparison.Ordinal))
            .Which.Should().Match(f => (f.StartsWith($"{L}:TeamLead:Level: 1", StringComparison.Ordinal) && f.Contains("'Manager'", StringComparison.Ordinal))
                || (f.StartsWith($"{L}:Manager:Level: 1", StringComparison.Ordinal) && f.Contains("'TeamLead'", StringComparison.Ordinal)));
    }

    [Fact]
    public void Start_LevelWithNoSettingsButItsKey_IsRequiredToHaveLevelAndRole()
    {
        Dictionary<string, string?> s = Ladder();
        s[$"{L}:Director:DisplayName"] = "Director";

        IReadOnlyList<string> failures = Failures(s);

        ShouldContain(failures, $"{L}:Director:Level: required*");
        ShouldContain(failures, $"{L}:Director:Role: required*");
    }

    [Fact]
    public void Start_InvalidTopLevel_IsReportedOnce()
    {
        Failures(With(($"{L}:Manager:Role", "Supervisor"))).Should().ContainSingle()
            .Which.Should().StartWith($"{L}:Manager:Role: 'Supervisor' is not a role in Empowerment:Roles");
    }

    [Theory]
    [InlineData($"{L}:TeamLead:Role", "Supervisor", $"{L}:TeamLead:Role:")]
    [InlineData($"{L}:TeamLead:Targets:Normal:Response", "-00:30:00", $"{L}:TeamLead:Targets:Normal:Response:")]
    [InlineData($"{L}:FrontLine:Role", "Bot", $"{L}:FrontLine:Role:")]
    public void Start_InvalidLowerLevel_IsReportedOnce_WithoutAKnockOnGapError(string key, string value, string expectedPath)
    {
        // Like Start_InvalidLimit_IsReportedOnceWithoutKnockOnLadderErrors for roles: level 1 is in
        // the configuration, it is only invalid; "level 1 is missing" would send the reader to fix
        // something that is not wrong.
        IReadOnlyList<string> failures = Failures(With((key, value)));

        failures.Should().ContainSingle(because: $"the failures were:\n{string.Join("\n", failures)}")
            .Which.Should().StartWith(expectedPath);
    }

    [Fact]
    public void Start_BotAsApproverRoleInTheLadder_IsRejected_EvenWhenRanksWouldFit()
    {
        // A bot ranked above the agents still cannot be a rung of the ladder.
        Dictionary<string, string?> s = Ladder();
        s["CustomerCraft:Empowerment:Roles:Bot:Rank"] = "35";
        s["CustomerCraft:Empowerment:Roles:Bot:Limits:Refund:PerIncident:Amount"] = "1000";
        s["CustomerCraft:Empowerment:Roles:Bot:Limits:Credit:PerIncident:Amount"] = "500";
        s[$"{L}:Director:Level"] = "3";
        s[$"{L}:Director:Role"] = "Bot";

        ShouldContain(Failures(s), $"{L}:Director:Role: 'Bot' is a bot role*");
    }

    // ---------------------------------------------------------------- warning fractions

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void Start_WarningFractionOutsideZeroAndOne_FailsWithItsIndexPath(string fraction)
    {
        IReadOnlyList<string> failures = Failures(With(($"{X}:WarningFractions:0", "0.5"), ($"{X}:WarningFractions:1", fraction)));

        failures.Should().ContainSingle(because: $"the failures were:\n{string.Join("\n", failures)}")
            .Which.Should().StartWith($"{X}:WarningFractions:1: {fraction} must be strictly between 0 and 1");
    }

    [Fact]
    public void Start_WarningFractionNaN_IsNotANumber()
    {
        IReadOnlyList<string> failures = Failures(With(($"{X}:WarningFractions:0", "0.5"), ($"{X}:WarningFractions:1", "NaN")));

        failures.Should().ContainSingle().Which.Should().StartWith($"{X}:WarningFractions:1: 'NaN' is not a valid number");
    }

    [Fact]
    public void Start_SeveralBadWarningFractions_AreEachReportedWithTheirIndex()
    {
        IReadOnlyList<string> failures = Failures(With(
            ($"{X}:WarningFractions:0", "0"),
            ($"{X}:WarningFractions:1", "1"),
            ($"{X}:WarningFractions:2", "0.8"),
            ($"{X}:WarningFractions:3", "1.5"),
            ($"{X}:WarningFractions:4", "-0.1")));

        failures.Should().HaveCount(4);
        ShouldContain(failures, $"{X}:WarningFractions:0: 0 must be strictly between 0 and 1*");
        ShouldContain(failures, $"{X}:WarningFractions:1: 1 must be strictly between 0 and 1*");
        ShouldContain(failures, $"{X}:WarningFractions:3: 1.5 must be strictly between 0 and 1*");
        ShouldContain(failures, $"{X}:WarningFractions:4: -0.1 must be strictly between 0 and 1*");
    }

    [Fact]
    public void Start_WarningFractions_ValidOnesAreSortedAndDeduplicated()
    {
        using TestHost host = Build(With(($"{X}:WarningFractions:0", "0.9"), ($"{X}:WarningFractions:1", "0.25"), ($"{X}:WarningFractions:2", "0.9")));

        Escalation(host).WarningFractions.Should().Equal(0.25, 0.9);
    }

    // ---------------------------------------------------------------- calendar

    public static TheoryData<string, string?, string> CalendarErrors => new()
    {
        { $"{Cal}:TimeZone", "Mars/Olympus", $"{Cal}:TimeZone: 'Mars/Olympus' is not a known time zone id*" },
        { $"{Cal}:TimeZone", "", $"{Cal}:TimeZone: '' is not a known time zone id*" },
        { $"{Cal}:Holidays:Christmas", "25/12/2026", $"{Cal}:Holidays:Christmas: '25/12/2026' is not a date*" },
        { $"{Cal}:Holidays:Leap", "2026-02-29", $"{Cal}:Holidays:Leap: '2026-02-29' is not a date*" },
        { $"{Cal}:Holidays:Vague", "next Friday", $"{Cal}:Holidays:Vague: 'next Friday' is not a date*" },
        { $"{Cal}:Hours:Monday", "9-5", $"{Cal}:Hours:Monday: '9-5' is not an opening range*" },
        { $"{Cal}:Hours:Monday", "17:00-09:00", $"{Cal}:Hours:Monday: '17:00-09:00' is not an opening range*" },
        { $"{Cal}:Hours:Monday", "09:00-09:00", $"{Cal}:Hours:Monday: '09:00-09:00' is not an opening range*" },
        { $"{Cal}:Hours:Monday", "09:00-25:00", $"{Cal}:Hours:Monday: '09:00-25:00' is not an opening range*" },
        { $"{Cal}:Hours:Monday", "09:00", $"{Cal}:Hours:Monday: '09:00' is not an opening range*" },
        { $"{Cal}:Hours:Monday", "09:00-13:00, 12:00-17:00", $"{Cal}:Hours:Monday: '09:00-13:00, 12:00-17:00' has overlapping ranges*" },
        { $"{Cal}:Hours:Funday", "09:00-17:00", $"{Cal}:Hours:Funday: 'Funday' is not a day of the week*" },
        { $"{Cal}:Hours:1", "09:00-17:00", $"{Cal}:Hours:1: '1' is not a day of the week*" },
    };

    [Theory]
    [MemberData(nameof(CalendarErrors))]
    public void Start_InvalidCalendar_FailsWithItsPath(string key, string? value, string expected)
    {
        // Checked whether or not a level counts business hours: a typo should not wait for the day it is used.
        IReadOnlyList<string> failures = Failures(With((key, value)));

        failures.Should().ContainSingle(because: $"the failures were:\n{string.Join("\n", failures)}");
        ShouldContain(failures, expected);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Start_BusinessHoursClockWithoutOpeningHours_Fails(bool global)
    {
        string clockKey = global ? $"{X}:Clock" : $"{L}:TeamLead:Clock";

        Failures(With((clockKey, "BusinessHours"), ($"{Cal}:TimeZone", "America/New_York"))).Should().ContainSingle()
            .Which.Should().StartWith($"{Cal}:Hours: business hours are counted but no day has opening hours");
    }

    [Fact]
    public void Start_BusinessHoursClockWithEveryDayClosed_Fails()
    {
        Failures(With(($"{X}:Clock", "BusinessHours"), ($"{Cal}:Hours:Monday", "closed"), ($"{Cal}:Hours:Tuesday", ""))).Should().ContainSingle()
            .Which.Should().StartWith($"{Cal}:Hours: business hours are counted but no day has opening hours");
    }

    [Fact]
    public void Start_ValidCalendar_WithSplitHoursMidnightAndHolidays_Compiles()
    {
        using TestHost host = Build(With(
            ($"{X}:Clock", "BusinessHours"),
            ($"{Cal}:TimeZone", "Europe/Paris"),
            ($"{Cal}:Hours:Monday", "09:00-12:00, 13:00-17:00"),
            ($"{Cal}:Hours:tuesday", "8:30-24:00"),
            ($"{Cal}:Hours:Sunday", "Closed"),
            ($"{Cal}:Holidays:Labour", "2026-05-01"),
            ($"{Cal}:Holidays:Christmas", " 2026-12-25 ")));

        EscalationPolicy ladder = Escalation(host);
        ladder.Calendar.Should().NotBeNull();
        ladder.Calendar!.TimeZone.Id.Should().Be("Europe/Paris");
        ladder.Levels.Should().OnlyContain(l => l.Clock == SlaClock.BusinessHours);
    }

    // ---------------------------------------------------------------- together

    [Fact]
    public void Start_SeveralErrors_AreAllReportedTogether_WithEmpowermentErrors()
    {
        IReadOnlyList<string> failures = Failures(With(
            ("CustomerCraft:Empowerment:Currency", "Dollars"),
            ($"{L}:Manager:Role", "Supervisor"),
            ($"{L}:FrontLine:Targets:Normal:Response", "-01:00:00"),
            ($"{L}:TeamLead:Targets:Urgent:Resolution", "00:00:00"),
            ($"{L}:TeamLead:Targets:Critical:Response", "00:10:00"),
            ($"{X}:WarningFractions:0", "1.5"),
            ($"{Cal}:TimeZone", "Nowhere/Special"),
            ($"{Cal}:Holidays:Xmas", "Dec 25"),
            ($"{Cal}:Hours:Monday", "17:00-09:00")));

        ShouldContain(failures, "CustomerCraft:Empowerment:Currency: *");
        ShouldContain(failures, $"{L}:Manager:Role: 'Supervisor' *");
        ShouldContain(failures, $"{L}:FrontLine:Targets:Normal:Response: -01:00:00 must be positive*");
        ShouldContain(failures, $"{L}:TeamLead:Targets:Urgent:Resolution: 00:00:00 must be positive*");
        ShouldContain(failures, $"{L}:TeamLead:Targets:Critical: 'Critical' is not a priority*");
        ShouldContain(failures, $"{X}:WarningFractions:0: 1.5 *");
        ShouldContain(failures, $"{Cal}:TimeZone: 'Nowhere/Special' *");
        ShouldContain(failures, $"{Cal}:Holidays:Xmas: 'Dec 25' is not a date*");
        ShouldContain(failures, $"{Cal}:Hours:Monday: '17:00-09:00' *");
    }

    [Fact]
    public void Start_EveryFailure_NamesAnEscalationOrEmpowermentPath()
    {
        IReadOnlyList<string> failures = Failures(With(($"{L}:Manager:Level", "5"), ($"{Cal}:Hours:Monday", "nine to five")));

        failures.Should().NotBeEmpty().And.OnlyContain(f => f.StartsWith("CustomerCraft:", StringComparison.Ordinal) && f.Contains(": ", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- valid configurations

    [Fact]
    public async Task Start_ValidLadder_Compiles()
    {
        using TestHost host = Build(With(($"{L}:TeamLead:DisplayName", "Team lead"), ($"{L}:Manager:Role", "manager")));

        EscalationPolicy ladder = Escalation(host);
        ladder.Levels.Select(l => (l.Number, l.Name, l.Role, l.Rank)).Should().Equal(
            (0, "FrontLine", "Agent", 10),
            (1, "TeamLead", "TeamLead", 30),
            (2, "Manager", "Manager", 40));
        ladder.Levels[1].DisplayName.Should().Be("Team lead");
        ladder.Levels[2].DisplayName.Should().Be("Manager", "it defaults to the key");
        ladder.Levels[1].TargetsFor(CasePriority.Normal).Should().Be(new SlaTargets(TimeSpan.FromMinutes(30), TimeSpan.FromHours(4)));
        ladder.Levels[1].TargetsFor(CasePriority.Urgent).Should().Be(default(SlaTargets), "no targets: no clock");
        ladder.Levels[1].ApprovalTimeout.Should().Be(TimeSpan.FromHours(2));
        ladder.Levels[1].OnApprovalTimeout.Should().Be(SlaBreachAction.Reroute);
        ladder.Levels[2].OnApprovalTimeout.Should().Be(SlaBreachAction.Deny);
        ladder.Levels.Should().OnlyContain(l => l.OnBreach == SlaBreachAction.Escalate && l.Clock == SlaClock.Calendar);
        ladder.WarningFractions.Should().Equal(0.5, 0.75);
        ladder.Calendar.Should().BeNull("no level counts business hours");

        SupportCase opened = await host.Workflow().OpenAsync();
        opened.Timers.Should().ContainSingle();
    }

    [Fact]
    public async Task Start_NoLadder_IsValid_AndCasesStayAtTheFrontLineWithoutClocks()
    {
        using TestHost host = Build(PolicyFixtures.Basic());

        Escalation(host).Levels.Should().BeEmpty();
        SupportCase opened = await host.Workflow().OpenAsync();
        opened.Timers.Should().BeEmpty();
        opened.NextDueAt.Should().BeNull();
    }

    [Fact]
    public void Start_LowerCasePriorityKeys_AreAccepted()
    {
        using TestHost host = Build(With(($"{L}:TeamLead:Targets:urgent:Response", "00:05:00")));

        Escalation(host).Levels[1].TargetsFor(CasePriority.Urgent).Response.Should().Be(TimeSpan.FromMinutes(5));
    }

    // ---------------------------------------------------------------- reload

    [Fact]
    public async Task Reload_InvalidEscalationSection_IsRejected_AndTheLastGoodLadderStaysInForce()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(Ladder()).Build();
        using TestHost host = PolicyFixtures.Build(configuration);
        using var reloads = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "CustomerCraft", "customercraft.empowerment.policy.reloads");
        ICaseWorkflow workflow = host.Workflow();
        EscalationPolicy before = Escalation(host);

        host.Configuration[$"{L}:TeamLead:Targets:Normal:Response"] = "-00:05:00";
        host.Configuration[$"{L}:Manager:Level"] = "7";
        host.Configuration.Reload();

        reloads.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["result"].Should().Be("rejected");
        Escalation(host).Should().BeSameAs(before);
        host.Services.GetRequiredService<IOptionsMonitor<CustomerCraftOptions>>().CurrentValue
            .Escalation.Levels["TeamLead"].Targets["Normal"].Response.Should().Be(TimeSpan.FromMinutes(30), "hosts reading the options see what is in force");

        // Cases keep moving under the last good ladder.
        await workflow.OpenAsync();
        SupportCase escalated = await workflow.EscalateAsync("case-1", Ana, EscalationReason.Complexity);
        escalated.Timers.Single(t => t.Kind == SlaTimerKind.Response).Target.Should().Be(TimeSpan.FromMinutes(30));
    }

    [Fact]
    public async Task Reload_ValidEscalationSection_ReplacesTheLadder_ForTheNextStint()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(Ladder()).Build();
        using TestHost host = PolicyFixtures.Build(configuration);
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();
        _ = Escalation(host);

        host.Configuration[$"{L}:TeamLead:Targets:Normal:Response"] = "00:45:00";
        host.Configuration.Reload();

        SupportCase escalated = await workflow.EscalateAsync("case-1", Ana, EscalationReason.Complexity);
        escalated.Timers.Single(t => t.Kind == SlaTimerKind.Response).Target.Should().Be(TimeSpan.FromMinutes(45));
    }

    [Fact]
    public async Task Reload_AfterARejectedEscalationSection_AValidOneIsAppliedAgain()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(Ladder()).Build();
        using TestHost host = PolicyFixtures.Build(configuration);
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync();

        host.Configuration[$"{Cal}:TimeZone"] = "Atlantis/Central";
        host.Configuration.Reload();
        host.Configuration[$"{Cal}:TimeZone"] = "UTC";
        host.Configuration[$"{L}:TeamLead:Targets:Normal:Response"] = "00:20:00";
        host.Configuration.Reload();

        SupportCase escalated = await workflow.EscalateAsync("case-1", Ana, EscalationReason.Complexity);
        escalated.Timers.Single(t => t.Kind == SlaTimerKind.Response).Target.Should().Be(TimeSpan.FromMinutes(20));
    }

    private static EscalationPolicy Escalation(TestHost host) =>
        host.Services.GetRequiredService<PolicyProvider>().Current.Escalation;
}
