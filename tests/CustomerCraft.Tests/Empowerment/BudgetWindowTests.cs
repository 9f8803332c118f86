using CustomerCraft.Empowerment;
using Microsoft.Extensions.Time.Testing;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Empowerment;

/// <summary>Rolling and calendar windows, driven by a fake clock. Start is Monday 2026-03-02 10:00 in New York.</summary>
public class BudgetWindowTests
{
    private const string Refund = "CustomerCraft:Empowerment:Roles:Agent:Limits:Refund";

    private static Dictionary<string, string?> WithCustomerBudget(string window, string? length = null, string amount = "150")
    {
        Dictionary<string, string?> s = Basic();
        s[$"{Refund}:PerCustomer:Amount"] = amount;
        s[$"{Refund}:PerCustomer:Window"] = window;
        s[$"{Refund}:PerCustomer:Length"] = length;
        return s;
    }

    private static async Task<AuthorityDecision> GrantAndEvaluate(TestHost host, decimal granted, decimal next, string incident = "T-2")
    {
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(granted, incident: "T-1", key: Guid.NewGuid().ToString()))).IsGranted.Should().BeTrue();
        return await host.Authority.EvaluateAsync(PolicyFixtures.Refund(next, incident: incident));
    }

    [Fact]
    public async Task RollingWindow_CountsGrantsUntilTheyAreOlderThanTheLength()
    {
        using TestHost host = Build(WithCustomerBudget("Rolling", "30.00:00:00"));
        (await GrantAndEvaluate(host, 100m, 60m)).Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        host.Time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        (await host.Authority.EvaluateAsync(PolicyFixtures.Refund(60m, incident: "T-2"))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        host.Time.Advance(TimeSpan.FromSeconds(2));
        AuthorityDecision later = await host.Authority.EvaluateAsync(PolicyFixtures.Refund(60m, incident: "T-2"));
        later.Outcome.Should().Be(DecisionOutcome.Allowed);
        later.Reasons.Single(r => r.Limit == LimitKind.CustomerAmount).Used.Should().Be(0m);
    }

    [Fact]
    public async Task DayWindow_ResetsAtMidnightInThePolicyTimeZone_NotAtUtcMidnight()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 22, 0, 0, TimeSpan.FromHours(-5))); // 03:00 UTC the next day
        using TestHost host = Build(WithCustomerBudget("Day"), time: time);
        (await GrantAndEvaluate(host, 100m, 60m)).Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        time.Advance(TimeSpan.FromMinutes(119)); // 23:59 New York: same day
        (await host.Authority.EvaluateAsync(PolicyFixtures.Refund(60m, incident: "T-2"))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        time.Advance(TimeSpan.FromMinutes(1)); // 00:00 New York
        (await host.Authority.EvaluateAsync(PolicyFixtures.Refund(60m, incident: "T-2"))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task WeekWindow_StartsOnTheConfiguredFirstDay()
    {
        // Start is a Monday: with weeks starting Monday, Sunday is the same week and the next Monday a new one.
        using TestHost host = Build(WithCustomerBudget("Week"));
        (await GrantAndEvaluate(host, 100m, 60m)).Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        host.Time.SetUtcNow(new DateTimeOffset(2026, 3, 8, 23, 0, 0, TimeSpan.FromHours(-4))); // Sunday 23:00 (daylight time by then)
        (await host.Authority.EvaluateAsync(PolicyFixtures.Refund(60m, incident: "T-2"))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        host.Time.SetUtcNow(new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.FromHours(-4))); // Monday 00:00
        (await host.Authority.EvaluateAsync(PolicyFixtures.Refund(60m, incident: "T-2"))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task WeekWindow_WithSundayAsFirstDay_ResetsOnSunday()
    {
        Dictionary<string, string?> s = WithCustomerBudget("Week");
        s["CustomerCraft:Empowerment:FirstDayOfWeek"] = "Sunday";
        using TestHost host = Build(s);
        (await GrantAndEvaluate(host, 100m, 60m)).Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        host.Time.SetUtcNow(new DateTimeOffset(2026, 3, 7, 23, 59, 0, TimeSpan.FromHours(-5))); // Saturday 23:59
        (await host.Authority.EvaluateAsync(PolicyFixtures.Refund(60m, incident: "T-2"))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        host.Time.SetUtcNow(new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.FromHours(-5))); // Sunday 00:00
        (await host.Authority.EvaluateAsync(PolicyFixtures.Refund(60m, incident: "T-2"))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task MonthWindow_ResetsOnTheFirstOfTheMonth_AcrossADaylightSavingChange()
    {
        // 2026-03-08 is the US spring-forward date; the month window must still end at local midnight on April 1.
        using TestHost host = Build(WithCustomerBudget("Month"));
        (await GrantAndEvaluate(host, 100m, 60m)).Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        host.Time.SetUtcNow(new DateTimeOffset(2026, 3, 31, 23, 59, 0, TimeSpan.FromHours(-4)));
        (await host.Authority.EvaluateAsync(PolicyFixtures.Refund(60m, incident: "T-2"))).Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        host.Time.SetUtcNow(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(-4)));
        (await host.Authority.EvaluateAsync(PolicyFixtures.Refund(60m, incident: "T-2"))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task MonthWindow_WhereLocalMidnightHappensTwice_StartsAtTheFirstOne()
    {
        // Regression: in Havana clocks go back from 01:00 to 00:00 on 2026-11-01, so midnight
        // happens twice. Starting the November window at the second midnight left grants made in
        // the first hour outside it, and the budget could be spent twice.
        Dictionary<string, string?> s = WithCustomerBudget("Month", amount: "100");
        s["CustomerCraft:Empowerment:TimeZone"] = "America/Havana";
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 30, 0, TimeSpan.FromHours(-4))); // the first 00:30
        using TestHost host = Build(s, time: time);
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(100m, incident: "T-1", key: "k1"))).IsGranted.Should().BeTrue();

        time.SetUtcNow(new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-5)));
        AuthorityDecision decision = await host.Authority.EvaluateAsync(PolicyFixtures.Refund(50m, incident: "T-2"));

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        decision.Reasons.Single(r => r.Limit == LimitKind.CustomerAmount).Used.Should().Be(100m);
    }

    [Fact]
    public async Task RollingWindow_LongerThanRecordedTime_CoversEverythingInsteadOfThrowing()
    {
        using TestHost host = Build(WithCustomerBudget("Rolling", "10000000.00:00:00"));

        AuthorityDecision decision = await GrantAndEvaluate(host, 100m, 60m);

        decision.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
    }

    [Fact]
    public async Task CountBudget_PerAgent_LimitsGrantsAcrossCustomers()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{Refund}:PerAgent:Count"] = "2";
        s[$"{Refund}:PerAgent:Window"] = "Day";
        using TestHost host = Build(s);
        for (int i = 0; i < 2; i++)
        {
            (await host.Authority.GrantAsync(PolicyFixtures.Refund(10m, customer: $"C-{i}", incident: $"T-{i}", key: $"k{i}"))).IsGranted.Should().BeTrue();
        }

        AuthorityDecision third = await host.Authority.EvaluateAsync(PolicyFixtures.Refund(10m, customer: "C-9", incident: "T-9"));
        AuthorityDecision otherAgent = await host.Authority.EvaluateAsync(PolicyFixtures.Refund(10m, agent: "bob", customer: "C-9", incident: "T-9"));

        third.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        third.Reasons.Single(r => !r.Passed).Limit.Should().Be(LimitKind.AgentCount);
        third.GetHeadroom("Refund")!.Value.Count.Should().Be(0);
        otherAgent.Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task IncidentCount_LimitsGrantsOnOneIncident()
    {
        Dictionary<string, string?> s = Basic();
        s[$"{Refund}:PerIncident:Count"] = "1";
        s["CustomerCraft:Empowerment:Roles:SeniorAgent:Limits:Refund:PerIncident:Count"] = "2";
        s["CustomerCraft:Empowerment:Roles:TeamLead:Limits:Refund:PerIncident:Count"] = "3";
        using TestHost host = Build(s);
        await host.Authority.GrantAsync(PolicyFixtures.Refund(10m, key: "k1"));

        AuthorityDecision second = await host.Authority.EvaluateAsync(PolicyFixtures.Refund(10m));

        second.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        second.RequiredApproverRole.Should().Be("SeniorAgent");
        second.Reasons.Single(r => !r.Passed).ConfigurationPath.Should().Be($"{Refund}:PerIncident:Count");
    }
}
