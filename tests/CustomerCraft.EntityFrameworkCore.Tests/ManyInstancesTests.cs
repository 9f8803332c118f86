using System.Collections.Concurrent;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;
using CustomerCraft.Escalation;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.EntityFrameworkCore.Tests;

/// <summary>
/// Several independent instances (containers with their own connection pools) on one database:
/// the core's guarantees must hold across them, not only inside one process.
/// </summary>
public abstract class ManyInstancesTests
{
    private const int Instances = 4;

    private protected abstract Engine Engine { get; }

    [SkippableFact]
    public async Task Instances_granting_at_once_grant_exactly_what_the_budgets_afford()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        Dictionary<string, string?> settings = Ladder();
        // $10 refunds for one customer on five incidents: the customer's $250 a day binds first
        // (25 grants), each incident's $100 could take 10.
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerCustomer:Amount"] = "250";
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerCustomer:Window"] = "Day";
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerAgent:Count"] = "4";
        settings["CustomerCraft:Empowerment:Roles:Agent:Limits:Refund:PerAgent:Window"] = "Day";
        var time = new FakeTimeProvider(PolicyFixtures.Start);
        TestHost[] hosts = Enumerable.Range(0, Instances).Select(_ => db.Host(settings, time)).ToArray();
        try
        {
            var granted = new ConcurrentBag<GrantRecord>();
            int refused = 0;
            // 4 instances x 4 workers x 8 attempts = 128 attempts by 16 agents (4 grants each at most).
            await Task.WhenAll(Enumerable.Range(0, Instances * 4).Select(worker => Task.Run(async () =>
            {
                IResolutionAuthority authority = hosts[worker % Instances].Authority;
                for (int attempt = 0; attempt < 8; attempt++)
                {
                    GrantResult result = await authority.GrantAsync(PolicyFixtures.Refund(10m, agent: $"agent-{worker}", incident: $"T-{attempt % 5}", key: $"w{worker}-a{attempt}"));
                    if (result.IsGranted)
                    {
                        granted.Add(result.Grant!);
                    }
                    else
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
            })));

            granted.Sum(g => g.Amount).Should().Be(250m);
            granted.Should().HaveCount(25);
            refused.Should().Be((Instances * 4 * 8) - 25);
            granted.GroupBy(g => g.AgentId).Should().OnlyContain(byAgent => byAgent.Count() <= 4);
            granted.GroupBy(g => g.IncidentId).Should().OnlyContain(byIncident => byIncident.Sum(g => g.Amount) <= 100m);

            await using CustomerCraftDbContext context = db.OpenContext();
            (await context.Database.SqlQueryRaw<decimal>("SELECT CAST(SUM(amount_units) AS BIGINT) / 10000.0 AS \"Value\" FROM customercraft_budget_charges WHERE scope = 1").SingleAsync())
                .Should().Be(250m, "the customer's budget rows add up to what was granted");
            (await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM customercraft_grants").SingleAsync()).Should().Be(25);
        }
        finally
        {
            Array.ForEach(hosts, h => h.Dispose());
        }
    }

    [SkippableFact]
    public async Task Two_instances_approving_the_same_case_make_exactly_one_approval()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var time = new FakeTimeProvider(PolicyFixtures.Start);
        using TestHost first = db.Host(time: time);
        using TestHost second = db.Host(time: time);

        for (int round = 0; round < 10; round++)
        {
            string caseId = $"case-{round}";
            await first.Workflow().AwaitingApprovalAsync(150m, caseId);

            Task<ApprovalResult>[] approvals =
            [
                Task.Run(async () => await first.Workflow().ApproveAsync(caseId, Tina)),
                Task.Run(async () => await second.Workflow().ApproveAsync(caseId, Tom)),
            ];
            try
            {
                await Task.WhenAll(approvals);
            }
            catch (Exception ex) when (ex is CaseConcurrencyException or CaseTransitionException or ApprovalRefusedException)
            {
                // The loser is told; the checks below are what matter.
            }

            approvals.Count(a => a.IsCompletedSuccessfully).Should().Be(1, $"round {round}: one approver wins");
            ApprovalResult winner = approvals.Single(a => a.IsCompletedSuccessfully).Result;
            SupportCase stored = (await second.Store().FindAsync(caseId))!;
            stored.History.Count(e => e.Trigger == CaseTrigger.Approve).Should().Be(1);
            stored.History.Single(e => e.Trigger == CaseTrigger.Approve).GrantId.Should().Be(winner.Grant.GrantId);

            await using CustomerCraftDbContext context = db.OpenContext();
            List<string> live = await context.Database
                .SqlQueryRaw<string>("SELECT grant_id AS \"Value\" FROM customercraft_grants WHERE incident_id = {0} AND voided_at IS NULL", caseId)
                .ToListAsync();
            live.Should().Equal([winner.Grant.GrantId], $"round {round}: the ledger holds exactly the grant the case records");
        }
    }

