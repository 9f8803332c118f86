using System.Collections.Concurrent;
using CustomerCraft.Empowerment;
using CustomerCraft.Retention;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CustomerCraft.Tests.Retention;

public sealed class RetentionTests
{
    [Fact]
    public async Task Every_decision_is_the_same_after_a_prune_and_the_old_charges_are_gone()
    {
        using TestHost host = PolicyFixtures.Build(RetentionScenario.Settings());
        List<GrantRecord> grants = await RetentionScenario.GrantHistoryAsync(host);
        IReadOnlyList<string> before = await RetentionScenario.DecideAsync(host);
        RetentionCutoffs cutoffs = host.Services.GetRequiredService<IDataRetention>().CutoffsAt(host.Time.GetUtcNow());

        RetentionResult pruned = await RetentionScenario.PruneAsync(host);

        (await RetentionScenario.DecideAsync(host)).Should().Equal(before);
        (long charges, long removedGrants) = RetentionScenario.Expected(grants, cutoffs);
        charges.Should().BeGreaterThan(100, "the history must reach well past the cutoff for the test to mean anything");
        pruned.Charges.Should().Be(charges);
        pruned.Grants.Should().Be(removedGrants).And.BeGreaterThan(0);
        pruned.Decisions.Should().Be(0, "the history is younger than the 400-day audit period");
        (await RetentionScenario.PruneAsync(host)).Total.Should().Be(0, "a second pass finds nothing more");
    }

    [Fact]
    public async Task With_an_incident_lifetime_old_incidents_and_their_grants_go_and_current_decisions_stay()
    {
        using TestHost host = PolicyFixtures.Build(RetentionScenario.Settings(incidentBudgets: TimeSpan.FromDays(16)));
        List<GrantRecord> grants = await RetentionScenario.GrantHistoryAsync(host);
        IReadOnlyList<string> before = await RetentionScenario.DecideAsync(host);
        RetentionCutoffs cutoffs = host.Services.GetRequiredService<IDataRetention>().CutoffsAt(host.Time.GetUtcNow());
        InMemoryBudgetLedger ledger = (InMemoryBudgetLedger)host.Services.GetRequiredService<IBudgetLedger>();
        GrantRecord oldest = grants[0];

        RetentionResult pruned = await RetentionScenario.PruneAsync(host);

        (await RetentionScenario.DecideAsync(host)).Should().Equal(before);
        (long charges, long removedGrants) = RetentionScenario.Expected(grants, cutoffs);
        pruned.Charges.Should().Be(charges);
        pruned.Grants.Should().Be(removedGrants).And.BeGreaterThan(grants.Count(g => g.IsVoided));
        pruned.Budgets.Should().BeGreaterThan(0, "the incidents of the first weeks have no charge left");
        (await ledger.FindGrantAsync(oldest.GrantId)).Should().BeNull();
        (await ledger.FindByIdempotencyKeyAsync(oldest.IdempotencyKey)).Should().BeNull();
        (await ledger.FindGrantAsync(grants[^1].GrantId)).Should().NotBeNull();
    }

    [Fact]
    public async Task Grants_after_a_prune_decide_as_they_would_have_without_it()
    {
        using TestHost pruned = PolicyFixtures.Build(RetentionScenario.Settings());
        using TestHost kept = PolicyFixtures.Build(RetentionScenario.Settings());
        await RetentionScenario.GrantHistoryAsync(pruned);
        await RetentionScenario.GrantHistoryAsync(kept);
        await RetentionScenario.PruneAsync(pruned);

        // Grants on every budget, pruned ones included, until the budgets run out, on both hosts.
        for (int i = 0; i < 60; i++)
        {
            ResolutionRequest request = PolicyFixtures.Refund(15m + (i % 5), agent: $"agent-{i % 3}", customer: $"C-{i % 4}", incident: $"T-{i % 4}-w4", key: $"after-{i}");
            GrantResult left = await pruned.Authority.GrantAsync(request);
            GrantResult right = await kept.Authority.GrantAsync(request);
            (left.IsGranted, left.Decision?.Outcome, left.Decision?.ToString()).Should().Be((right.IsGranted, right.Decision?.Outcome, right.Decision?.ToString()), $"grant {i}");
        }
    }

