using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Model;
using CustomerCraft.EntityFrameworkCore.Stores;
using CustomerCraft.EntityFrameworkCore.Tests.Infrastructure;
using CustomerCraft.Storage;
using CustomerCraft.Tests.Empowerment;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft.EntityFrameworkCore.Tests;

/// <summary>
/// The SQLite stores' group commit (<see cref="SqliteWriter{TContext}"/>): concurrent reservations
/// and decision-log writes of one host share a transaction. Each test holds the writer's first
/// transaction at its <c>BEGIN</c> until the writes under test are queued behind it, so that they
/// are certainly carried by one batch.
/// </summary>
public sealed class SqliteWriterTests
{
    private static readonly BudgetKey Customer = new(BudgetScope.Customer, "C-1", "Refund");

    [Fact]
    public async Task Concurrent_reservations_over_one_budget_share_commits_and_never_overspend()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using Held held = Held.Open(db);
        DateTimeOffset now = held.Host.Time.GetUtcNow();

        // The first reservation takes the writer and waits at BEGIN; 99 more queue behind it.
        Task<ReservationResult> first = held.Ledger.TryReserveAsync(Reservation("g-0", "k-0", now, 25m)).AsTask();
        await held.Entered;
        var rest = new List<Task<ReservationResult>>();
        for (int i = 1; i < 100; i++)
        {
            rest.Add(held.Ledger.TryReserveAsync(Reservation($"g-{i}", $"k-{i}", now, 25m)).AsTask());
        }

        held.Release();
        ReservationResult[] results = [await first, .. await Task.WhenAll(rest)];

