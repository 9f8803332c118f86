using System.Collections.Concurrent;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Model;
using CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;
using CustomerCraft.Retention;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CustomerCraft.EntityFrameworkCore.Tests;

/// <summary>
/// Retention on the database stores: the same decisions before and after a prune, exact counts,
/// and pruning on several instances at once beside grants.
/// </summary>
public abstract class RetentionTests
{
    private protected abstract Engine Engine { get; }

    [SkippableFact]
    public async Task Every_decision_is_the_same_after_a_prune_and_exactly_the_old_rows_are_gone()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host(RetentionScenario.Settings(incidentBudgets: TimeSpan.FromDays(16)));
        List<GrantRecord> grants = await RetentionScenario.GrantHistoryAsync(host);
        IReadOnlyList<string> before = await RetentionScenario.DecideAsync(host);
        RetentionCutoffs cutoffs = host.Services.GetRequiredService<IDataRetention>().CutoffsAt(host.Time.GetUtcNow());
        long chargesBefore = await CountAsync<BudgetChargeRow>(db);

        RetentionResult pruned = await RetentionScenario.PruneAsync(host);

        (await RetentionScenario.DecideAsync(host)).Should().Equal(before);
        (long charges, long removedGrants) = RetentionScenario.Expected(grants, cutoffs);
        charges.Should().BeGreaterThan(100);
        pruned.Charges.Should().Be(charges);
        pruned.Grants.Should().Be(removedGrants).And.BeGreaterThan(grants.Count(g => g.IsVoided));
        (await CountAsync<BudgetChargeRow>(db)).Should().Be(chargesBefore - charges);
        (await CountAsync<GrantRow>(db)).Should().Be(grants.Count - removedGrants);
        // The evaluations above were logged, and are younger than the audit period.
        pruned.Decisions.Should().Be(0);
        if (Engine == Engine.PostgreSql)
        {
            pruned.Budgets.Should().BeGreaterThan(0, "the first weeks' incidents have no charge left");
            await using CustomerCraftDbContext context = db.OpenContext();
            (await context.Set<BudgetLockRow>().CountAsync()).Should().Be(await context.Set<BudgetChargeRow>().Select(c => new { c.Scope, c.SubjectId, c.Action }).Distinct().CountAsync(),
                "every lock row left has a charge, and every budget with a charge still has its row");
        }

