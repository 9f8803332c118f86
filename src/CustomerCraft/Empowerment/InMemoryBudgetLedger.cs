using System.Collections.Concurrent;
using CustomerCraft.Storage;

namespace CustomerCraft.Empowerment;

/// <summary>
/// The default <see cref="IBudgetLedger"/>: a real, thread-safe ledger for one process.
/// </summary>
/// <remarks>
/// Each budget has its own lock, so grants that touch different budgets proceed in parallel;
/// a reservation takes the locks of the budgets it charges in a fixed order, checks them all and
/// records the grant before releasing any, so no interleaving of grants can overspend a budget.
/// Idempotency keys are serialized through a small set of striped locks. Entries are kept for
/// the life of the process; hosts with long-running processes and heavy volumes should use a
/// durable ledger.
/// </remarks>
public sealed class InMemoryBudgetLedger : IBudgetLedger
{
    private const int StripeCount = 64;

    // Budgets are grouped by subject (an incident, a customer, an agent): an evaluation reads
    // every action's budget of the same few subjects, so one lookup serves them all.
    private readonly ConcurrentDictionary<SubjectKey, Subject> _subjects = new();
    private readonly ConcurrentDictionary<string, StoredGrant> _grantsById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredGrant> _grantsByKey = new(StringComparer.Ordinal);
    private readonly object[] _keyStripes = CreateStripes();
    private long _nextAccountOrder;