        // $300 holds twelve $25 grants: the first twelve in queue order, each seeing those before it.
        results.Count(r => r.Status == ReservationStatus.Reserved).Should().Be(12);
        results.Take(12).Should().OnlyContain(r => r.Status == ReservationStatus.Reserved);
        results.Skip(12).Should().OnlyContain(r => r.Status == ReservationStatus.LimitExceeded && r.ExceededBudget == Customer);
        await using CustomerCraftDbContext context = db.OpenContext();
        (await context.Set<BudgetChargeRow>().Where(c => c.Scope == (int)BudgetScope.Customer).SumAsync(c => c.AmountUnits)).Should().Be(300 * 10_000);
        (await context.Set<GrantRow>().CountAsync()).Should().Be(12);
        // The writes queued while the first waited join its transaction before it commits, up to
        // 64 a batch: one commit for the first 64, one for the other 36.
        held.Writer.Commits.Should().Be(2);
    }

    [Fact]
    public async Task A_reservation_that_fails_in_a_batch_leaves_the_others_written_and_is_not_written_itself()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using Held held = Held.Open(db);
        DateTimeOffset now = held.Host.Time.GetUtcNow();
        held.Release();
        (await held.Ledger.TryReserveAsync(Reservation("taken", "k-taken", now, 1m))).Status.Should().Be(ReservationStatus.Reserved);
        long commitsBefore = held.Writer.Commits;

        held.Hold();
        Task<ReservationResult> first = held.Ledger.TryReserveAsync(Reservation("g-1", "k-1", now, 1m)).AsTask();
        await held.Entered;
        Task<ReservationResult> before = held.Ledger.TryReserveAsync(Reservation("g-2", "k-2", now, 1m)).AsTask();
        // A new key with a grant id already used: its INSERT fails inside the batch.
        Task<ReservationResult> failing = held.Ledger.TryReserveAsync(Reservation("taken", "k-3", now, 1m)).AsTask();
        Task<ReservationResult> after = held.Ledger.TryReserveAsync(Reservation("g-4", "k-4", now, 1m)).AsTask();
        held.Release();

        (await first).Status.Should().Be(ReservationStatus.Reserved);
        (await before).Status.Should().Be(ReservationStatus.Reserved);
        (await after).Status.Should().Be(ReservationStatus.Reserved);
        Func<Task> failed = () => failing;
        (await failed.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*'taken' is already recorded*");

        await using CustomerCraftDbContext context = db.OpenContext();
        (await context.Set<GrantRow>().OrderBy(g => g.GrantId).Select(g => g.IdempotencyKey).ToListAsync())
            .Should().Equal("k-1", "k-2", "k-4", "k-taken");
        (await context.Set<BudgetChargeRow>().CountAsync()).Should().Be(4, "each stored grant has its one charge, and the failed one none");
        // The first alone, then the batch of three: rolled back at the failure and run again without it.
        (held.Writer.Commits - commitsBefore).Should().Be(1, "the three queued behind the first joined its transaction, which ran again without the failed one");
    }

    [Fact]
    public async Task The_same_key_twice_in_one_batch_is_charged_once()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using Held held = Held.Open(db);
        DateTimeOffset now = held.Host.Time.GetUtcNow();

        Task<ReservationResult> first = held.Ledger.TryReserveAsync(Reservation("g-0", "k-0", now, 1m)).AsTask();
        await held.Entered;
        Task<ReservationResult> original = held.Ledger.TryReserveAsync(Reservation("g-1", "k-1", now, 5m)).AsTask();
        // A retry of the same grant (same id), and another request reusing the key.
        Task<ReservationResult> retry = held.Ledger.TryReserveAsync(Reservation("g-1", "k-1", now, 5m)).AsTask();
        Task<ReservationResult> reuse = held.Ledger.TryReserveAsync(Reservation("g-2", "k-1", now, 7m)).AsTask();
        held.Release();

        (await first).Status.Should().Be(ReservationStatus.Reserved);
        (await original).Status.Should().Be(ReservationStatus.Reserved);
        (await retry).Status.Should().Be(ReservationStatus.Reserved, "its own grant, already stored");
        ReservationResult reused = await reuse;
        reused.Status.Should().Be(ReservationStatus.DuplicateIdempotencyKey);
        reused.Existing!.GrantId.Should().Be("g-1");
        reused.Existing.Amount.Should().Be(5m);

        await using CustomerCraftDbContext context = db.OpenContext();
        (await context.Set<GrantRow>().CountAsync(g => g.IdempotencyKey == "k-1")).Should().Be(1);
        (await context.Set<BudgetChargeRow>().Where(c => c.Scope == (int)BudgetScope.Customer).SumAsync(c => c.AmountUnits)).Should().Be(6 * 10_000);
    }

    [Fact]
    public async Task A_caller_that_cancels_while_queued_is_removed_and_nothing_of_it_is_written()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using Held held = Held.Open(db);
        DateTimeOffset now = held.Host.Time.GetUtcNow();

        Task<ReservationResult> first = held.Ledger.TryReserveAsync(Reservation("g-0", "k-0", now, 1m)).AsTask();
        await held.Entered;
        using var cancel = new CancellationTokenSource();
        Task<ReservationResult> cancelled = held.Ledger.TryReserveAsync(Reservation("g-1", "k-1", now, 1m), cancel.Token).AsTask();
        Task<ReservationResult> kept = held.Ledger.TryReserveAsync(Reservation("g-2", "k-2", now, 1m)).AsTask();
        await cancel.CancelAsync();
        Func<Task> waiting = () => cancelled;
        await waiting.Should().ThrowAsync<OperationCanceledException>("the caller stopped waiting before its write was taken");
        held.Release();

        (await first).Status.Should().Be(ReservationStatus.Reserved);
        (await kept).Status.Should().Be(ReservationStatus.Reserved);
        await using CustomerCraftDbContext context = db.OpenContext();
        (await context.Set<GrantRow>().OrderBy(g => g.GrantId).Select(g => g.GrantId).ToListAsync()).Should().Equal("g-0", "g-2");
    }

    [Fact]
    public async Task Decision_records_ride_in_the_writers_transaction_and_are_stored_when_the_append_returns()
    {
        await using TestDatabase db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using Held held = Held.Open(db);
        DateTimeOffset now = held.Host.Time.GetUtcNow();
        IDecisionLog log = held.Host.Services.GetRequiredService<IDecisionLog>();

        Task<ReservationResult> first = held.Ledger.TryReserveAsync(Reservation("g-0", "k-0", now, 1m)).AsTask();
        await held.Entered;
        Task<ReservationResult> second = held.Ledger.TryReserveAsync(Reservation("g-1", "k-1", now, 1m)).AsTask();
        Task append = log.AppendAsync(new DecisionRecord
        {
            Timestamp = now,
            Kind = DecisionRecordKind.Granted,
            Request = new ResolutionRequest { AgentId = "ana", Role = "Agent", CustomerId = "C-1", IncidentId = "T-1", Action = "Refund", Amount = 1m, Currency = "USD" },
            Outcome = DecisionOutcome.Allowed,
            Amount = 1m,
            GrantId = "g-0",
            PolicyVersion = 1,
        }).AsTask();
        await Task.Delay(100);
        append.IsCompleted.Should().BeFalse("the record waits for the writer's next commit");
        held.Release();
        await Task.WhenAll(first, second, append);

        await using CustomerCraftDbContext context = db.OpenContext();
        (await context.Set<DecisionRow>().CountAsync()).Should().Be(1);
        held.Writer.Commits.Should().Be(1, "the second reservation and the record, queued while the first waited, joined its commit");
    }

    private static BudgetReservation Reservation(string grantId, string key, DateTimeOffset at, decimal amount) => new()
    {
        Grant = StoreTests.Grant(grantId, key, amount, at),
        Charges = [new(Customer, DateTimeOffset.MinValue, 300m, null)],
    };

    /// <summary>A host whose writer waits at the BEGIN of its first (or next held) transaction until released.</summary>
    private sealed class Held : IAsyncDisposable
    {
        private readonly PauseBeforeTransaction _pause = new();
        private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Held(TestDatabase db)
        {
            Host = db.Host(configure: options => options.AddInterceptors(_pause));
            Ledger = Host.Services.GetRequiredService<IBudgetLedger>();
            Writer = SqliteWriter<CustomerCraftDbContext>.For(Host.Services.GetRequiredService<IDbContextFactory<CustomerCraftDbContext>>());
            Hold();
        }

        public TestHost Host { get; }

        public IBudgetLedger Ledger { get; }

        public SqliteWriter<CustomerCraftDbContext> Writer { get; }

        public Task Entered => _entered.Task.WaitAsync(TimeSpan.FromSeconds(60));

        public static Held Open(TestDatabase db) => new(db);

        /// <summary>Holds the next transaction at its BEGIN.</summary>
        public void Hold()
        {
            _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
            TaskCompletionSource entered = _entered;
            TaskCompletionSource gate = _gate;
            _pause.Before = async () =>
            {
                entered.TrySetResult();
                await gate.Task;
            };
        }

        public void Release() => _gate.TrySetResult();

        public ValueTask DisposeAsync()
        {
            Release();
            Host.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
