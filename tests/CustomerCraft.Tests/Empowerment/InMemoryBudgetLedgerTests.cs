using CustomerCraft.Empowerment;
using CustomerCraft.Storage;

namespace CustomerCraft.Tests.Empowerment;

public class InMemoryBudgetLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly BudgetKey Key = new(BudgetScope.Customer, "C-1", "Refund");

    private static GrantRecord Grant(string id, decimal amount, DateTimeOffset at) => new()
    {
        GrantId = id, IdempotencyKey = "key-" + id, AgentId = "a", Role = "Agent", CustomerId = "C-1", IncidentId = "T-" + id,
        Action = "Refund", Amount = amount, Currency = "USD", RequestedAmount = amount, RequestedCurrency = "USD",
        GrantedAt = at, ContextFingerprint = "-",
    };

    private static BudgetReservation Reservation(GrantRecord grant, decimal? limit = null) => new()
    {
        Grant = grant,
        Charges = [new BudgetCharge(Key, DateTimeOffset.MinValue, limit, null)],
    };

    [Fact]
    public async Task Usage_WithOutOfOrderGrantsAndVoids_MatchesANaiveSumForEveryWindow()
    {
        var ledger = new InMemoryBudgetLedger();
        var random = new Random(7);
        var model = new List<(DateTimeOffset At, decimal Amount, string Id, bool Voided)>();

        for (int i = 0; i < 400; i++)
        {
            if (model.Count > 0 && random.Next(5) == 0)
            {
                int victim = random.Next(model.Count);
                await ledger.VoidAsync(model[victim].Id, T0, "test");
                model[victim] = model[victim] with { Voided = true };
            }
            else
            {
                // Mostly in order, sometimes late by up to an hour.
                DateTimeOffset at = T0.AddMinutes(i * 10 - (random.Next(4) == 0 ? random.Next(60) : 0));
                decimal amount = random.Next(1, 10_000) / 100m;
                string id = $"g{i}";
                (await ledger.TryReserveAsync(Reservation(Grant(id, amount, at)))).Status.Should().Be(ReservationStatus.Reserved);
                model.Add((at, amount, id, false));
            }

            DateTimeOffset since = T0.AddMinutes(random.Next(-10, i * 10 + 10));
            BudgetUsage usage = await ledger.GetUsageAsync(Key, since);
            var live = model.Where(e => !e.Voided && e.At >= since).ToList();
            usage.Should().Be(new BudgetUsage(live.Sum(e => e.Amount), live.Count), $"after step {i}, since {since:O}");
        }
    }

    [Fact]
    public async Task Usage_WithAnAmountOfMoreThanFourDecimals_StaysExact()
    {
        // Totals are kept in whole ten-thousandths; an amount finer than that (only a host charging
        // the ledger directly makes one) switches the budget to exact decimal sums.
        var ledger = new InMemoryBudgetLedger();
        await ledger.TryReserveAsync(Reservation(Grant("g1", 1.25m, T0)));
        (await ledger.GetUsageAsync(Key, DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(1.25m, 1));
        await ledger.TryReserveAsync(Reservation(Grant("g2", 0.00001m, T0.AddMinutes(1))));
        await ledger.TryReserveAsync(Reservation(Grant("g3", 2m, T0.AddMinutes(2))));

        (await ledger.GetUsageAsync(Key, DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(3.25001m, 3));
        (await ledger.GetUsageAsync(Key, T0.AddMinutes(1))).Should().Be(new BudgetUsage(2.00001m, 2));
        (await ledger.GetUsageAsync(Key, T0.AddMinutes(3))).Should().Be(BudgetUsage.None);
    }

    [Fact]
    public async Task TryReserve_OverTheLimit_RecordsNothing()
    {
        var ledger = new InMemoryBudgetLedger();
        await ledger.TryReserveAsync(Reservation(Grant("g1", 80m, T0), limit: 100m));

        ReservationResult result = await ledger.TryReserveAsync(Reservation(Grant("g2", 30m, T0), limit: 100m));

        result.Status.Should().Be(ReservationStatus.LimitExceeded);
        result.ExceededBudget.Should().Be(Key);
        (await ledger.GetUsageAsync(Key, DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(80m, 1));
        (await ledger.FindGrantAsync("g2")).Should().BeNull();
        (await ledger.FindByIdempotencyKeyAsync("key-g2")).Should().BeNull();
    }

    [Fact]
    public async Task TryReserve_ChargingOneBudgetTwice_IsRejected()
    {
        var ledger = new InMemoryBudgetLedger();
        var reservation = new BudgetReservation
        {
            Grant = Grant("g1", 1m, T0),
            Charges = [new BudgetCharge(Key, DateTimeOffset.MinValue, null, null), new BudgetCharge(Key with { Action = "REFUND" }, DateTimeOffset.MinValue, null, null)],
        };

        Func<Task> act = async () => await ledger.TryReserveAsync(reservation);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*charges budget*twice*");
    }
}
