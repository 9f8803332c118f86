using System.Diagnostics;
using System.Diagnostics.Metrics;
using CustomerCraft.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static CustomerCraft.Tests.Empowerment.PolicyFixtures;

namespace CustomerCraft.Tests.Empowerment;

public class TelemetryTests
{
    [Fact]
    public async Task Decisions_AreCountedByOutcomeAndAction_WithoutIdsOrAmountsInTags()
    {
        using TestHost host = Build(Basic());
        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        using var decisions = new MetricCollector<long>(meterFactory, "CustomerCraft", "customercraft.empowerment.decisions");
        using var duration = new MetricCollector<double>(meterFactory, "CustomerCraft", "customercraft.empowerment.evaluation.duration");

        await host.Authority.EvaluateAsync(Refund(50m));
        await host.Authority.EvaluateAsync(Refund(500m));

        IReadOnlyList<CollectedMeasurement<long>> measurements = decisions.GetMeasurementSnapshot();
        measurements.Select(m => m.Tags["outcome"]).Should().Equal("allowed", "requires_approval");
        measurements.Should().OnlyContain(m => (string?)m.Tags["action"] == "Refund" && m.Tags.Count == 2);
        duration.GetMeasurementSnapshot().Should().HaveCount(2).And.OnlyContain(m => m.Value > 0);
    }

    [Fact]
    public async Task Grants_AreCountedByResult()
    {
        using TestHost host = Build(Basic());
        using var grants = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "CustomerCraft", "customercraft.empowerment.grants");

        await host.Authority.GrantAsync(Refund(50m, key: "a"));
        await host.Authority.GrantAsync(Refund(50m, key: "a"));
        await host.Authority.GrantAsync(Refund(500m, key: "b"));

        grants.GetMeasurementSnapshot().Select(m => m.Tags["result"]).Should().Equal("granted", "replayed", "refused");
    }

    [Fact]
    public async Task GrantAsync_StartsAnActivityOnTheCustomerCraftSource()
    {
        using TestHost host = Build(Basic());
        var activities = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "CustomerCraft",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);

        // Listeners are process-wide and tests run in parallel: keep only this test's activities.
        using var parent = new Activity("test").Start();
        await host.Authority.GrantAsync(Refund(50m, key: "a"));
        parent.Stop();

        activities.Where(a => a.ParentId == parent.Id).Should().ContainSingle(a => a.OperationName == "CustomerCraft.Grant")
            .Which.Tags.Should().Contain(new KeyValuePair<string, string?>("customercraft.outcome", "allowed"));
    }
}