    [SkippableFact]
    public async Task Queries_read_whole_timelines_while_this_and_other_instances_append()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var time = new FakeTimeProvider(PolicyFixtures.Start);
        using TestHost first = db.Host(time: time);
        using TestHost second = db.Host(time: time);
        await first.Workflow().OpenAsync("mine");
        await second.Workflow().OpenAsync("theirs");

        using var done = new CancellationTokenSource();
        Task Append(TestHost host, string caseId) => Task.Run(async () =>
        {
            for (int i = 0; !done.IsCancellationRequested; i++)
            {
                await host.Workflow().AddNoteAsync(caseId, Ana, $"note {i}");
            }
        });

        Task[] writers = [Append(first, "mine"), Append(second, "theirs")];
        try
        {
            for (int i = 0; i < 300; i++)
            {
                // Every case read whole, whichever instance appended to it last.
                foreach (SupportCase read in await first.Workflow().QueryAsync(new CaseQuery()))
                {
                    read.History.Should().HaveCount((int)read.Version + 1, $"{read.Id} at version {read.Version}: opening wrote two entries, each note one");
                    read.History.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, read.History.Count));
                }
            }
        }
        finally
        {
            await done.CancelAsync();
            await Task.WhenAll(writers);
        }
    }

    [SkippableFact]
    public async Task Instances_processing_deadlines_at_once_apply_each_one_once()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var time = new FakeTimeProvider(PolicyFixtures.Start);
        TestHost[] hosts = Enumerable.Range(0, Instances).Select(_ => db.Host(time: time)).ToArray();
        try
        {
            const int Cases = 40;
            for (int i = 0; i < Cases; i++)
            {
                await hosts[i % Instances].Workflow().AwaitingApprovalAsync(150m, $"case-{i}");
            }

            // Past the TeamLead level's 2-hour approval timeout: every case warns twice and breaches.
            time.Advance(TimeSpan.FromHours(3));
            SlaProcessingResult[][] rounds = await Task.WhenAll(hosts.Select(host => Task.Run(async () =>
            {
                var results = new List<SlaProcessingResult>();
                for (int pass = 0; pass < 50; pass++)
                {
                    SlaProcessingResult result = await host.Workflow().ProcessDueAsync();
                    results.Add(result);
                    if (result.Cases == 0 && result.Conflicts == 0)
                    {
                        break;
                    }
                }

                return results.ToArray();
            })));

            List<SupportCase> cases = [];
            for (int i = 0; i < Cases; i++)
            {
                cases.Add((await hosts[0].Store().FindAsync($"case-{i}"))!);
            }

            foreach (SupportCase stored in cases)
            {
                stored.History.Where(e => e.Kind == CaseEventKind.SlaBreach)
                    .GroupBy(e => (e.Timer, e.Level))
                    .Should().OnlyContain(g => g.Count() == 1, $"{stored.Id}: each breach is applied once");
                stored.History.Where(e => e.Kind == CaseEventKind.SlaWarning)
                    .GroupBy(e => (e.Timer, e.Level, e.Detail))
                    .Should().OnlyContain(g => g.Count() == 1, $"{stored.Id}: each warning is raised once");
                stored.Level.Should().Be(2, "the approval moved up to the Manager after the TeamLead's timeout");
            }

            int breaches = cases.Sum(c => c.History.Count(e => e.Kind == CaseEventKind.SlaBreach));
            breaches.Should().BeGreaterThanOrEqualTo(Cases);
            rounds.SelectMany(r => r).Sum(r => r.Breaches).Should().Be(breaches, "the instances' reports add up to what is stored");
            rounds.SelectMany(r => r).Sum(r => r.Warnings).Should().Be(cases.Sum(c => c.History.Count(e => e.Kind == CaseEventKind.SlaWarning)));
        }
        finally
        {
            Array.ForEach(hosts, h => h.Dispose());
        }
    }
}

public sealed class SqliteManyInstancesTests : ManyInstancesTests
{
    private protected override Engine Engine => Engine.Sqlite;
}

public sealed class PostgreSqlManyInstancesTests : ManyInstancesTests
{
    private protected override Engine Engine => Engine.PostgreSql;
}
