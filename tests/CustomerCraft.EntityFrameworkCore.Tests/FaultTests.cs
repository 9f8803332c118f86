using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;
using CustomerCraft.Escalation;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.EntityFrameworkCore.Tests;

/// <summary>
/// A failure at any step of a grant or a transition leaves nothing half written: the test counts
/// the commands a successful operation sends, then fails each one in turn (and the commit, and
/// the acknowledgement of the commit) and checks the rows after every failure.
/// </summary>
public abstract class FaultTests
{
    private protected abstract Engine Engine { get; }

    [SkippableFact]
    public async Task A_grant_that_fails_at_any_step_leaves_nothing_half_written_and_can_be_retried()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var faults = new FaultInterceptor();
        using TestHost host = db.Host(configure: o => o.AddInterceptors(faults));

        // A grant on budgets that exist already: how many commands and commits does it take?
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(5m, incident: "T-0", key: "warm-up"))).IsGranted.Should().BeTrue();
        faults.Reset();
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(5m, incident: "T-0", key: "count"))).IsGranted.Should().BeTrue();
        int steps = faults.Commands;
        if (Engine == Engine.PostgreSql)
        {
            steps.Should().Be(1, "the reserve function checks the key, sums the windows, checks the limits and stores the grant with its decision record in one call");
        }
        else
        {
            steps.Should().Be(2, "the key's look-up with the window sums, then the grant with its charges and decision record, in one transaction of the group commit");
        }

        List<Action<FaultInterceptor>> failures = EveryStep(steps);

        for (int i = 0; i < failures.Count; i++)
        {
            string key = $"fault-{i}";
            faults.Reset();
            failures[i](faults);
            try
            {
                await host.Authority.GrantAsync(PolicyFixtures.Refund(5m, incident: "T-0", key: key));
            }
            catch (Exception ex) when (IsInjected(ex))
            {
            }

            await AssertLedgerIsWholeAsync(db);

            faults.Reset();
            GrantResult retried = await host.Authority.GrantAsync(PolicyFixtures.Refund(5m, incident: "T-0", key: key));
            retried.IsGranted.Should().BeTrue($"failure {i}: the retry grants (or replays) the refund");
            await using CustomerCraftDbContext context = db.OpenContext();
            (await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM customercraft_grants WHERE idempotency_key = {0}", key).SingleAsync())
                .Should().Be(1, $"failure {i}: the retry is charged once");
        }

        // 2 + every failure's retry, $5 each, all on T-0.
        BudgetUsage usage = await host.Services.GetRequiredService<IBudgetLedger>().GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-0", "Refund"), DateTimeOffset.MinValue);
        usage.Should().Be(new BudgetUsage(5m * (2 + failures.Count), 2 + failures.Count));
    }

    [SkippableFact]
    public async Task A_transition_that_fails_at_any_step_leaves_the_case_as_it_was_or_wholly_moved()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var faults = new FaultInterceptor();
        using TestHost host = db.Host(configure: o => o.AddInterceptors(faults));
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync("case-1");

        faults.Reset();
        await workflow.AddNoteAsync("case-1", Ana, "counting");
        int steps = faults.Commands;

        List<Action<FaultInterceptor>> failures = EveryStep(steps);

        for (int i = 0; i < failures.Count; i++)
        {
            SupportCase before = (await host.Store().FindAsync("case-1"))!;
            faults.Reset();
            failures[i](faults);
            bool threw = false;
            try
            {
                await workflow.AddNoteAsync("case-1", Ana, $"note {i}");
            }
            catch (Exception ex) when (IsInjected(ex))
            {
                threw = true;
            }

            faults.Reset();
            SupportCase after = (await host.Store().FindAsync("case-1"))!;
            await AssertTimelineIsWholeAsync(db, "case-1");
            if (after.Version == before.Version)
            {
                after.Should().BeEquivalentTo(before, o => o.ComparingByMembers<SupportCase>(), $"failure {i}: nothing was written");
                threw.Should().BeTrue($"failure {i}: a save that did not happen is reported");
                await workflow.AddNoteAsync("case-1", Ana, $"note {i}");
            }
            else
            {
                after.Version.Should().Be(before.Version + 1, $"failure {i}: the save happened once");
                after.History.Should().HaveCount(before.History.Count + 1);
            }

            SupportCase final = (await host.Store().FindAsync("case-1"))!;
            final.History[^1].Note.Should().Be($"note {i}");
            final.History.Count(e => e.Note == $"note {i}").Should().Be(1);
        }
    }

    /// <summary>A failure at each of <paramref name="commands"/> commands, at the commit, and after the commit.</summary>
    private static List<Action<FaultInterceptor>> EveryStep(int commands)
    {
        var failures = new List<Action<FaultInterceptor>>();
        for (int step = 1; step <= commands; step++)
        {
            int failing = step;
            failures.Add(f => f.FailCommand = failing);
        }

        failures.Add(f => f.FailCommit = 1);
        failures.Add(f => f.LoseCommitAcknowledgement = 1);
        return failures;
    }

    private static bool IsInjected(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is InjectedFault)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task AssertLedgerIsWholeAsync(TestDatabase db)
    {
        await using CustomerCraftDbContext context = db.OpenContext();
        // Every grant has its three charges (incident, customer, agent), and no charge is orphaned.
        (await context.Database.SqlQueryRaw<int>(
            "SELECT COUNT(*) AS \"Value\" FROM customercraft_grants g WHERE (SELECT COUNT(*) FROM customercraft_budget_charges c WHERE c.grant_id = g.grant_id) <> 3").SingleAsync())
            .Should().Be(0);
        (await context.Database.SqlQueryRaw<int>(
            "SELECT COUNT(*) AS \"Value\" FROM customercraft_budget_charges c WHERE NOT EXISTS (SELECT 1 FROM customercraft_grants g WHERE g.grant_id = c.grant_id)").SingleAsync())
            .Should().Be(0);
    }

    private static async Task AssertTimelineIsWholeAsync(TestDatabase db, string caseId)
    {
        await using CustomerCraftDbContext context = db.OpenContext();
        int recorded = await context.Database.SqlQueryRaw<int>("SELECT history_count AS \"Value\" FROM customercraft_cases WHERE id = {0}", caseId).SingleAsync();
        int stored = await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM customercraft_case_events WHERE case_id = {0}", caseId).SingleAsync();
        stored.Should().Be(recorded, "the case row and its timeline rows are written together");
    }
}

