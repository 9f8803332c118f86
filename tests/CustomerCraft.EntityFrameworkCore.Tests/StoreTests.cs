using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Model;
using CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;
using CustomerCraft.Escalation;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using CustomerCraft.Tests.Escalation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using static CustomerCraft.Tests.Escalation.EscalationFixtures;

namespace CustomerCraft.EntityFrameworkCore.Tests;

/// <summary>What every store must do, on each engine: the same tests run on SQLite and PostgreSQL.</summary>
public abstract class StoreTests
{
    private static readonly DateTimeOffset AllTime = DateTimeOffset.MinValue;

    private protected abstract Engine Engine { get; }

    [SkippableFact]
    public async Task Migrations_create_the_schema_once_and_match_the_model()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();

        // Applied already by CreateAsync: a second run is a no-op.
        await host.Services.MigrateCustomerCraftDatabaseAsync();

        await using CustomerCraftDbContext context = host.Services.GetRequiredService<IDbContextFactory<CustomerCraftDbContext>>().CreateDbContext();
        (await context.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await context.Database.GetAppliedMigrationsAsync()).Select(id => id[15..]).Should().Equal("Initial", "RetentionAndReserveFunction", "ChargesWithoutForeignKey");
        context.Database.HasPendingModelChanges().Should().BeFalse("the shipped snapshot must match the model; run .ci/add-migration after changing it");
    }

    [SkippableFact]
    public async Task Instances_starting_together_apply_each_migration_once()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine, migrate: false);
        TestHost[] hosts = [db.Host(), db.Host(), db.Host()];
        try
        {
            await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Services.MigrateCustomerCraftDatabaseAsync())));

            await using CustomerCraftDbContext context = db.OpenContext();
            (await context.Database.GetAppliedMigrationsAsync()).Should().HaveCount(3, "each of the three migrations is applied once");
            (await hosts[0].Authority.GrantAsync(PolicyFixtures.Refund(10m, key: "k"))).IsGranted.Should().BeTrue();
        }
        finally
        {
            Array.ForEach(hosts, h => h.Dispose());
        }
    }

    [SkippableFact]
    public async Task Upgrading_a_database_that_holds_grants_keeps_them()
    {
        // A database at the release before the charges lost their foreign key to the grants (on
        // SQLite dropping it rebuilds the table), with a grant in it.
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine, migrate: false);
        using TestHost host = db.Host();
        IDbContextFactory<CustomerCraftDbContext> contexts = host.Services.GetRequiredService<IDbContextFactory<CustomerCraftDbContext>>();
        await using (CustomerCraftDbContext context = await contexts.CreateDbContextAsync())
        {
            string previous = context.Database.GetMigrations().Single(id => id.EndsWith("_RetentionAndReserveFunction", StringComparison.Ordinal));
            await context.GetService<IMigrator>().MigrateAsync(previous);
        }

        GrantResult before = await host.Authority.GrantAsync(PolicyFixtures.Refund(60m, key: "before"));
        before.IsGranted.Should().BeTrue();
        GrantResult voidedBefore = await host.Authority.GrantAsync(PolicyFixtures.Refund(30m, key: "voided-before"));
        await host.Authority.VoidAsync(voidedBefore.Grant!.GrantId, "voided before the upgrade");

        await host.Services.MigrateCustomerCraftDatabaseAsync();

        await using (CustomerCraftDbContext context = await contexts.CreateDbContextAsync())
        {
            (await context.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        }

        IBudgetLedger ledger = host.Services.GetRequiredService<IBudgetLedger>();
        (await ledger.FindByIdempotencyKeyAsync("before")).Should().BeEquivalentTo(before.Grant);
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, "C-1", "Refund"), AllTime)).Should().Be(new BudgetUsage(60m, 1), "the charges voided before the upgrade stay voided");
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(40m, key: "after"))).IsGranted.Should().BeTrue();
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(0.01m, key: "over"))).IsGranted.Should().BeFalse("the grant made before the upgrade still counts");
        (await ledger.VoidAsync(before.Grant!.GrantId, host.Time.GetUtcNow(), "upgrade test")).Should().NotBeNull();
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), AllTime)).Should().Be(new BudgetUsage(40m, 1));
    }

    [SkippableFact]
    public async Task A_grant_charges_every_budget_and_a_void_releases_them()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        IBudgetLedger ledger = host.Services.GetRequiredService<IBudgetLedger>();

        GrantResult granted = await host.Authority.GrantAsync(PolicyFixtures.Refund(60.25m, key: "k-1"));

        granted.IsGranted.Should().BeTrue();
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "refund"), AllTime)).Should().Be(new BudgetUsage(60.25m, 1));
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, "C-1", "Refund"), AllTime)).Should().Be(new BudgetUsage(60.25m, 1));
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Agent, "ANA", "REFUND"), AllTime)).Should().Be(new BudgetUsage(60.25m, 1), "budgets are kept under the id's comparison key");
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Agent, "ANA", "Refund"), host.Time.GetUtcNow().AddTicks(1))).Should().Be(BudgetUsage.None, "the window starts after the grant");
        (await ledger.FindByIdempotencyKeyAsync("k-1")).Should().BeEquivalentTo(granted.Grant);
        (await ledger.FindGrantAsync(granted.Grant!.GrantId)).Should().BeEquivalentTo(granted.Grant);

        // 60.25 + 40 fits the 100 per incident; another cent does not.
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(39.75m, key: "k-2"))).IsGranted.Should().BeTrue();
        GrantResult over = await host.Authority.GrantAsync(PolicyFixtures.Refund(0.01m, key: "k-3"));
        over.IsGranted.Should().BeFalse();
        over.Decision!.Outcome.Should().Be(DecisionOutcome.RequiresApproval);

        host.Time.Advance(TimeSpan.FromMinutes(5));
        GrantRecord voided = await host.Authority.VoidAsync(granted.Grant.GrantId, "duplicate order");
        voided.VoidedAt.Should().Be(host.Time.GetUtcNow());
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), AllTime)).Should().Be(new BudgetUsage(39.75m, 1));
        host.Time.Advance(TimeSpan.FromMinutes(5));
        (await ledger.VoidAsync(granted.Grant.GrantId, host.Time.GetUtcNow(), "again")).Should().BeEquivalentTo(voided, "voiding twice keeps the first void");
        (await ledger.VoidAsync("no-such-grant", host.Time.GetUtcNow(), "x")).Should().BeNull();
    }

    [SkippableFact]
    public async Task A_retried_grant_landing_on_another_instance_is_charged_once()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost first = db.Host();
        using TestHost second = db.Host(time: first.Time);

        GrantResult original = await first.Authority.GrantAsync(PolicyFixtures.Refund(70m, key: "order-9"));
        GrantResult retry = await second.Authority.GrantAsync(PolicyFixtures.Refund(70m, key: "order-9"));

        retry.IsReplay.Should().BeTrue();
        retry.Grant!.GrantId.Should().Be(original.Grant!.GrantId);
        await using CustomerCraftDbContext context = db.OpenContext();
        (await context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM customercraft_grants").SingleAsync()).Should().Be(1);
        (await second.Services.GetRequiredService<IBudgetLedger>().GetUsageAsync(new BudgetKey(BudgetScope.Customer, "C-1", "Refund"), AllTime))
            .Should().Be(new BudgetUsage(70m, 1));
    }

    [SkippableFact]
    public async Task A_reservation_over_its_limit_writes_nothing()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        IBudgetLedger ledger = host.Services.GetRequiredService<IBudgetLedger>();
        GrantRecord grant = Grant("g-1", "key-1", 80m, host.Time.GetUtcNow());

        ReservationResult result = await ledger.TryReserveAsync(new BudgetReservation
        {
            Grant = grant,
            Charges = [new(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), AllTime, 100m, null), new(new BudgetKey(BudgetScope.Customer, "C-1", "Refund"), AllTime, 50m, null)],
        });

        result.Should().Be(new ReservationResult(ReservationStatus.LimitExceeded, ExceededBudget: new BudgetKey(BudgetScope.Customer, "C-1", "Refund")));
        (await ledger.FindGrantAsync("g-1")).Should().BeNull();
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), AllTime)).Should().Be(BudgetUsage.None);

        var countLimited = new BudgetReservation { Grant = grant, Charges = [new(new BudgetKey(BudgetScope.Agent, "ana", "Refund"), AllTime, null, 1)] };
        (await ledger.TryReserveAsync(countLimited)).Status.Should().Be(ReservationStatus.Reserved);
        (await ledger.TryReserveAsync(new BudgetReservation { Grant = grant with { GrantId = "g-2", IdempotencyKey = "key-2" }, Charges = countLimited.Charges }))
            .Status.Should().Be(ReservationStatus.LimitExceeded);
    }

    [SkippableFact]
    public async Task Amounts_with_more_than_four_decimals_are_refused_by_name()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        IBudgetLedger ledger = host.Services.GetRequiredService<IBudgetLedger>();

        Func<Task> reserve = async () => await ledger.TryReserveAsync(new BudgetReservation
        {
            Grant = Grant("g-1", "key-1", 1.00001m, host.Time.GetUtcNow()),
            Charges = [new(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), AllTime, null, null)],
        });

        (await reserve.Should().ThrowAsync<ArgumentException>()).WithMessage("*four decimal places*1.00001*");
    }

    [SkippableFact]
    public async Task The_decision_log_reads_back_in_order_with_filters()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        await host.Authority.GrantAsync(PolicyFixtures.Refund(30m, key: "a") with { CustomerSegment = "Gold", Attributes = new Dictionary<string, string> { ["order"] = "42" } });
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.Authority.GrantAsync(PolicyFixtures.Refund(500m, key: "b"));
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.Authority.GrantAsync(PolicyFixtures.Refund(20m, agent: "ben", customer: "C-2", incident: "T-2", key: "c"));

        IDecisionLog log = host.Services.GetRequiredService<IDecisionLog>();
        List<DecisionRecord> all = await log.ReadAsync(DecisionLogQuery.All).ToListAsync();
        all.Select(r => (r.Kind, r.Amount)).Should().Equal((DecisionRecordKind.Granted, 30m), (DecisionRecordKind.Refused, 500m), (DecisionRecordKind.Granted, 20m));
        all[0].Request.CustomerSegment.Should().Be("Gold");
        all[0].Request.Attributes.Should().Contain("order", "42");
        all[1].RequiredApproverRole.Should().Be("TeamLead");
        all[0].Timestamp.Should().Be(PolicyFixtures.Start);

        (await log.ReadAsync(new DecisionLogQuery { AgentId = "ben" }).ToListAsync()).Should().ContainSingle().Which.Amount.Should().Be(20m);
        (await log.ReadAsync(new DecisionLogQuery { CustomerId = "C-1", From = PolicyFixtures.Start.AddSeconds(30) }).ToListAsync()).Should().ContainSingle().Which.Amount.Should().Be(500m);
        (await log.ReadAsync(new DecisionLogQuery { To = PolicyFixtures.Start.AddSeconds(30) }).ToListAsync()).Should().ContainSingle().Which.Amount.Should().Be(30m);
    }

    /// <summary>
    /// Appenders arriving together share INSERTs (group commit), and each returns only once its own
    /// record is stored: 64 concurrent appends, each read back by the appender as soon as its call
    /// returns, all stored once, in fewer statements than records.
    /// </summary>
    [SkippableFact]
    public async Task Concurrent_decision_appends_share_statements_and_each_returns_once_stored()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var counter = new FaultInterceptor();
        var gate = new FirstDecisionInsertGate();
        using TestHost host = db.Host(configure: o => o.AddInterceptors(counter, gate));
        IDecisionLog log = host.Services.GetRequiredService<IDecisionLog>();
        counter.Reset();

        // The first append leads and is held inside its INSERT; the other 63 are queued while that
        // write is in progress (an append enqueues before its first await), so they are not left
        // to the thread pool's timing to overlap.
        async Task<bool> AppendAndReadBack(int i)
        {
            await log.AppendAsync(Decision(i, $"agent-{i}"));
            return await log.ReadAsync(new DecisionLogQuery { AgentId = $"agent-{i}" }).CountAsync() == 1;
        }

        Task<bool> first = AppendAndReadBack(1);
        await gate.Entered.Task;
        Task<bool>[] rest = Enumerable.Range(2, 63).Select(AppendAndReadBack).ToArray();
        gate.Release.SetResult();
        bool[] seenOnReturn = await Task.WhenAll([first, .. rest]);

        seenOnReturn.Should().AllSatisfy(seen => seen.Should().BeTrue("an append returns after its record is committed"));
        (await log.ReadAsync(DecisionLogQuery.All).Select(r => r.Amount).ToListAsync()).Should().BeEquivalentTo(Enumerable.Range(1, 64).Select(i => (decimal)i));
        int inserts;
        lock (counter.Sql)
        {
            inserts = counter.Sql.Count(sql => sql.Contains("INSERT INTO customercraft_decisions", StringComparison.Ordinal));
        }

        inserts.Should().BeLessThan(64, "appenders that waited for a write in progress share the next one");
    }

    /// <summary>
    /// A statement that fails fails the appends it carried, and only those; the lead passes on, so
    /// the appenders queued behind it are written and nobody is left waiting.
    /// </summary>
    [SkippableFact]
    public async Task A_failed_group_write_fails_only_its_own_appends_and_the_log_goes_on()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var faults = new FaultInterceptor();
        using TestHost host = db.Host(configure: o => o.AddInterceptors(faults));
        IDecisionLog log = host.Services.GetRequiredService<IDecisionLog>();
        faults.Reset();
        faults.FailCommand = 1;

        bool[] stored = await Task.WhenAll(Enumerable.Range(1, 32).Select(i => Task.Run(async () =>
        {
            try
            {
                await log.AppendAsync(Decision(i, $"agent-{i}"));
                return true;
            }
            catch (InjectedFault)
            {
                return false;
            }
        })));

        stored.Should().Contain(false, "the first statement failed");
        List<decimal> amounts = await log.ReadAsync(DecisionLogQuery.All).Select(r => r.Amount).ToListAsync();
        amounts.Should().BeEquivalentTo(Enumerable.Range(1, 32).Where(i => stored[i - 1]).Select(i => (decimal)i), "exactly the appends that returned are stored");
        await log.AppendAsync(Decision(100, "later"));
        (await log.ReadAsync(new DecisionLogQuery { AgentId = "later" }).CountAsync()).Should().Be(1);
    }

    private static DecisionRecord Decision(int amount, string agent) => new()
    {
        Timestamp = PolicyFixtures.Start,
        Kind = DecisionRecordKind.Refused,
        Request = PolicyFixtures.Refund(amount, agent: agent),
        Outcome = DecisionOutcome.Denied,
        Amount = amount,
        PolicyVersion = 1,
    };

    [SkippableFact]
    public async Task A_case_round_trips_with_its_whole_timeline()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        ICaseWorkflow workflow = host.Workflow();

        await workflow.OpenAsync("case-1");
        SupportCase waiting = await workflow.RequestApprovalAsync("case-1", PolicyFixtures.Refund(150m, incident: "case-1") with { Channel = "Phone", ReasonCodes = ["LateDelivery"] }, "Customer wants a full refund.");
        host.Time.Advance(TimeSpan.FromMinutes(40));
        ApprovalResult approved = await workflow.ApproveAsync("case-1", Tina, "fine");

        SupportCase? stored = await host.Store().FindAsync("case-1");
        stored.Should().BeEquivalentTo(approved.Case, o => o.ComparingByMembers<SupportCase>());
        stored!.History.Should().HaveCount(approved.Case.History.Count);
        stored.History[^1].GrantId.Should().Be(approved.Grant.GrantId);
        waiting.PendingApproval!.Request.ReasonCodes.Should().Equal("LateDelivery");
        (await host.Services.GetRequiredService<IBudgetLedger>().FindGrantAsync(approved.Grant.GrantId))!.ApproverId.Should().Be("tina");
    }

    /// <summary>
    /// Issue 14: a store reads cases back through CaseRehydration.Restore, so a document that
    /// disagrees with its timeline (edited by hand, or written by something other than the
    /// workflow) is reported as corrupt data naming the case, never handed out as a case.
    /// </summary>
    [SkippableFact]
    public async Task A_stored_case_whose_state_disagrees_with_its_timeline_is_refused_as_corrupt()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        SupportCase waiting = await host.Workflow().AwaitingApprovalAsync();
        (await host.Store().FindAsync("case-1")).Should().BeEquivalentTo(waiting, o => o.ComparingByMembers<SupportCase>());

        await using (CustomerCraftDbContext context = db.OpenContext())
        {
            CaseRow row = await context.Set<CaseRow>().SingleAsync();
            row.Document.Should().Contain("\"State\":\"AwaitingApproval\"");
            row.Document = row.Document.Replace("\"State\":\"AwaitingApproval\"", "\"State\":\"Resolved\"", StringComparison.Ordinal);
            await context.SaveChangesAsync();
        }

        using TestHost fresh = db.Host(time: host.Time);
        Func<Task> read = async () => await fresh.Store().FindAsync("case-1");
        (await read.Should().ThrowAsync<InvalidDataException>())
            .WithMessage("Stored case 'case-1': State is Resolved but the timeline leaves the case AwaitingApproval*");
    }

    [SkippableFact]
    public async Task A_save_based_on_an_old_version_fails_and_writes_nothing()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        ICaseStore store = host.Store();
        SupportCase opened = await host.Workflow().OpenAsync("case-1");
        SupportCase moved = await host.Workflow().AssignAsync("case-1", Ben);

        SupportCase stale = StoredCases.Change(opened, s => s with { Version = opened.Version + 1, Subject = "stale edit" });
        Func<Task> save = async () => await store.SaveAsync(stale, opened.Version);

        (await save.Should().ThrowAsync<CaseConcurrencyException>()).Which.Message.Should().Contain("case-1");
        (await store.FindAsync("case-1")).Should().BeEquivalentTo(moved, o => o.ComparingByMembers<SupportCase>());
        Func<Task> create = async () => await store.CreateAsync(opened);
        (await create.Should().ThrowAsync<CaseAlreadyExistsException>()).WithMessage("*already exists*");
        Func<Task> missing = async () => await store.SaveAsync(StoredCases.Change(opened, s => s with { Id = "nope", Version = 1 }), 0);
        await missing.Should().ThrowAsync<CaseNotFoundException>();
        Func<Task> rewrite = async () => await store.SaveAsync(StoredCases.Change(moved, s => s with { Version = moved.Version + 1, History = moved.History.Take(1).ToArray(), State = CaseState.New }), moved.Version);
        (await rewrite.Should().ThrowAsync<ArgumentException>()).WithMessage("*append-only*");
    }

    [SkippableFact]
    public async Task An_instance_reads_what_others_appended_and_cannot_save_over_it()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost first = db.Host();
        using TestHost second = db.Host(time: first.Time);
        SupportCase opened = await first.Workflow().OpenAsync("case-1");
        (await second.Store().FindAsync("case-1")).Should().BeEquivalentTo(opened, o => o.ComparingByMembers<SupportCase>());

        // The first instance knows version 1; the second moves the case on twice.
        await second.Workflow().AddNoteAsync("case-1", Ben, "called the customer");
        SupportCase moved = await second.Workflow().AssignAsync("case-1", Ben);

        Func<Task> stale = async () => await first.Store().SaveAsync(StoredCases.Change(opened, s => s with { Version = 2, Subject = "stale" }), 1);
        await stale.Should().ThrowAsync<CaseConcurrencyException>();
        SupportCase seen = (await first.Store().FindAsync("case-1"))!;
        seen.Should().BeEquivalentTo(moved, o => o.ComparingByMembers<SupportCase>());
        seen.History.Select(e => e.Note).Should().Contain("called the customer");

        SupportCase noted = await first.Workflow().AddNoteAsync("case-1", Ana, "back to me");
        (await second.Store().FindAsync("case-1")).Should().BeEquivalentTo(noted, o => o.ComparingByMembers<SupportCase>());
    }

    [SkippableFact]
    public async Task A_case_this_instance_saved_is_read_back_without_its_timeline()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var counter = new FaultInterceptor();
        using TestHost host = db.Host(configure: o => o.AddInterceptors(counter));
        await host.Workflow().OpenAsync("case-1");
        for (int i = 0; i < 20; i++)
        {
            await host.Workflow().AddNoteAsync("case-1", Ana, $"note {i}");
        }

        counter.Reset();
        SupportCase found = (await host.Store().FindAsync("case-1"))!;

        found.History.Should().HaveCount(22);
        counter.Sql.Should().ContainSingle("the timeline is known; only the case row is read").Which.Should().Contain("customercraft_cases");
        counter.Reset();
        await host.Workflow().AddNoteAsync("case-1", Ana, "one more");
        counter.Sql.Where(sql => sql.TrimStart().StartsWith("SELECT", StringComparison.Ordinal)).Should().ContainSingle("a transition reads the case row and nothing else");
        counter.Sql.Should().NotContain(sql => sql.Contains("FROM \"customercraft_case_events\"") || sql.Contains("FROM customercraft_case_events"));
    }

    [SkippableFact]
    public async Task Due_cases_are_claimed_once_until_the_lease_runs_out()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        ICaseStore store = host.Store();
        for (int i = 1; i <= 3; i++)
        {
            await host.Workflow().OpenAsync($"case-{i}");
            host.Time.Advance(TimeSpan.FromMinutes(1));
        }

        DateTimeOffset later = host.Time.GetUtcNow().AddDays(1);
        IReadOnlyList<SupportCase> claimed = await store.ClaimDueAsync(later, 2, TimeSpan.FromMinutes(5));
        claimed.Select(c => c.Id).Should().Equal("case-1", "case-2");
        (await store.ClaimDueAsync(later, 10, TimeSpan.FromMinutes(5))).Select(c => c.Id).Should().Equal("case-3");
        (await store.ClaimDueAsync(later, 10, TimeSpan.FromMinutes(5))).Should().BeEmpty("every due case is held");

        // A worker that died: its claims run out with the lease.
        (await store.ClaimDueAsync(later.AddMinutes(5), 10, TimeSpan.FromMinutes(5))).Select(c => c.Id).Should().Equal("case-1", "case-2", "case-3");

        // A save releases the claim.
        SupportCase first = claimed[0];
        await store.SaveAsync(StoredCases.Change(first, s => s with { Version = first.Version + 1 }), first.Version);
        (await store.ClaimDueAsync(later.AddMinutes(6), 10, TimeSpan.FromMinutes(5))).Select(c => c.Id).Should().Equal("case-1");
        (await store.ClaimDueAsync(host.Time.GetUtcNow(), 10, TimeSpan.FromMinutes(5))).Should().BeEmpty("nothing is due yet");
    }

    [SkippableFact]
    public async Task Queries_filter_and_order_by_the_soonest_deadline()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        ICaseWorkflow workflow = host.Workflow();
        await workflow.OpenAsync("low", CasePriority.Low);
        await workflow.OpenAsync("urgent", CasePriority.Urgent);
        await workflow.OpenAsync("normal");
        await workflow.AwaitingApprovalAsync(150m, "waiting");
        await workflow.OpenAsync("bens", owner: Ben);

        (await workflow.QueryAsync(new CaseQuery { State = CaseState.AwaitingApproval, Level = 1 })).Select(c => c.Id).Should().Equal("waiting");
        (await workflow.QueryAsync(new CaseQuery { OwnerId = "ben" })).Select(c => c.Id).Should().Equal("bens");
        IReadOnlyList<SupportCase> all = await workflow.QueryAsync(new CaseQuery { CustomerId = "C-1", Limit = 10 });
        all.Should().HaveCount(5);
        all.Select(c => c.NextDueAt ?? DateTimeOffset.MaxValue).Should().BeInAscendingOrder();
        (await workflow.QueryAsync(new CaseQuery { Limit = 2 })).Should().HaveCount(2);
    }

    internal static GrantRecord Grant(string id, string key, decimal amount, DateTimeOffset at) => new()
    {
        GrantId = id,
        IdempotencyKey = key,
        AgentId = "ana",
        Role = "Agent",
        CustomerId = "C-1",
        IncidentId = "T-1",
        Action = "Refund",
        Amount = amount,
        Currency = "USD",
        RequestedAmount = amount,
        RequestedCurrency = "USD",
        ContextFingerprint = "f",
        GrantedAt = at,
    };
}

