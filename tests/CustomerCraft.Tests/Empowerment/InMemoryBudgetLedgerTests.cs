using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Identifiers;
using CustomerCraft.Retention;
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

    [Fact]
    public async Task Usage_WithLateGrantsVoidsAndPrunes_MatchesANaiveSumForEveryWindowAndItsBoundaries()
    {
        // The running totals (prefix sums) move by each entry's amount on a late insert, a void and
        // a prune; every window, including those starting exactly at, just before and just after
        // an entry, must still equal a plain sum.
        var ledger = new InMemoryBudgetLedger();
        var random = new Random(11);
        var model = new List<(DateTimeOffset At, decimal Amount, string Id, bool Voided)>();
        DateTimeOffset pruned = DateTimeOffset.MinValue;
        var removed = new HashSet<string>();

        for (int i = 0; i < 600; i++)
        {
            int step = random.Next(10);
            if (step == 0 && model.Count > 0)
            {
                int victim = random.Next(model.Count);
                await ledger.VoidAsync(model[victim].Id, T0, "test");
                await ledger.VoidAsync(model[victim].Id, T0, "again"); // a second void releases nothing more
                model[victim] = model[victim] with { Voided = true };
            }
            else if (step == 1 && i > 50)
            {
                DateTimeOffset cutoff = T0.AddMinutes((i - random.Next(40)) * 10);
                if (cutoff > pruned)
                {
                    // Removes what was charged before the cutoff, and the voided charges; a late
                    // charge made afterwards, dated before it, stays until the next prune.
                    await ledger.PruneAsync(new RetentionCutoffs(cutoff, null, null));
                    pruned = cutoff;
                    removed.UnionWith(model.Where(e => e.Voided || e.At < cutoff).Select(e => e.Id));
                }
            }
            else
            {
                DateTimeOffset at = T0.AddMinutes(i * 10 - (random.Next(3) == 0 ? random.Next(120) : 0));
                decimal amount = random.Next(1, 1_000_000) / 10_000m; // four decimals, the finest the totals keep
                string id = $"g{i}";
                (await ledger.TryReserveAsync(Reservation(Grant(id, amount, at)))).Status.Should().Be(ReservationStatus.Reserved);
                model.Add((at, amount, id, false));
            }

            DateTimeOffset anchor = model.Count > 0 ? model[random.Next(model.Count)].At : T0;

            // The oldest entry the account still holds (voided or not): a window starting at or
            // before it is read from the account's summary, one tick later from its entries.
            DateTimeOffset oldest = model.Where(e => !removed.Contains(e.Id)).Select(e => e.At).DefaultIfEmpty(T0).Min();
            foreach (DateTimeOffset since in new[] { anchor, anchor.AddTicks(-1), anchor.AddTicks(1), DateTimeOffset.MinValue, T0.AddMinutes(i * 10 + 10), oldest, oldest.AddTicks(1) })
            {
                var live = model.Where(e => !e.Voided && !removed.Contains(e.Id) && e.At >= since).ToList();
                BudgetUsage usage = await ledger.GetUsageAsync(Key, since);
                usage.Should().Be(new BudgetUsage(live.Sum(e => e.Amount), live.Count), $"after step {i}, since {since:O}");

                // The engine's read, in whole ten-thousandths, agrees.
                MinorUsage minor = ledger.FindSubject(Key.Scope, Key.SubjectId)?.MinorUsage(Key.Action, since, 4) ?? default;
                minor.Should().Be(new MinorUsage(MinorUnits.From(live.Sum(e => e.Amount), 4), live.Count), $"after step {i}, since {since:O} (minor units)");
            }
        }
    }

    [Fact]
    public async Task Usage_OnceExact_StaysExactThroughLateChargesVoidsAndPrunes()
    {
        var ledger = new InMemoryBudgetLedger();
        await ledger.TryReserveAsync(Reservation(Grant("g1", 1.25m, T0)));
        await ledger.TryReserveAsync(Reservation(Grant("g2", 3m, T0.AddMinutes(10))));
        await ledger.TryReserveAsync(Reservation(Grant("g3", 0.00001m, T0.AddMinutes(20)))); // switches the budget to exact sums
        await ledger.TryReserveAsync(Reservation(Grant("g4", 2.5m, T0.AddMinutes(5)))); // late
        await ledger.TryReserveAsync(Reservation(Grant("g5", 0.123456m, T0.AddMinutes(30))));

        (await ledger.GetUsageAsync(Key, DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(6.873466m, 5));
        (await ledger.GetUsageAsync(Key, T0.AddMinutes(5))).Should().Be(new BudgetUsage(5.623466m, 4));

        await ledger.VoidAsync("g2", T0, "test");
        (await ledger.GetUsageAsync(Key, T0.AddMinutes(5))).Should().Be(new BudgetUsage(2.623466m, 3));

        await ledger.PruneAsync(new RetentionCutoffs(T0.AddMinutes(5), null, null));
        (await ledger.GetUsageAsync(Key, DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(2.623466m, 3));
        (await ledger.GetUsageAsync(Key, T0.AddMinutes(20))).Should().Be(new BudgetUsage(0.123466m, 2));
    }

    [Fact]
    public async Task Usage_WithTotalsPastALong_SwitchesToExactSums()
    {
        // 500 trillion is 5e18 ten-thousandths: two of them pass long.MaxValue (about 9.2e18).
        var ledger = new InMemoryBudgetLedger();
        await ledger.TryReserveAsync(Reservation(Grant("g1", 500_000_000_000_000m, T0)));
        await ledger.TryReserveAsync(Reservation(Grant("g2", 500_000_000_000_000m, T0.AddMinutes(1))));
        await ledger.TryReserveAsync(Reservation(Grant("g3", 1m, T0.AddMinutes(2))));

        (await ledger.GetUsageAsync(Key, DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(1_000_000_000_000_001m, 3));
        (await ledger.GetUsageAsync(Key, T0.AddMinutes(1))).Should().Be(new BudgetUsage(500_000_000_000_001m, 2));
    }

    [Fact]
    public async Task Budgets_OfTheSameIdInDifferentScopes_AreSeparate_AndFoundInAnySpellingUnderIgnoreCase()
    {
        var ledger = new InMemoryBudgetLedger(new IdRules(IdComparison.IgnoreCase));
        GrantRecord grant = Grant("g1", 10m, T0);
        await ledger.TryReserveAsync(new BudgetReservation
        {
            Grant = grant,
            Charges =
            [
                new BudgetCharge(new BudgetKey(BudgetScope.Incident, "X-1", "Refund"), DateTimeOffset.MinValue, null, null),
                new BudgetCharge(new BudgetKey(BudgetScope.Customer, "X-2", "Refund"), DateTimeOffset.MinValue, null, null),
            ],
        });

        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Incident, "x-1", "refund"), DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(10m, 1));
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, "x-2", "Refund"), DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(10m, 1));
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Customer, "X-1", "Refund"), DateTimeOffset.MinValue)).Should().Be(BudgetUsage.None);
        (await ledger.GetUsageAsync(new BudgetKey(BudgetScope.Agent, "X-1", "Refund"), DateTimeOffset.MinValue)).Should().Be(BudgetUsage.None);

        var usage = new BudgetUsage[3];
        await ledger.ReadUsageAsync(
            new BudgetQuery[]
            {
                new(new BudgetKey(BudgetScope.Incident, "x-1", "Refund"), DateTimeOffset.MinValue),
                new(new BudgetKey(BudgetScope.Customer, "X-2", "Refund"), T0.AddTicks(1)),
                new(new BudgetKey(BudgetScope.Agent, "X-2", "Refund"), DateTimeOffset.MinValue),
            },
            usage);
        usage.Should().Equal(new BudgetUsage(10m, 1), BudgetUsage.None, BudgetUsage.None);

        var exact = new InMemoryBudgetLedger(new IdRules(IdComparison.Exact));
        await exact.TryReserveAsync(new BudgetReservation { Grant = grant, Charges = [new BudgetCharge(new BudgetKey(BudgetScope.Customer, "X-2", "Refund"), DateTimeOffset.MinValue, null, null)] });
        (await exact.GetUsageAsync(new BudgetKey(BudgetScope.Customer, "x-2", "Refund"), DateTimeOffset.MinValue)).Should().Be(BudgetUsage.None);
    }

    [Fact]
    public async Task Prune_RemovesIncidentChargesOnlyWithAnIncidentCutoff_AndTheEmptiedBudgetsAreMadeAfresh()
    {
        var ledger = new InMemoryBudgetLedger();
        var incident = new BudgetKey(BudgetScope.Incident, "T-1", "Refund");
        await ledger.TryReserveAsync(new BudgetReservation
        {
            Grant = Grant("g1", 10m, T0),
            Charges = [new BudgetCharge(incident, DateTimeOffset.MinValue, null, null), new BudgetCharge(Key, DateTimeOffset.MinValue, null, null)],
        });

        RetentionResult first = await ledger.PruneAsync(new RetentionCutoffs(T0.AddDays(1), null, null));
        first.Charges.Should().Be(1);
        first.Budgets.Should().Be(1);
        (await ledger.GetUsageAsync(incident, DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(10m, 1));
        (await ledger.GetUsageAsync(Key, DateTimeOffset.MinValue)).Should().Be(BudgetUsage.None);

        RetentionResult second = await ledger.PruneAsync(new RetentionCutoffs(T0.AddDays(1), T0.AddDays(1), null));
        second.Charges.Should().Be(1);
        second.Grants.Should().Be(1);
        (await ledger.GetUsageAsync(incident, DateTimeOffset.MinValue)).Should().Be(BudgetUsage.None);

        (await ledger.TryReserveAsync(new BudgetReservation
        {
            Grant = Grant("g2", 4m, T0.AddDays(2)),
            Charges = [new BudgetCharge(incident, DateTimeOffset.MinValue, 5m, null), new BudgetCharge(Key, DateTimeOffset.MinValue, null, null)],
        })).Status.Should().Be(ReservationStatus.Reserved);
        (await ledger.GetUsageAsync(incident, DateTimeOffset.MinValue)).Should().Be(new BudgetUsage(4m, 1));
        (await ledger.GetUsageAsync(Key, T0.AddDays(2))).Should().Be(new BudgetUsage(4m, 1));
    }

    [Theory]
    [InlineData(IdComparison.Exact)]
    [InlineData(IdComparison.IgnoreCase)]
    public async Task ReplayCharges_WithLateChargesVoidsAndPrunesAcrossWindows_GiveTheLockedPathsUsage(IdComparison comparison)
    {
        // The replay ledger charges without locks or grant records, keeps incident budgets as
        // running totals and finds a charge's entries by the charge itself; the ordinary ledger
        // reserves grants under locks. The same charges, voids and prunes must read the same usage
        // in every scope and window, exact sums (amounts past four decimals) included.
        var ids = new IdRules(comparison);
        var locked = new InMemoryBudgetLedger(ids);
        InMemoryBudgetLedger replay = InMemoryBudgetLedger.ForReplay(ids);
        var random = new Random(17);
        var charges = new List<(string GrantId, InMemoryBudgetLedger.ReplayCharge Charge)>();
        string[] incidents = ["T-1", "T-2", "T-3"], customers = ["C-1", "C-2"], agents = ["a-1", "a-2"];
        string[] actions = ["Refund", "Credit"];

        // Ids as history spells them; under IgnoreCase a later record may spell them otherwise.
        string Spell(string id) => comparison == IdComparison.IgnoreCase && random.Next(2) == 0 ? id.ToUpperInvariant() : id;

        DateTimeOffset pruned = DateTimeOffset.MinValue;
        for (int i = 0; i < 500; i++)
        {
            int step = random.Next(12);
            if (step == 0 && charges.Count > 0)
            {
                (string grantId, InMemoryBudgetLedger.ReplayCharge charge) = charges[random.Next(charges.Count)];
                await locked.VoidAsync(grantId, T0, "test");
                replay.VoidCharge(charge);
                replay.VoidCharge(charge); // a second void releases nothing more
            }
            else if (step == 1 && i > 40)
            {
                DateTimeOffset cutoff = T0.AddMinutes((i - random.Next(30)) * 10);
                if (cutoff > pruned)
                {
                    await locked.PruneAsync(new RetentionCutoffs(cutoff, null, null));
                    replay.PruneWindowedCharges(cutoff);
                    pruned = cutoff;
                }
            }
            else
            {
                DateTimeOffset at = T0.AddMinutes(i * 10 - (random.Next(3) == 0 ? random.Next(90) : 0));
                decimal amount = random.Next(20) == 0 ? random.Next(1, 1_000_000) / 1_000_000m : random.Next(1, 100_000) / 100m;
                string incident = incidents[random.Next(incidents.Length)], customer = customers[random.Next(customers.Length)];
                string agent = agents[random.Next(agents.Length)], action = actions[random.Next(actions.Length)];
                string grantId = $"g{i}";
                var grant = Grant(grantId, amount, at) with { IncidentId = incident, CustomerId = customer, AgentId = agent, Action = action };
                var reservation = new BudgetReservation
                {
                    Grant = grant,
                    Charges =
                    [
                        new BudgetCharge(new BudgetKey(BudgetScope.Incident, incident, action), DateTimeOffset.MinValue, null, null),
                        new BudgetCharge(new BudgetKey(BudgetScope.Customer, customer, action), DateTimeOffset.MinValue, null, null),
                        new BudgetCharge(new BudgetKey(BudgetScope.Agent, agent, action), DateTimeOffset.MinValue, null, null),
                    ],
                };
                (await locked.TryReserveAsync(reservation)).Status.Should().Be(ReservationStatus.Reserved);
                charges.Add((grantId, replay.Charge(Spell(incident), Spell(customer), Spell(agent), action, at, amount)));
            }

            foreach (string action in actions)
            {
                foreach (string incident in incidents)
                {
                    var key = new BudgetKey(BudgetScope.Incident, Spell(incident), action);
                    BudgetUsage expected = await locked.GetUsageAsync(key, DateTimeOffset.MinValue);
                    (await replay.GetUsageAsync(key, DateTimeOffset.MinValue)).Should().Be(expected, $"after step {i}, {key}");
                    replay.IncidentMinorUsage(Spell(incident), action, 2).Should().Be(locked.IncidentMinorUsage(incident, action, 2), $"after step {i}, {key}");
                }

                foreach (BudgetKey key in customers.Select(c => new BudgetKey(BudgetScope.Customer, Spell(c), action))
                    .Concat(agents.Select(a => new BudgetKey(BudgetScope.Agent, Spell(a), action))))
                {
                    foreach (DateTimeOffset since in new[] { DateTimeOffset.MinValue, pruned, T0.AddMinutes(i * 10 - random.Next(200)), T0.AddMinutes(i * 10 + 10) })
                    {
                        (await replay.GetUsageAsync(key, since)).Should().Be(await locked.GetUsageAsync(key, since), $"after step {i}, {key} since {since:O}");
                    }
                }
            }
        }

        charges.Should().HaveCountGreaterThan(300);
        (await locked.GetUsageAsync(new BudgetKey(BudgetScope.Incident, "T-1", "Refund"), DateTimeOffset.MinValue)).Count.Should().BePositive();
    }

    [Fact]
    public async Task ReplayLedger_IsChargedOnlyThroughReplayCharges()
    {
        InMemoryBudgetLedger replay = InMemoryBudgetLedger.ForReplay(IdRules.Default);
        Func<Task> reserve = async () => await replay.TryReserveAsync(Reservation(Grant("g1", 1m, T0)));
        await reserve.Should().ThrowAsync<InvalidOperationException>();
        Func<Task> pruneIncidents = async () => await replay.PruneAsync(new RetentionCutoffs(T0, T0, null));
        await pruneIncidents.Should().ThrowAsync<InvalidOperationException>();

        var ordinary = new InMemoryBudgetLedger();
        Action charge = () => ordinary.Charge("T-1", "C-1", "a", "Refund", T0, 1m);
        charge.Should().Throw<InvalidOperationException>();
    }
}