public sealed class SqliteFaultTests : FaultTests
{
    private protected override Engine Engine => Engine.Sqlite;
}

public sealed class PostgreSqlFaultTests : FaultTests
{
    private protected override Engine Engine => Engine.PostgreSql;

    /// <summary>
    /// With <c>EnableRetryOnFailure</c>, a transient failure (a dropped connection, a timeout) at
    /// any step, or a commit whose acknowledgement is lost, is retried by EF Core's execution
    /// strategy: the caller sees a grant and a transition that happened once.
    /// </summary>
    [SkippableFact]
    public async Task Transient_failures_at_any_step_are_retried_and_applied_once()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var faults = new FaultInterceptor { Fault = message => new Npgsql.NpgsqlException(message, new TimeoutException("injected")) };
        using TestHost host = db.Host(configure: o => o.AddInterceptors(faults));
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(5m, incident: "T-0", key: "warm-up"))).IsGranted.Should().BeTrue();
        faults.Reset();
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(5m, incident: "T-0", key: "count"))).IsGranted.Should().BeTrue();
        int grantSteps = faults.Commands;
        await host.Workflow().OpenAsync("case-1");
        faults.Reset();
        await host.Workflow().AddNoteAsync("case-1", Ana, "counting");
        int noteSteps = faults.Commands;

        for (int step = 1; step <= Math.Max(grantSteps, noteSteps) + 2; step++)
        {
            faults.Reset();
            Arm(faults, step, grantSteps);
            GrantResult granted = await host.Authority.GrantAsync(PolicyFixtures.Refund(5m, incident: "T-0", key: $"transient-{step}"));
            granted.IsGranted.Should().BeTrue($"step {step}");

            faults.Reset();
            Arm(faults, step, noteSteps);
            await host.Workflow().AddNoteAsync("case-1", Ana, $"note {step}");
            faults.Reset();
        }

        await using CustomerCraftDbContext context = db.OpenContext();
        int steps = Math.Max(grantSteps, noteSteps) + 2;
        (await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM customercraft_grants WHERE idempotency_key LIKE 'transient-%'").SingleAsync()).Should().Be(steps);
        SupportCase stored = (await host.Store().FindAsync("case-1"))!;
        for (int step = 1; step <= steps; step++)
        {
            stored.History.Count(e => e.Note == $"note {step}").Should().Be(1, $"note {step} is saved once");
        }
    }

    /// <summary>
    /// The same idempotency key reaching two instances at once for different budgets (so the
    /// budget locks do not order them): the unique index lets the first commit win, and the
    /// other reservation returns that grant instead of charging a second time.
    /// </summary>
    [SkippableFact]
    public async Task A_key_racing_on_other_budgets_is_settled_by_the_unique_index()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var pause = new BeforeCommand("INSERT INTO customercraft_grants");
        using TestHost slow = db.Host(configure: o => o.AddInterceptors(pause));
        using TestHost fast = db.Host(time: slow.Time);
        IBudgetLedger slowLedger = slow.Services.GetRequiredService<IBudgetLedger>();
        IBudgetLedger fastLedger = fast.Services.GetRequiredService<IBudgetLedger>();
        DateTimeOffset now = slow.Time.GetUtcNow();
        // Both budgets exist already, so neither reservation starts over to create them.
        await fastLedger.TryReserveAsync(Reservation("warm-1", "warm-1", "T-1"));
        await fastLedger.TryReserveAsync(Reservation("warm-2", "warm-2", "T-2"));

        ReservationResult result;
        if (Engine == Engine.PostgreSql)
        {
            // The reservation is one server-side call, so the race is staged in the database: the
            // fast grant's row is inserted and held uncommitted, the slow call (which finds no
            // committed key) waits on it at its insert, and goes on once the fast one commits.
            await using var fastConnection = new Npgsql.NpgsqlConnection(db.ConnectionString);
            await fastConnection.OpenAsync();
            await using Npgsql.NpgsqlTransaction transaction = await fastConnection.BeginTransactionAsync();
            await using (var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO customercraft_grants (grant_id, idempotency_key, agent_id, role, customer_id, incident_id, action, amount, currency, requested_amount, requested_currency, context_fingerprint, granted_at, granted_at_ticks) " +
                "VALUES ('fast', 'shared-key', 'ana', 'Agent', 'C-1', 'T-2', 'Refund', 1, 'USD', 1, 'USD', 'f', now(), $1)",
                fastConnection,
                transaction))
            {
                insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = now.UtcTicks });
                await insert.ExecuteNonQueryAsync();
            }

            Task<ReservationResult> slowTask = slowLedger.TryReserveAsync(Reservation("slow", "shared-key", "T-1")).AsTask();
            await using CustomerCraftDbContext watcher = db.OpenContext();
            while (!slowTask.IsCompleted && (await watcher.Database.SqlQueryRaw<int>(
                "SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%customercraft_reserve%' AND datname = current_database()").ToListAsync())[0] == 0)
            {
                await Task.Yield();
            }

            slowTask.IsCompleted.Should().BeFalse("the slow reservation must be waiting on the uncommitted key");
            await transaction.CommitAsync();
            result = await slowTask;
        }
        else
        {
            // The slow reservation has checked the key and is about to insert when the fast one,
            // on another incident, commits the same key.
            pause.Action = _ => fastLedger.TryReserveAsync(Reservation("fast", "shared-key", "T-2")).AsTask();
            result = await slowLedger.TryReserveAsync(Reservation("slow", "shared-key", "T-1"));
        }

        result.Status.Should().Be(ReservationStatus.DuplicateIdempotencyKey);
        result.Existing!.GrantId.Should().Be("fast");
        (await slowLedger.FindGrantAsync("slow")).Should().BeNull();
        (await slowLedger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(1m, 1), "only the warm-up is charged to T-1");

        BudgetReservation Reservation(string grantId, string key, string incident) => new()
        {
            Grant = StoreTests.Grant(grantId, key, 1m, now) with { IncidentId = incident },
            Charges = [new(new BudgetKey(BudgetScope.Incident, incident, "Refund"), DateTimeOffset.MinValue, 100m, null)],
        };
    }

    /// <summary>Fails command <paramref name="step"/>, or past the last command the first commit, then the first acknowledgement.</summary>
    private static void Arm(FaultInterceptor faults, int step, int commands)
    {
        if (step <= commands)
        {
            faults.FailCommand = step;
        }
        else if (step == commands + 1)
        {
            faults.FailCommit = 1;
        }
        else
        {
            faults.LoseCommitAcknowledgement = 1;
        }
    }
}