public sealed class SqliteStoreTests : StoreTests
{
    private protected override Engine Engine => Engine.Sqlite;

    /// <summary>
    /// SQLite drops the charges' foreign key by rebuilding the table: in one transaction, so that a
    /// failure half-way (here, at the drop of the old table, after the copy) leaves the database as
    /// it was and the next start migrates it (EF Core's own rebuild commits the copy first, and
    /// its next attempt then fails on the copy's table).
    /// </summary>
    [Fact]
    public async Task The_charges_rebuild_is_one_transaction_and_a_failure_in_it_leaves_nothing_behind()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite, migrate: false);
        var failDrop = new FailFirstCommand("DROP TABLE \"customercraft_budget_charges\"");
        using TestHost host = db.Host(configure: o => o.AddInterceptors(failDrop));
        IDbContextFactory<CustomerCraftDbContext> contexts = host.Services.GetRequiredService<IDbContextFactory<CustomerCraftDbContext>>();
        await using (CustomerCraftDbContext context = await contexts.CreateDbContextAsync())
        {
            string previous = context.Database.GetMigrations().Single(id => id.EndsWith("_RetentionAndReserveFunction", StringComparison.Ordinal));
            await context.GetService<IMigrator>().MigrateAsync(previous);
        }

        (await host.Authority.GrantAsync(PolicyFixtures.Refund(60m, key: "before"))).IsGranted.Should().BeTrue();
        failDrop.Armed = true;

        await FluentActions.Awaiting(() => host.Services.MigrateCustomerCraftDatabaseAsync()).Should().ThrowAsync<InjectedFault>();

        failDrop.Fired.Should().BeTrue();
        (await CountAsync(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'ef_temp_customercraft_budget_charges'")).Should().Be(0, "the copy was rolled back with the rest");
        (await CountAsync(db, "SELECT COUNT(*) FROM pragma_foreign_key_list('customercraft_budget_charges')")).Should().Be(1, "the old table is still there");
        (await CountAsync(db, "SELECT COUNT(*) FROM customercraft_budget_charges")).Should().Be(3);

        await host.Services.MigrateCustomerCraftDatabaseAsync();

        (await CountAsync(db, "SELECT COUNT(*) FROM pragma_foreign_key_list('customercraft_budget_charges')")).Should().Be(0);
        (await CountAsync(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customercraft_budget_charges' AND name LIKE 'IX_%'")).Should().Be(3);
        (await CountAsync(db, "SELECT COUNT(*) FROM customercraft_budget_charges")).Should().Be(3);
        (await host.Services.GetRequiredService<IBudgetLedger>().GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), DateTimeOffset.MinValue))
            .Should().Be(new BudgetUsage(60m, 1));
    }

    private static async Task<long> CountAsync(TestDatabase db, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Fails the first non-query command whose text starts with a given statement, once armed.</summary>
    private sealed class FailFirstCommand(string statement) : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public bool Armed { get; set; }

        public bool Fired { get; private set; }

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return ValueTask.FromResult(result);
        }

        public override Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> NonQueryExecuting(System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result)
        {
            Check(command);
            return result;
        }

        private void Check(System.Data.Common.DbCommand command)
        {
            if (Armed && command.CommandText.TrimStart().StartsWith(statement, StringComparison.Ordinal))
            {
                Armed = false;
                Fired = true;
                throw new InjectedFault($"injected at: {statement}");
            }
        }
    }
}

public sealed class PostgreSqlStoreTests : StoreTests
{
    private protected override Engine Engine => Engine.PostgreSql;
}

/// <summary>Holds the first decision-log INSERT until <see cref="Release"/> is set, signalling <see cref="Entered"/> when it arrives.</summary>
internal sealed class FirstDecisionInsertGate : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
{
    private int _held;

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await HoldAsync(command);
        return result;
    }

    public override async ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await HoldAsync(command);
        return result;
    }

    private async Task HoldAsync(System.Data.Common.DbCommand command)
    {
        if (command.CommandText.Contains("INSERT INTO customercraft_decisions", StringComparison.Ordinal) && Interlocked.Exchange(ref _held, 1) == 0)
        {
            Entered.SetResult();
            await Release.Task;
        }
    }
}