    /// <inheritdoc />
    public ValueTask ReadUsageAsync(ReadOnlyMemory<BudgetQuery> queries, Memory<BudgetUsage> usage, CancellationToken cancellationToken = default)
    {
        if (usage.Length < queries.Length)
        {
            throw new ArgumentException($"The usage buffer holds {usage.Length} results for {queries.Length} queries.", nameof(usage));
        }

        ReadOnlySpan<BudgetQuery> span = queries.Span;
        Span<BudgetUsage> results = usage.Span;

        // An evaluation asks about one incident, one customer and one agent, for every action:
        // remember the last subject of each scope so that each is looked up once.
        SubjectCache incidents = default, customers = default, agents = default;
        for (int i = 0; i < span.Length; i++)
        {
            BudgetKey key = span[i].Key;
            ref SubjectCache cache = ref SubjectCache.For(key.Scope, ref incidents, ref customers, ref agents);
            if (!string.Equals(cache.Id, key.SubjectId, StringComparison.Ordinal))
            {
                _subjects.TryGetValue(new SubjectKey(key.Scope, key.SubjectId), out cache.Subject);
                cache.Id = key.SubjectId;
            }

            results[i] = cache.Subject?.Find(key.Action) is { } account ? account.ReadUsageSince(span[i].Since) : BudgetUsage.None;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Returns the usage of one budget from <paramref name="since"/> (inclusive) onwards.</summary>
    /// <param name="key">The budget.</param>
    /// <param name="since">The start of the window; <see cref="DateTimeOffset.MinValue"/> for all time.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public ValueTask<BudgetUsage> GetUsageAsync(BudgetKey key, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        new(FindAccount(key)?.ReadUsageSince(since) ?? BudgetUsage.None);

    /// <inheritdoc />
    public ValueTask<ReservationResult> TryReserveAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        cancellationToken.ThrowIfCancellationRequested();
        GrantRecord grant = reservation.Grant;
        IReadOnlyList<BudgetCharge> charges = reservation.Charges;

        lock (StripeFor(grant.IdempotencyKey))
        {
            if (_grantsByKey.TryGetValue(grant.IdempotencyKey, out StoredGrant? existing))
            {
                return new ValueTask<ReservationResult>(new ReservationResult(ReservationStatus.DuplicateIdempotencyKey, existing.Record));
            }

            if (_grantsById.ContainsKey(grant.GrantId))
            {
                throw new InvalidOperationException($"A grant with id '{grant.GrantId}' is already recorded.");
            }

            Account[] accounts = new Account[charges.Count];
            for (int i = 0; i < accounts.Length; i++)
            {
                accounts[i] = GetOrAddAccount(charges[i].Key);
                for (int j = 0; j < i; j++)
                {
                    if (ReferenceEquals(accounts[i], accounts[j]))
                    {
                        throw new ArgumentException($"The reservation charges budget '{charges[i].Key}' twice.", nameof(reservation));
                    }
                }
            }

            // A fixed lock order (creation order of the accounts) rules out deadlocks between
            // reservations that charge overlapping budgets.
            Account[] lockOrder = (Account[])accounts.Clone();
            SortByOrder(lockOrder);
            int taken = 0;
            try
            {
                for (; taken < lockOrder.Length; taken++)
                {
                    Monitor.Enter(lockOrder[taken]);
                }

                for (int i = 0; i < accounts.Length; i++)
                {
                    BudgetCharge charge = charges[i];
                    BudgetUsage usage = accounts[i].UsageSince(charge.Since);
                    bool amountExceeded = charge.AmountLimit is decimal amountLimit && usage.Amount + grant.Amount > amountLimit;
                    bool countExceeded = charge.CountLimit is int countLimit && usage.Count + 1 > countLimit;
                    if (amountExceeded || countExceeded)
                    {
                        return new ValueTask<ReservationResult>(new ReservationResult(ReservationStatus.LimitExceeded, ExceededBudget: charge.Key));
                    }
                }

                var stored = new StoredGrant(grant, accounts);
                for (int i = 0; i < accounts.Length; i++)
                {
                    accounts[i].Add(new Entry(grant.GrantedAt, grant.Amount, grant.GrantId));
                }

                _grantsById[grant.GrantId] = stored;
                _grantsByKey[grant.IdempotencyKey] = stored;
                return new ValueTask<ReservationResult>(new ReservationResult(ReservationStatus.Reserved));
            }
            finally
            {
                while (--taken >= 0)
                {
                    Monitor.Exit(lockOrder[taken]);
                }
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<GrantRecord?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        return new ValueTask<GrantRecord?>(_grantsByKey.TryGetValue(idempotencyKey, out StoredGrant? stored) ? stored.Record : null);
    }

    /// <inheritdoc />
    public ValueTask<GrantRecord?> FindGrantAsync(string grantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grantId);
        return new ValueTask<GrantRecord?>(_grantsById.TryGetValue(grantId, out StoredGrant? stored) ? stored.Record : null);
    }

    /// <inheritdoc />
    public ValueTask<GrantRecord?> VoidAsync(string grantId, DateTimeOffset voidedAt, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grantId);
        if (!_grantsById.TryGetValue(grantId, out StoredGrant? stored))
        {
            return new ValueTask<GrantRecord?>((GrantRecord?)null);
        }

        lock (StripeFor(stored.Record.IdempotencyKey))
        {
            stored = _grantsById[grantId];
            if (stored.Record.IsVoided)
            {
                return new ValueTask<GrantRecord?>(stored.Record);
            }

            foreach (Account account in stored.Accounts)
            {
                lock (account)
                {
                    account.Void(grantId);
                }
            }

            var voided = new StoredGrant(stored.Record with { VoidedAt = voidedAt, VoidReason = reason }, stored.Accounts);
            _grantsById[grantId] = voided;
            _grantsByKey[voided.Record.IdempotencyKey] = voided;
            return new ValueTask<GrantRecord?>(voided.Record);
        }
    }

    private Account? FindAccount(BudgetKey key) =>
        _subjects.TryGetValue(new SubjectKey(key.Scope, key.SubjectId), out Subject? subject) ? subject.Find(key.Action) : null;

    private Account GetOrAddAccount(BudgetKey key) =>
        _subjects.GetOrAdd(new SubjectKey(key.Scope, key.SubjectId), static _ => new Subject())
            .GetOrAdd(key.Action, this);

    private object StripeFor(string idempotencyKey) =>
        _keyStripes[(StringComparer.Ordinal.GetHashCode(idempotencyKey) & int.MaxValue) % StripeCount];

    private static void SortByOrder(Account[] accounts)
    {
        // Reservations charge at most a handful of budgets: insertion sort, no delegate.
        for (int i = 1; i < accounts.Length; i++)
        {
            Account current = accounts[i];
            int j = i - 1;
            while (j >= 0 && accounts[j].Order > current.Order)
            {
                accounts[j + 1] = accounts[j];
                j--;
            }

            accounts[j + 1] = current;
        }
    }

    private static object[] CreateStripes()
    {
        object[] stripes = new object[StripeCount];
        for (int i = 0; i < stripes.Length; i++)
        {
            stripes[i] = new object();
        }

        return stripes;
    }

    private sealed record StoredGrant(GrantRecord Record, Account[] Accounts);

    private readonly record struct SubjectKey(BudgetScope Scope, string Id);

    private struct SubjectCache
    {
        public string? Id;
        public Subject? Subject;

        public static ref SubjectCache For(BudgetScope scope, ref SubjectCache incidents, ref SubjectCache customers, ref SubjectCache agents)
        {
            if (scope == BudgetScope.Incident)
            {
                return ref incidents;
            }

            if (scope == BudgetScope.Customer)
            {
                return ref customers;
            }

            return ref agents;
        }
    }

    /// <summary>One subject's budgets, one per action; the list is replaced, never changed, so reads take no lock.</summary>
    private sealed class Subject
    {
        private (string Action, Account Account)[] _accounts = [];

        public Account? Find(string action)
        {
            (string Action, Account Account)[] accounts = Volatile.Read(ref _accounts);
            for (int i = 0; i < accounts.Length; i++)
            {
                // The engine passes the policy's own action strings: a reference match is the common case.
                if (ReferenceEquals(accounts[i].Action, action) || string.Equals(accounts[i].Action, action, StringComparison.OrdinalIgnoreCase))
                {
                    return accounts[i].Account;
                }
            }

            return null;
        }

        public Account GetOrAdd(string action, InMemoryBudgetLedger ledger)
        {
            if (Find(action) is { } existing)
            {
                return existing;
            }

            lock (this)
            {
                if (Find(action) is { } raced)
                {
                    return raced;
                }

                Account account = new(Interlocked.Increment(ref ledger._nextAccountOrder));
                Volatile.Write(ref _accounts, [.. _accounts, (action, account)]);
                return account;
            }
        }
    }

    /// <summary>One grant on one budget, with the running totals up to and including it, side by
    /// side so that a window's usage touches as few cache lines as possible.</summary>
    private struct Entry(DateTimeOffset at, decimal amount, string grantId)
    {
        public readonly DateTimeOffset At = at;
        public readonly decimal Amount = amount;
        public readonly string GrantId = grantId;
        public bool Voided;

        // The sum over this entry and every earlier one that is not voided.
        public decimal TotalAmount;
        public int TotalCount;
    }

    /// <summary>
    /// One budget's entries, kept sorted by time, with running totals so that the usage of any
    /// window is two lookups after a binary search, however many grants the budget holds.
    /// Writers lock the instance; readers take no lock: a version number that is odd while a
    /// write is in progress tells a reader to read again (a sequence lock), so evaluations never
    /// wait for each other or for grants on other budgets.
    /// </summary>
    private sealed class Account(long order)
    {
        private Entry[] _entries = new Entry[2];

        private int _count;
        private int _version;

        public long Order { get; } = order;

        /// <summary>Reads usage without taking the lock; safe against concurrent writers.</summary>
        public BudgetUsage ReadUsageSince(DateTimeOffset since)
        {
            SpinWait spin = default;
            while (true)
            {
                int before = Volatile.Read(ref _version);
                if ((before & 1) == 0)
                {
                    BudgetUsage usage = UsageSince(since);
                    Interlocked.MemoryBarrier();
                    if (Volatile.Read(ref _version) == before)
                    {
                        return usage;
                    }
                }

                spin.SpinOnce();
            }
        }

        /// <summary>Reads usage; exact when the caller holds the lock, and never throws when it does not.</summary>
        public BudgetUsage UsageSince(DateTimeOffset since)
        {
            // A local copy, and a count no larger than the array, so that a read racing a resize
            // computes garbage (discarded by the version check) rather than failing.
            Entry[] entries = _entries;
            int count = Math.Min(Volatile.Read(ref _count), entries.Length);
            if (count == 0)
            {
                return BudgetUsage.None;
            }

            int first = FirstAtOrAfter(entries, count, since);
            if (first == count)
            {
                return BudgetUsage.None;
            }

            ref Entry last = ref entries[count - 1];
            decimal amount = last.TotalAmount;
            int used = last.TotalCount;
            if (first > 0)
            {
                amount -= entries[first - 1].TotalAmount;
                used -= entries[first - 1].TotalCount;
            }

            return new BudgetUsage(amount, used);
        }

        public void Add(Entry entry)
        {
            BeginWrite();
            if (_count == _entries.Length)
            {
                int size = _entries.Length * 2;
                Array.Resize(ref _entries, size);
            }

            // Grants arrive almost always in time order; an entry that arrives late is moved into
            // place and the totals after it recomputed.
            int position = _count;
            while (position > 0 && _entries[position - 1].At > entry.At)
            {
                _entries[position] = _entries[position - 1];
                position--;
            }

            _entries[position] = entry;
            _count++;
            RecomputeTotalsFrom(position);
            EndWrite();
        }

        public void Void(string grantId)
        {
            for (int i = _count - 1; i >= 0; i--)
            {
                if (string.Equals(_entries[i].GrantId, grantId, StringComparison.Ordinal))
                {
                    BeginWrite();
                    _entries[i].Voided = true;
                    RecomputeTotalsFrom(i);
                    EndWrite();
                    return;
                }
            }
        }

        private static int FirstAtOrAfter(Entry[] entries, int count, DateTimeOffset since)
        {
            int low = 0, high = count;
            while (low < high)
            {
                int middle = (low + high) >>> 1;
                if (entries[middle].At < since)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low;
        }

        // Writers hold the instance's lock; the version is odd while they change anything.
        private void BeginWrite()
        {
            Volatile.Write(ref _version, _version + 1);
            Interlocked.MemoryBarrier();
        }

        private void EndWrite() => Volatile.Write(ref _version, _version + 1);

        private void RecomputeTotalsFrom(int index)
        {
            decimal amount = index > 0 ? _entries[index - 1].TotalAmount : 0m;
            int count = index > 0 ? _entries[index - 1].TotalCount : 0;
            for (int i = index; i < _count; i++)
            {
                if (!_entries[i].Voided)
                {
                    amount += _entries[i].Amount;
                    count++;
                }

                _entries[i].TotalAmount = amount;
                _entries[i].TotalCount = count;
            }
        }
    }
}
