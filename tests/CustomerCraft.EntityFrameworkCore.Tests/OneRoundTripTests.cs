using System.Collections.Concurrent;
using System.Data.Common;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.EntityFrameworkCore.Tests;

/// <summary>
/// A grant without a look-up or a usage read before its reservation: the reservation checks the
/// key, sums the windows, reserves, stores the decision record and reports the usage it summed,
/// and the engine decides from it (issue 17, goal 5). On PostgreSQL one call of the reserve
/// function; on SQLite two commands in one transaction of the host's group commit.
/// </summary>
public abstract class OneRoundTripTests
{
    private protected abstract Engine Engine { get; }

    /// <summary>The commands a grant that is made sends: one call on PostgreSQL; a look-up with the sums and an insert on SQLite.</summary>
    private protected abstract string[] GrantCommands { get; }

    private static readonly DateTimeOffset AllTime = DateTimeOffset.MinValue;

    [SkippableFact]
    public async Task A_grant_is_one_call_and_decides_as_an_evaluation_before_it()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var commands = new CommandLog();
        using TestHost host = db.Host(configure: o => o.AddInterceptors(commands));

        foreach ((decimal amount, string key) in new[] { (60.25m, "k-1"), (39.75m, "k-2") })
        {
            AuthorityDecision expected = await host.Authority.EvaluateAsync(PolicyFixtures.Refund(amount));
            commands.Clear();

            GrantResult granted = await host.Authority.GrantAsync(PolicyFixtures.Refund(amount, key: key));

            granted.IsGranted.Should().BeTrue();
            commands.All.Should().HaveCount(GrantCommands.Length, "no key look-up and no usage read before the reservation, and the decision record stored with the grant");
            for (int i = 0; i < GrantCommands.Length; i++)
            {
                commands.All[i].Should().Contain(GrantCommands[i]);
            }

            commands.All[^1].Should().Contain(Engine == Engine.PostgreSql ? "customercraft_reserve" : "INSERT INTO customercraft_decisions");
            Same(granted.Decision!, expected);
            DecisionRecord logged = await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).LastAsync();
            logged.Should().BeEquivalentTo(new DecisionRecord
            {
                Timestamp = expected.EvaluatedAt,
                Kind = DecisionRecordKind.Granted,
                Request = PolicyFixtures.Refund(amount, key: key),
                Outcome = DecisionOutcome.Allowed,
                Amount = amount,
                GrantId = granted.Grant!.GrantId,
                PolicyVersion = expected.PolicyVersion,
            });
        }

        (await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).CountAsync()).Should().Be(2, "each grant's record is stored once");

        (await host.Services.GetRequiredService<IBudgetLedger>().GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), AllTime))
            .Should().Be(new BudgetUsage(100m, 2));
    }

    [SkippableFact]
    public async Task A_refusal_on_a_limit_is_decided_from_the_usage_the_reservation_summed_and_writes_nothing()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        var commands = new CommandLog();
        using TestHost host = db.Host(configure: o => o.AddInterceptors(commands));
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(90m, key: "k-1"))).IsGranted.Should().BeTrue();
        AuthorityDecision expected = await host.Authority.EvaluateAsync(PolicyFixtures.Refund(20m));
        commands.Clear();

        GrantResult refused = await host.Authority.GrantAsync(PolicyFixtures.Refund(20m, key: "k-2"));

        refused.IsGranted.Should().BeFalse();
        refused.Decision!.Outcome.Should().Be(DecisionOutcome.RequiresApproval);
        Same(refused.Decision, expected);
        commands.All.Should().HaveCount(2, "the approver walk uses the usage the reservation summed; the refusal is appended to the log");
        commands.All[0].Should().Contain(GrantCommands[0]);
        commands.All[1].Should().Contain("INSERT INTO customercraft_decisions").And.NotContain("customercraft_grants", "nothing of the refused grant is written");
        (await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).LastAsync()).Kind.Should().Be(DecisionRecordKind.Refused);
        (await host.Services.GetRequiredService<IBudgetLedger>().FindByIdempotencyKeyAsync("k-2")).Should().BeNull();
        (await host.Services.GetRequiredService<IBudgetLedger>().GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), AllTime))
            .Should().Be(new BudgetUsage(90m, 1));
    }

    [SkippableFact]
    public async Task A_retry_is_a_replay_found_by_the_reservation_even_when_the_budget_is_spent()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        GrantResult original = await host.Authority.GrantAsync(PolicyFixtures.Refund(100m, key: "k-1"));

        GrantResult retry = await host.Authority.GrantAsync(PolicyFixtures.Refund(100m, key: "k-1"));

        retry.IsReplay.Should().BeTrue();
        retry.Grant.Should().BeEquivalentTo(original.Grant);
        await FluentActions.Awaiting(() => host.Authority.GrantAsync(PolicyFixtures.Refund(5m, key: "k-1")).AsTask())
            .Should().ThrowAsync<IdempotencyConflictException>();
    }

    [SkippableFact]
    public async Task The_ledger_reports_each_charges_usage_before_the_grant()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();
        var ledger = (IReservingWithUsageLedger)host.Services.GetRequiredService<IBudgetLedger>();
        ledger.ReservesWithUsage.Should().BeTrue();
        DateTimeOffset now = host.Time.GetUtcNow();
        BudgetCharge[] charges =
        [
            new(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), AllTime, 100m, null),
            new(new BudgetKey(BudgetScope.Customer, "C-1", "Refund"), now.AddDays(-1), null, 2),
        ];
        var usage = new BudgetUsage[2];
        var first = new BudgetReservation { Grant = StoreTests.Grant("g-1", "k-1", 80m, now), Charges = charges };
        DecisionRecord Record(string grantId, decimal amount) => new()
        {
            Timestamp = now, Kind = DecisionRecordKind.Granted, Request = PolicyFixtures.Refund(amount), Outcome = DecisionOutcome.Allowed, Amount = amount, GrantId = grantId, PolicyVersion = 1,
        };

        (await ledger.TryReserveWithUsageAsync(first, usage, Record("g-1", 80m))).Should().Be(new ReservationWithUsage(new ReservationResult(ReservationStatus.Reserved), DecisionStored: true));
        usage.Should().Equal(BudgetUsage.None, BudgetUsage.None);

        (await ledger.TryReserveWithUsageAsync(new BudgetReservation { Grant = StoreTests.Grant("g-2", "k-2", 30m, now), Charges = charges }, usage, Record("g-2", 30m)))
            .Should().Be(new ReservationWithUsage(new ReservationResult(ReservationStatus.LimitExceeded, ExceededBudget: charges[0].Key), DecisionStored: false));
        usage.Should().Equal(new BudgetUsage(80m, 1), new BudgetUsage(80m, 1));

        (await ledger.TryReserveWithUsageAsync(new BudgetReservation { Grant = StoreTests.Grant("g-3", "k-3", 20m, now), Charges = charges }, usage, granted: null))
            .Should().Be(new ReservationWithUsage(new ReservationResult(ReservationStatus.Reserved), DecisionStored: false));
        usage.Should().Equal(new BudgetUsage(80m, 1), new BudgetUsage(80m, 1));

        // A retry of the first (its reply lost): reserved, its own charges left out of the usage,
        // and its record not stored twice.
        Array.Clear(usage);
        (await ledger.TryReserveWithUsageAsync(first, usage, Record("g-1", 80m))).Should().Be(new ReservationWithUsage(new ReservationResult(ReservationStatus.Reserved), DecisionStored: true));
        usage.Should().Equal(new BudgetUsage(20m, 1), new BudgetUsage(20m, 1));

        // The key held by another grant: that grant, and no charge.
        ReservationWithUsage? duplicate = await ledger.TryReserveWithUsageAsync(new BudgetReservation { Grant = StoreTests.Grant("g-4", "k-1", 1m, now), Charges = charges }, usage, Record("g-4", 1m));
        duplicate!.Value.Result.Status.Should().Be(ReservationStatus.DuplicateIdempotencyKey);
        duplicate.Value.DecisionStored.Should().BeFalse();
        duplicate.Value.Result.Existing!.GrantId.Should().Be("g-1");
        (await ((IBudgetLedger)ledger).GetUsageAsync(charges[0].Key, AllTime)).Should().Be(new BudgetUsage(100m, 2));
        (await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).Select(r => r.GrantId).ToListAsync())
            .Should().Equal(["g-1"], "only the reservation that made its grant stored its record");
    }

    [SkippableFact]
    public async Task Concurrent_grants_never_spend_more_than_the_limit()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine);
        using TestHost host = db.Host();

        // Sixteen grants of 25 at once against the incident's limit of 100: exactly four are made.
        GrantResult[] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await host.Authority.GrantAsync(PolicyFixtures.Refund(25m, key: $"k-{i}")))));

        results.Count(r => r.IsGranted).Should().Be(4);
        results.Where(r => !r.IsGranted).Should().OnlyContain(r => r.Decision!.Outcome == DecisionOutcome.RequiresApproval);
        (await host.Services.GetRequiredService<IBudgetLedger>().GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), AllTime))
            .Should().Be(new BudgetUsage(100m, 4));
        List<DecisionRecord> log = await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).ToListAsync();
        log.Where(r => r.Kind == DecisionRecordKind.Granted).Select(r => r.GrantId).Should().BeEquivalentTo(results.Where(r => r.IsGranted).Select(r => r.Grant!.GrantId));
        log.Count(r => r.Kind == DecisionRecordKind.Refused).Should().Be(12);
    }

    /// <summary>Outcome, approver, reasons and the requested action's headroom, as the decision reports them.</summary>
    private protected static void Same(AuthorityDecision actual, AuthorityDecision expected)
    {
        actual.Outcome.Should().Be(expected.Outcome);
        actual.RequiredApproverRole.Should().Be(expected.RequiredApproverRole);
        actual.Amount.Should().Be(expected.Amount);
        actual.ToString().Should().Be(expected.ToString());
        actual.Reasons.Should().BeEquivalentTo(expected.Reasons, o => o.WithStrictOrdering());
        actual.GetHeadroom("Refund").Should().Be(expected.GetHeadroom("Refund"));
    }

    /// <summary>The commands a host sends.</summary>
    private sealed class CommandLog : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<string> _texts = new();

        public IReadOnlyList<string> All => [.. _texts];

        public void Clear() => _texts.Clear();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            _texts.Enqueue(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            _texts.Enqueue(command.CommandText);
            return ValueTask.FromResult(result);
        }
    }
}