    [Fact]
    public async Task Pruning_while_grants_and_voids_run_never_loses_a_charge()
    {
        // Voided charges are removed, so a budget whose grants were all voided is retired while
        // other grants are being made on it: each of those must land on the budget's live account.
        var ledger = new InMemoryBudgetLedger();
        var cutoffs = new RetentionCutoffs(DateTimeOffset.MinValue, null, null);
        DateTimeOffset at = PolicyFixtures.Start;
        var live = new ConcurrentBag<GrantRecord>();
        using var stop = new CancellationTokenSource();
        Task pruner = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await ledger.PruneAsync(cutoffs);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (int i = 0; i < 2_000; i++)
            {
                var grant = new GrantRecord
                {
                    GrantId = $"g-{worker}-{i}", IdempotencyKey = $"k-{worker}-{i}", AgentId = $"agent-{worker}", Role = "Agent",
                    CustomerId = $"C-{i % 3}", IncidentId = $"T-{i % 3}", Action = "Refund", Amount = 1m, Currency = "USD",
                    RequestedAmount = 1m, RequestedCurrency = "USD", ContextFingerprint = "f", GrantedAt = at,
                };
                BudgetCharge[] charges =
                [
                    new(new BudgetKey(BudgetScope.Incident, grant.IncidentId, "Refund"), DateTimeOffset.MinValue, null, null),
                    new(new BudgetKey(BudgetScope.Customer, grant.CustomerId, "Refund"), DateTimeOffset.MinValue, null, null),
                    new(new BudgetKey(BudgetScope.Agent, grant.AgentId, "Refund"), DateTimeOffset.MinValue, null, null),
                ];
                (await ledger.TryReserveAsync(new BudgetReservation { Grant = grant, Charges = charges })).Status.Should().Be(ReservationStatus.Reserved);
                if (i % 2 == 0)
                {
                    await ledger.VoidAsync(grant.GrantId, at, "test");
                }
                else
                {
                    live.Add(grant);
                }
            }
        })));
        await stop.CancelAsync();
        await pruner;
        await ledger.PruneAsync(cutoffs);

        for (int customer = 0; customer < 3; customer++)
        {
            BudgetUsage usage = await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, $"C-{customer}", "Refund"), DateTimeOffset.MinValue);
            usage.Count.Should().Be(live.Count(g => g.CustomerId == $"C-{customer}"));
        }

        for (int worker = 0; worker < 4; worker++)
        {
            BudgetUsage usage = await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Agent, $"agent-{worker}", "Refund"), DateTimeOffset.MinValue);
            usage.Count.Should().Be(1_000);
        }
    }

    [Fact]
    public void Cutoffs_count_back_the_longest_window_plus_the_margin_and_the_audit_period()
    {
        using TestHost host = PolicyFixtures.Build(RetentionScenario.Settings(incidentBudgets: TimeSpan.FromDays(90)));
        DateTimeOffset now = PolicyFixtures.Start;

        RetentionCutoffs cutoffs = host.Services.GetRequiredService<IDataRetention>().CutoffsAt(now);

        // The rolling 10 days outlast the calendar week (counted as 8 days), plus a day's margin.
        cutoffs.Should().Be(new RetentionCutoffs(now - TimeSpan.FromDays(11), now - TimeSpan.FromDays(90), now - TimeSpan.FromDays(400), 7));
    }

    [Fact]
    public void A_policy_without_windows_keeps_nothing_past_the_margin_and_a_huge_period_keeps_everything()
    {
        Dictionary<string, string?> settings = PolicyFixtures.Basic();
        settings["CustomerCraft:Retention:DecisionRecords"] = "3650000.00:00:00";
        using TestHost host = PolicyFixtures.Build(settings);
        DateTimeOffset now = PolicyFixtures.Start;

        RetentionCutoffs cutoffs = host.Services.GetRequiredService<IDataRetention>().CutoffsAt(now);

        cutoffs.ChargesBefore.Should().Be(now - RetentionOptions.DefaultKeepPastLongestWindow);
        cutoffs.IncidentChargesBefore.Should().BeNull();
        cutoffs.DecisionsBefore.Should().Be(DateTimeOffset.MinValue);
    }

    [Fact]
    public void Bad_settings_fail_at_start_up_naming_each_setting()
    {
        Dictionary<string, string?> settings = PolicyFixtures.Basic();
        settings["CustomerCraft:Retention:KeepPastLongestWindow"] = "-1.00:00:00";
        settings["CustomerCraft:Retention:IncidentBudgets"] = "00:00:00";
        settings["CustomerCraft:Retention:DecisionRecords"] = "-00:00:01";
        settings["CustomerCraft:Retention:Interval"] = "00:00:10";
        settings["CustomerCraft:Retention:BatchSize"] = "0";
        using TestHost host = PolicyFixtures.Build(settings);

        Action read = () => _ = host.Services.GetRequiredService<IOptions<CustomerCraftOptions>>().Value;

        OptionsValidationException error = read.Should().Throw<OptionsValidationException>().Which;
        error.Failures.Should().Contain(new[]
        {
            "CustomerCraft:Retention:KeepPastLongestWindow: -1.00:00:00 must be zero or more.",
            "CustomerCraft:Retention:IncidentBudgets: 00:00:00 must be more than zero (omit it to keep incident budgets for ever).",
            "CustomerCraft:Retention:DecisionRecords: -00:00:01 must be more than zero (set it to null to keep decision records for ever).",
            "CustomerCraft:Retention:Interval: 00:00:10 must be between 00:01:00 and 1.00:00:00.",
            "CustomerCraft:Retention:BatchSize: 0 must be between 1 and 100000.",
        });
    }

    [Fact]
    public async Task The_in_memory_decision_log_drops_records_older_than_the_audit_period_and_keeps_the_order_of_the_rest()
    {
        var log = new InMemoryDecisionLog(Options.Create(new InMemoryDecisionLogOptions { Capacity = 8 }));
        DateTimeOffset start = PolicyFixtures.Start;
        int[] days = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9]; // ten records, out of order, in a log of eight
        foreach (int day in days)
        {
            await log.AppendAsync(Record(start.AddDays(day), $"agent-{day}"));
        }

        RetentionResult result = await log.PruneAsync(new RetentionCutoffs(DateTimeOffset.MinValue, null, start.AddDays(5)));
        await log.AppendAsync(Record(start.AddDays(10), "agent-10"));

        result.Decisions.Should().Be(4, "days 1 to 4 were still held (days 0 and 5, the first two appended, had fallen out)");
        List<string> kept = [];
        await foreach (DecisionRecord record in log.ReadAsync(DecisionLogQuery.All))
        {
            kept.Add(record.Request.AgentId);
        }

        kept.Should().Equal("agent-6", "agent-7", "agent-8", "agent-9", "agent-10");
    }

    [Fact]
    public async Task The_retention_job_prunes_every_interval_on_the_host_clock()
    {
        var signal = new PruneSignal();
        using TestHost host = PolicyFixtures.Build(RetentionScenario.Settings(), b =>
        {
            b.Services.AddSingleton<IDecisionLog>(signal);
            b.AddRetentionJob();
        });
        List<GrantRecord> grants = await RetentionScenario.GrantHistoryAsync(host);
        IHostedService job = host.Services.GetServices<IHostedService>().Single();
        var customer = new BudgetKey(BudgetScope.Customer, "C-1", "Refund");
        IBudgetLedger ledger = host.Services.GetRequiredService<IBudgetLedger>();
        BudgetUsage allTime = await ledger.GetUsageAsync(customer, DateTimeOffset.MinValue);
        await job.StartAsync(CancellationToken.None);
        try
        {
            signal.Pruned.Task.IsCompleted.Should().BeFalse("the first pass waits one interval");
            host.Time.Advance(RetentionOptions.DefaultInterval);
            RetentionCutoffs cutoffs = await signal.Pruned.Task.WaitAsync(TimeSpan.FromSeconds(30));

            cutoffs.Should().Be(host.Services.GetRequiredService<IDataRetention>().CutoffsAt(host.Time.GetUtcNow()));
            BudgetUsage left = await ledger.GetUsageAsync(customer, DateTimeOffset.MinValue);
            left.Count.Should().BeLessThan(allTime.Count);
            left.Should().Be(await ledger.GetUsageAsync(customer, cutoffs.ChargesBefore));
        }
        finally
        {
            await job.StopAsync(CancellationToken.None);
        }

        grants.Should().NotBeEmpty();
    }

    private static DecisionRecord Record(DateTimeOffset at, string agent) => new()
    {
        Timestamp = at,
        Kind = DecisionRecordKind.Granted,
        Request = PolicyFixtures.Refund(10m, agent: agent),
        Outcome = DecisionOutcome.Allowed,
        Amount = 10m,
        PolicyVersion = 1,
    };

    /// <summary>A decision log that tells the test when the job pruned it (the ledger is pruned just before).</summary>
    private sealed class PruneSignal : IDecisionLog, IRetentionStore
    {
        public TaskCompletionSource<RetentionCutoffs> Pruned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask AppendAsync(DecisionRecord record, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public IAsyncEnumerable<DecisionRecord> ReadAsync(DecisionLogQuery query, CancellationToken cancellationToken = default) => AsyncEnumerable.Empty<DecisionRecord>();

        public ValueTask<RetentionResult> PruneAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default)
        {
            Pruned.TrySetResult(cutoffs);
            return ValueTask.FromResult(default(RetentionResult));
        }
    }
}