        (await RetentionScenario.PruneAsync(host)).Total.Should().Be(0, "a second pass finds nothing more");
    }

    [SkippableFact]
    public async Task Decision_records_older_than_the_audit_period_are_removed_in_batches()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        Dictionary<string, string?> settings = RetentionScenario.Settings();
        settings["CustomerCraft:Retention:DecisionRecords"] = "20.00:00:00";
        using TestHost host = db.Host(settings);
        IDecisionLog log = host.Services.GetRequiredService<IDecisionLog>();
        for (int day = 0; day < 30; day++)
        {
            await log.AppendAsync(new DecisionRecord
            {
                Timestamp = PolicyFixtures.Start.AddDays(day), Kind = DecisionRecordKind.Granted, Request = PolicyFixtures.Refund(10m),
                Outcome = DecisionOutcome.Allowed, Amount = 10m, PolicyVersion = 1,
            });
        }

        host.Time.Advance(TimeSpan.FromDays(30));
        RetentionResult pruned = await RetentionScenario.PruneAsync(host);

        pruned.Decisions.Should().Be(10, "days 0 to 9 are more than 20 days old on day 30 (batches of 7)");
        List<DateTimeOffset> left = [];
        await foreach (DecisionRecord record in log.ReadAsync(DecisionLogQuery.All))
        {
            left.Add(record.Timestamp);
        }

        left.Should().Equal(Enumerable.Range(10, 20).Select(d => PolicyFixtures.Start.AddDays(d)));
    }

    [SkippableFact]
    public async Task Two_instances_pruning_at_once_beside_grants_remove_each_row_once_and_overspend_nothing()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var time = new FakeTimeProvider(PolicyFixtures.Start);
        Dictionary<string, string?> settings = RetentionScenario.Settings(incidentBudgets: TimeSpan.FromDays(16));
        using TestHost first = db.Host(settings, time);
        using TestHost second = db.Host(settings, time);
        List<GrantRecord> grants = await RetentionScenario.GrantHistoryAsync(first);
        RetentionCutoffs cutoffs = first.Services.GetRequiredService<IDataRetention>().CutoffsAt(time.GetUtcNow());
        (long charges, long removedGrants) = RetentionScenario.Expected(grants, cutoffs);
        IReadOnlyList<string> before = await RetentionScenario.DecideAsync(first);

        // Both instances prune while four workers grant $20 refunds (and void every third) on the
        // current budgets and on customers whose old budgets are being pruned.
        var granted = new ConcurrentBag<GrantRecord>();
        Task<RetentionResult> pruneFirst = Task.Run(() => RetentionScenario.PruneAsync(first));
        Task<RetentionResult> pruneSecond = Task.Run(() => RetentionScenario.PruneAsync(second));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            IResolutionAuthority authority = (worker % 2 == 0 ? first : second).Authority;
            for (int i = 0; i < 12; i++)
            {
                GrantResult result = await authority.GrantAsync(PolicyFixtures.Refund(20m, agent: $"late-{worker}", customer: $"C-{(worker + i) % 6}", incident: $"late-{worker}-{i}", key: $"late-{worker}-{i}"));
                if (result.IsGranted)
                {
                    granted.Add(i % 3 == 0 ? await authority.VoidAsync(result.Grant!.GrantId, "mistake") : result.Grant!);
                }
            }
        })));
        RetentionResult[] results = await Task.WhenAll(pruneFirst, pruneSecond);
        RetentionResult rest = await RetentionScenario.PruneAsync(first);

        // Each old row went once: the passes' counts add up to what had to go (plus the voided late
        // grants' charges, which whichever pass ran after the void took).
        RetentionResult total = results[0] + results[1] + rest;
        long lateVoided = granted.Count(g => g.IsVoided);
        total.Charges.Should().Be(charges + (3 * lateVoided));
        total.Grants.Should().Be(removedGrants);
        (await CountAsync<GrantRow>(db)).Should().Be(grants.Count - removedGrants + granted.Count);

        // No customer's rolling 10 days exceeds its $300, and each counts exactly its live grants.
        IBudgetLedger ledger = second.Services.GetRequiredService<IBudgetLedger>();
        for (int customer = 0; customer < 6; customer++)
        {
            DateTimeOffset since = time.GetUtcNow() - TimeSpan.FromDays(10);
            BudgetUsage usage = await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, $"C-{customer}", "refund"), since);
            usage.Amount.Should().BeLessThanOrEqualTo(300m);
            usage.Amount.Should().Be(grants.Concat(granted).Where(g => g.CustomerId == $"C-{customer}" && g.Action == "Refund" && !g.IsVoided && g.GrantedAt >= since).Sum(g => g.Amount));
        }

        granted.Should().NotBeEmpty();
        before.Should().NotBeEmpty();
    }

    [SkippableFact]
    public async Task A_grant_on_a_budget_whose_lock_row_was_pruned_makes_it_again()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host(RetentionScenario.Settings());
        IResolutionAuthority authority = host.Authority;
        GrantResult first = await authority.GrantAsync(PolicyFixtures.Refund(30m, key: "first"));
        await authority.VoidAsync(first.Grant!.GrantId, "mistake");
        RetentionResult pruned = await RetentionScenario.PruneAsync(host);
        pruned.Charges.Should().Be(3);

        GrantResult second = await authority.GrantAsync(PolicyFixtures.Refund(30m, key: "second"));

        second.IsGranted.Should().BeTrue();
        if (Engine == Engine.PostgreSql)
        {
            pruned.Budgets.Should().Be(3, "the voided grant's three budgets had no charge left");
            await using CustomerCraftDbContext context = db.OpenContext();
            (await context.Set<BudgetLockRow>().CountAsync()).Should().Be(3, "the second grant made its three lock rows again");
        }
    }

    [SkippableFact]
    public async Task Lock_rows_pruned_over_and_over_while_grants_wait_on_them_never_let_a_budget_overspend()
    {
        // Voided charges go at once, so a budget whose grants were voided loses its lock row while
        // other reservations create and lock it: each must find or make the row and queue on it.
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        Dictionary<string, string?> settings = RetentionScenario.Settings();
        using TestHost first = db.Host(settings);
        using TestHost second = db.Host(settings);
        var cutoffs = new RetentionCutoffs(DateTimeOffset.MinValue, null, null, BatchSize: 5);
        using var stop = new CancellationTokenSource();
        IRetentionStore pruner = (IRetentionStore)second.Services.GetRequiredService<IBudgetLedger>();
        Task pruning = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await pruner.PruneAsync(cutoffs);
            }
        });
        var live = new ConcurrentBag<GrantRecord>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            IResolutionAuthority authority = (worker % 2 == 0 ? first : second).Authority;
            for (int i = 0; i < 20; i++)
            {
                // Customer C-0's rolling $300 is the shared budget; every other grant is voided.
                GrantResult result = await authority.GrantAsync(PolicyFixtures.Refund(25m, agent: $"agent-{worker}", customer: "C-0", incident: $"T-{worker}-{i}", key: $"k-{worker}-{i}"));
                if (result.IsGranted && i % 2 == 0)
                {
                    await authority.VoidAsync(result.Grant!.GrantId, "mistake");
                }
                else if (result.IsGranted)
                {
                    live.Add(result.Grant!);
                }
            }
        })));
        await stop.CancelAsync();
        await pruning;
        // Fill what room the voids left, one at a time: the budget then holds exactly its limit.
        for (int i = 0; ; i++)
        {
            GrantResult result = await first.Authority.GrantAsync(PolicyFixtures.Refund(25m, agent: "agent-last", customer: "C-0", incident: $"T-last-{i}", key: $"last-{i}"));
            if (!result.IsGranted)
            {
                break;
            }

            live.Add(result.Grant!);
        }

        BudgetUsage usage = await first.Services.GetRequiredService<IBudgetLedger>().GetUsageAsync(new BudgetKey(BudgetScope.Customer, "C-0", "refund"), DateTimeOffset.MinValue);
        usage.Amount.Should().Be(live.Sum(g => g.Amount)).And.BeLessThanOrEqualTo(300m);
        live.Should().HaveCount(12, "$300 holds twelve $25 grants");
    }

    private static async Task<long> CountAsync<TRow>(TestDatabase db)
        where TRow : class
    {
        await using CustomerCraftDbContext context = db.OpenContext();
        return await context.Set<TRow>().LongCountAsync();
    }
}

public sealed class SqliteRetentionTests : RetentionTests
{
    private protected override Engine Engine => Engine.Sqlite;
}

public sealed class PostgreSqlRetentionTests : RetentionTests
{
    private protected override Engine Engine => Engine.PostgreSql;
}
