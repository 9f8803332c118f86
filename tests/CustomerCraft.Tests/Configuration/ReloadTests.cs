using CustomerCraft.Empowerment;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Configuration;

public class ReloadTests
{
    private const string AgentRefund = "CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerIncident:Amount";

    private static TestHost BuildReloadable()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(Basic()).Build();
        return Build(configuration);
    }

    [Fact]
    public async Task Reload_ValidConfiguration_ReplacesThePolicy()
    {
        using TestHost host = BuildReloadable();
        AuthorityDecision before = await host.Authority.EvaluateAsync(Refund(150m));

        host.Configuration[AgentRefund] = "200";
        host.Configuration.Reload();
        AuthorityDecision after = await host.Authority.EvaluateAsync(Refund(150m));

        before.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        after.Outcome.Should().Be(DecisionOutcome.Allowed);
        after.PolicyVersion.Should().NotBe(before.PolicyVersion, "a new policy content has a new content hash");
        host.Services.GetRequiredService<IOptionsMonitor<CustomerCraftOptions>>().CurrentValue
            .Empowerment.Roles["Agent"].Limits["Refund"].PerIncident!.Amount.Should().Be(200m);
    }

    [Fact]
    public async Task Reload_InvalidConfiguration_IsRejectedAndTheLastGoodPolicyStays()
    {
        using TestHost host = BuildReloadable();
        using var reloads = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "CustomerCraft", "customercraft.empowerment.policy.reloads");
        AuthorityDecision before = await host.Authority.EvaluateAsync(Refund(100m));

        host.Configuration[AgentRefund] = "-5";
        host.Configuration.Reload();
        AuthorityDecision after = await host.Authority.EvaluateAsync(Refund(100m));

        after.Outcome.Should().Be(DecisionOutcome.Allowed);
        after.PolicyVersion.Should().Be(before.PolicyVersion);
        reloads.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["result"].Should().Be("rejected");
        // Hosts reading the options see what is in force, not the rejected values.
        host.Services.GetRequiredService<IOptionsMonitor<CustomerCraftOptions>>().CurrentValue
            .Empowerment.Roles["Agent"].Limits["Refund"].PerIncident!.Amount.Should().Be(100m);
    }

    [Fact]
    public async Task Reload_UnbindableValue_IsRejectedWithoutThrowing()
    {
        using TestHost host = BuildReloadable();
        AuthorityDecision before = await host.Authority.EvaluateAsync(Refund(100m));

        host.Configuration[AgentRefund] = "a hundred";
        Action reload = () => host.Configuration.Reload();

        reload.Should().NotThrow();
        (await host.Authority.EvaluateAsync(Refund(100m))).PolicyVersion.Should().Be(before.PolicyVersion);
    }

    [Fact]
    public async Task Reload_OfAnUnrelatedSection_KeepsThePolicyVersion()
    {
        using TestHost host = BuildReloadable();
        using var reloads = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "CustomerCraft", "customercraft.empowerment.policy.reloads");
        AuthorityDecision before = await host.Authority.EvaluateAsync(Refund(1m));

        host.Configuration["Logging:LogLevel:Default"] = "Debug";
        host.Configuration.Reload();
        host.Configuration.Reload();

        (await host.Authority.EvaluateAsync(Refund(1m))).PolicyVersion.Should().Be(before.PolicyVersion);
        reloads.GetMeasurementSnapshot().Should().BeEmpty();
    }

    [Fact]
    public async Task Reload_AfterARejectedOne_AValidConfigurationIsAppliedAgain()
    {
        using TestHost host = BuildReloadable();
        _ = await host.Authority.EvaluateAsync(Refund(1m));
        host.Configuration[AgentRefund] = "-5";
        host.Configuration.Reload();

        host.Configuration[AgentRefund] = "150";
        host.Configuration.Reload();

        (await host.Authority.EvaluateAsync(Refund(150m))).Outcome.Should().Be(DecisionOutcome.Allowed);
    }

    [Fact]
    public async Task Reload_Invalid_NeverMakesHostsReadingTheOptionsThrow()
    {
        // Regression: clearing the options cache before rebinding let a concurrent reader of
        // IOptionsMonitor rebind the invalid configuration and throw.
        using TestHost host = BuildReloadable();
        _ = await host.Authority.EvaluateAsync(Refund(1m));
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<CustomerCraftOptions>>();
        using var cts = new CancellationTokenSource();
        int failures = 0;
        Task reader = Task.Run(() =>
        {
            while (!cts.IsCancellationRequested)
            {
                try
                {
                    _ = monitor.CurrentValue;
                }
                catch (OptionsValidationException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        for (int i = 0; i < 300; i++)
        {
            host.Configuration[AgentRefund] = i % 2 == 0 ? "-1" : "-2";
            host.Configuration.Reload();
        }

        await cts.CancelAsync();
        await reader;
        failures.Should().Be(0);
    }

    [Fact]
    public async Task Reload_DuringConcurrentEvaluations_EveryDecisionSeesOneWholePolicy()
    {
        using TestHost host = BuildReloadable();
        IResolutionAuthority authority = host.Authority;
        using var cts = new CancellationTokenSource();
        int inconsistent = 0;

        Task readers = Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                AuthorityDecision d = await authority.EvaluateAsync(Refund(150m));
                decimal limit = d.Reasons.Single(r => r.Limit == LimitKind.IncidentAmount).LimitValue!.Value;
                bool consistent = (limit == 100m && d.Outcome == DecisionOutcome.RequiresApproval) || (limit == 200m && d.Outcome == DecisionOutcome.Allowed);
                if (!consistent)
                {
                    Interlocked.Increment(ref inconsistent);
                }
            }
        })));

        for (int i = 0; i < 50; i++)
        {
            host.Configuration[AgentRefund] = i % 2 == 0 ? "200" : "100";
            host.Configuration.Reload();
        }

        await cts.CancelAsync();
        await readers;
        inconsistent.Should().Be(0);
    }
}