public sealed class PostgreSqlOneRoundTripTests : OneRoundTripTests
{
    private protected override Engine Engine => Engine.PostgreSql;

    private protected override string[] GrantCommands => ["customercraft_reserve"];
}

public sealed class SqliteOneRoundTripTests : OneRoundTripTests
{
    private protected override Engine Engine => Engine.Sqlite;

    private protected override string[] GrantCommands => ["FROM customercraft_grants WHERE idempotency_key", "INSERT INTO customercraft_grants"];

    /// <summary>
    /// The writer's commit succeeds but reports a (non-transient) error: the reservation finds its
    /// own grant made, and the caller still gets the decision from the usage before it, with the
    /// grant and its record stored once.
    /// </summary>
    [Fact]
    public async Task A_grant_whose_commit_reply_is_lost_is_decided_from_the_usage_before_it()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        var faults = new FaultInterceptor { Fault = message => new Microsoft.Data.Sqlite.SqliteException(message, 1) };
        using TestHost host = db.Host(configure: o => o.AddInterceptors(faults));
        (await host.Authority.GrantAsync(PolicyFixtures.Refund(60m, key: "k-1"))).IsGranted.Should().BeTrue();
        AuthorityDecision expected = await host.Authority.EvaluateAsync(PolicyFixtures.Refund(10m));
        faults.Reset();
        faults.LoseCommitAcknowledgement = 1;

        GrantResult granted = await host.Authority.GrantAsync(PolicyFixtures.Refund(10m, key: "k-2"));

        faults.Commits.Should().BeGreaterThanOrEqualTo(1);
        granted.IsGranted.Should().BeTrue();
        granted.IsReplay.Should().BeFalse();
        Same(granted.Decision!, expected);
        IBudgetLedger ledger = host.Services.GetRequiredService<IBudgetLedger>();
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(70m, 2));
        string first = (await ledger.FindByIdempotencyKeyAsync("k-1"))!.GrantId;
        (await host.Services.GetRequiredService<IDecisionLog>().ReadAsync(DecisionLogQuery.All).Select(r => r.GrantId).ToListAsync())
            .Should().Equal([first, granted.Grant!.GrantId], "each grant's record is stored once");
    }
}
