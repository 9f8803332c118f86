using System.Collections.Concurrent;
using System.Numerics;
using CustomerCraft.Empowerment.Policy;
using CustomerCraft.Identifiers;
using CustomerCraft.Retention;
using CustomerCraft.Storage;

namespace CustomerCraft.Empowerment;

/// <summary>
/// The default <see cref="IBudgetLedger"/>: a real, thread-safe ledger for one process.
/// </summary>
/// <remarks>
/// Each budget has its own lock, so grants that touch different budgets proceed in parallel;
/// a reservation takes the locks of the budgets it charges in a fixed order, checks them all and
/// records the grant before releasing any, so no interleaving of grants can overspend a budget.
/// Idempotency keys are serialized through a small set of striped locks. Entries are kept until
/// <see cref="PruneAsync"/> removes those no window needs any more (the retention job calls it),
/// so memory is bounded by the longest window rather than by history.
/// </remarks>
internal sealed partial class InMemoryBudgetLedger : IBudgetLedger, IRetentionStore
{
    private const int StripeCount = 64;

    // Budgets are grouped by subject (an incident, a customer, an agent): an evaluation reads
    // every action's budget of the same few subjects, so one lookup serves them all. One
    // dictionary per scope, keyed by the id alone: a string key under an ordinal comparer gets
    // the runtime's non-randomized string hashing (a struct key with a custom comparer hashed
    // with Marvin), and the incidents, most of them charged once and never read again, do not
    // crowd the customers and agents every evaluation reads.
    private readonly ConcurrentDictionary<string, Subject> _incidents;
    private readonly ConcurrentDictionary<string, Subject> _customers;
    private readonly ConcurrentDictionary<string, Subject> _agents;
    private readonly ConcurrentDictionary<string, StoredGrant> _grantsById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredGrant> _grantsByKey = new(StringComparer.Ordinal);
    private readonly object[] _keyStripes = CreateStripes();
    private long _nextAccountOrder;

    /// <summary>Creates a ledger that compares the subject ids of budget keys exactly (ordinal).</summary>
    public InMemoryBudgetLedger()
        : this(IdComparison.Exact)
    {
    }

    /// <summary>
    /// Creates a ledger that compares the subject ids of budget keys (incident, customer and agent
    /// ids) by <paramref name="ids"/>' rule, as the container does with the configured
    /// <see cref="CustomerCraftOptions.IdComparison"/>: the engine then reads budgets by the ids as a
    /// request spells them, without building a key.
    /// </summary>
    /// <param name="ids">The id rule in force.</param>
    public InMemoryBudgetLedger(IdRules ids)
        : this((ids ?? throw new ArgumentNullException(nameof(ids))).Comparison)
    {
    }

    private InMemoryBudgetLedger(IdComparison comparison)
    {
        Comparison = comparison;
        StringComparer ids = comparison == IdComparison.IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        _incidents = new ConcurrentDictionary<string, Subject>(ids);
        _customers = new ConcurrentDictionary<string, Subject>(ids);
        _agents = new ConcurrentDictionary<string, Subject>(ids);
    }

    /// <summary>How this ledger compares subject ids.</summary>
    internal IdComparison Comparison { get; }

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
            if (ReplayIncidentUsage(key) is { } replayed)
            {
                results[i] = replayed;
                continue;
            }

            ref SubjectCache cache = ref SubjectCache.For(key.Scope, ref incidents, ref customers, ref agents);
            if (!string.Equals(cache.Id, key.SubjectId, StringComparison.Ordinal))
            {
                SubjectsOf(key.Scope).TryGetValue(key.SubjectId, out cache.Subject);
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
        new(ReplayIncidentUsage(key) ?? FindAccount(key)?.ReadUsageSince(since) ?? BudgetUsage.None);

    /// <inheritdoc />
    public ValueTask<ReservationResult> TryReserveAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        IReadOnlyList<BudgetCharge> charges = reservation.Charges;
        if (charges.Count <= ThreeCharges.Length)
        {
            // The engine's three charges (or fewer): on the stack, as the engine's own reservation does.
            ThreeCharges onStack = default;
            for (int i = 0; i < charges.Count; i++)
            {
                onStack[i] = charges[i];
            }

            return new ValueTask<ReservationResult>(Reserve(reservation.Grant, ((ReadOnlySpan<BudgetCharge>)onStack)[..charges.Count], cancellationToken));
        }

        return new ValueTask<ReservationResult>(Reserve(reservation.Grant, [.. charges], cancellationToken));
    }

    /// <summary>
    /// <see cref="TryReserveAsync"/> without the reservation's objects: the engine's grant on this
    /// ledger passes its charges on the stack, and nothing waits. The same checks, locks and
    /// guarantees (no overspend under concurrency, one grant per idempotency key).
    /// </summary>
    /// <param name="grant">The grant to record; its amount is charged to every budget.</param>
    /// <param name="charges">The budgets charged, with their limits; keys by the ids as this ledger compares them (any spelling under its rule).</param>
    /// <param name="cancellationToken">Checked before anything is locked.</param>
    internal ReservationResult Reserve(GrantRecord grant, ReadOnlySpan<BudgetCharge> charges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        cancellationToken.ThrowIfCancellationRequested();
        if (IsReplay)
        {
            throw new InvalidOperationException("A replay ledger is charged through its replay charges only, never reserved on.");
        }

        // The engine charges three budgets: their accounts on the stack, not in two arrays per grant.
        ThreeAccounts accountsOnStack = default, lockOrderOnStack = default;
        Span<Account> accounts = charges.Length <= ThreeAccounts.Length ? ((Span<Account>)accountsOnStack)[..charges.Length] : new Account[charges.Length];
        Span<Account> lockOrder = charges.Length <= ThreeAccounts.Length ? ((Span<Account>)lockOrderOnStack)[..charges.Length] : new Account[charges.Length];

        lock (StripeFor(grant.IdempotencyKey))
        {
        // A budget pruned between finding its account and locking it is found (or made) again.
        Retry:
            if (_grantsByKey.TryGetValue(grant.IdempotencyKey, out StoredGrant? existing))
            {
                return new ReservationResult(ReservationStatus.DuplicateIdempotencyKey, existing.Record);
            }

            if (_grantsById.ContainsKey(grant.GrantId))
            {
                throw new InvalidOperationException($"A grant with id '{grant.GrantId}' is already recorded.");
            }

            for (int i = 0; i < accounts.Length; i++)
            {
                accounts[i] = GetOrAddAccount(charges[i].Key);
                for (int j = 0; j < i; j++)
                {
                    if (ReferenceEquals(accounts[i], accounts[j]))
                    {
                        throw new ArgumentException($"The reservation charges budget '{charges[i].Key}' twice.", nameof(charges));
                    }
                }
            }

            // A fixed lock order (creation order of the accounts) rules out deadlocks between
            // reservations that charge overlapping budgets.
            accounts.CopyTo(lockOrder);
            SortByOrder(lockOrder);
            int taken = 0;
            try
            {
                for (; taken < lockOrder.Length; taken++)
                {
                    Monitor.Enter(lockOrder[taken]);
                }

                if (AnyRetired(lockOrder))
                {
                    goto Retry; // the finally block releases the locks taken
                }

                for (int i = 0; i < accounts.Length; i++)
                {
                    ref readonly BudgetCharge charge = ref charges[i];
                    BudgetUsage usage = accounts[i].UsageSince(charge.Since);
                    bool amountExceeded = charge.AmountLimit is decimal amountLimit && usage.Amount + grant.Amount > amountLimit;
                    bool countExceeded = charge.CountLimit is int countLimit && usage.Count + 1 > countLimit;
                    if (amountExceeded || countExceeded)
                    {
                        return new ReservationResult(ReservationStatus.LimitExceeded, ExceededBudget: charge.Key);
                    }
                }

                var stored = new StoredGrant(grant, accounts);
                for (int i = 0; i < accounts.Length; i++)
                {
                    accounts[i].Add(grant.GrantedAt.UtcTicks, grant.Amount, grant.GrantId);
                }

                _grantsById[grant.GrantId] = stored;
                _grantsByKey[grant.IdempotencyKey] = stored;
                return new ReservationResult(ReservationStatus.Reserved);
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
            if (!_grantsById.TryGetValue(grantId, out stored))
            {
                return new ValueTask<GrantRecord?>((GrantRecord?)null); // pruned meanwhile
            }

            if (stored.Record.IsVoided)
            {
                return new ValueTask<GrantRecord?>(stored.Record);
            }

            stored.VoidEntries();
            StoredGrant voided = stored.With(stored.Record with { VoidedAt = voidedAt, VoidReason = reason });
            _grantsById[grantId] = voided;
            _grantsByKey[voided.Record.IdempotencyKey] = voided;
            return new ValueTask<GrantRecord?>(voided.Record);
        }
    }

    /// <summary>The budgets of one incident, customer or agent, found by its id under this ledger's comparison; <see langword="null"/> when it has none.</summary>
    internal Subject? FindSubject(BudgetScope scope, string id) =>
        SubjectsOf(scope).TryGetValue(id, out Subject? subject) ? subject : null;

    /// <summary>
    /// Removes the charges no window reaches any more (customer and agent charges made before
    /// <see cref="RetentionCutoffs.ChargesBefore"/>, incident charges before
    /// <see cref="RetentionCutoffs.IncidentChargesBefore"/>) and voided ones, the budgets left with
    /// none, and the grants made before <see cref="RetentionCutoffs.ChargesBefore"/> that have no
    /// charge left. Usage over any window starting at or after the cutoffs is unchanged, and
    /// grants may go on concurrently: a grant on a budget being removed records it afresh.
    /// </summary>
    /// <param name="cutoffs">What may be removed.</param>
    /// <param name="cancellationToken">Stops between budgets.</param>
    /// <returns>What was removed; <see cref="RetentionResult.Decisions"/> is always zero here.</returns>
    public ValueTask<RetentionResult> PruneAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        if (IsReplay && cutoffs.IncidentChargesBefore is not null)
        {
            throw new InvalidOperationException("A replay ledger keeps incident budgets as totals, without times: they cannot be pruned by time.");
        }

        long charges = 0, budgets = 0, grants = 0;
        PruneScope(_incidents, cutoffs.IncidentChargesBefore ?? DateTimeOffset.MinValue, ref charges, ref budgets, cancellationToken);
        PruneScope(_customers, cutoffs.ChargesBefore, ref charges, ref budgets, cancellationToken);
        PruneScope(_agents, cutoffs.ChargesBefore, ref charges, ref budgets, cancellationToken);

        foreach (KeyValuePair<string, StoredGrant> pair in _grantsById)
        {
            GrantRecord grant = pair.Value.Record;
            // A grant goes with its last charge: a voided one's were removed above, a live one's
            // when its incident charge is too.
            bool chargesGone = grant.IsVoided || (cutoffs.IncidentChargesBefore is { } incident && grant.GrantedAt < incident);
            if (!chargesGone || grant.GrantedAt >= cutoffs.ChargesBefore)
            {
                continue;
            }

            lock (StripeFor(grant.IdempotencyKey))
            {
                // Removed only as it was read: a void that replaced it meanwhile is seen next time.
                if (_grantsById.TryRemove(pair))
                {
                    _grantsByKey.TryRemove(new KeyValuePair<string, StoredGrant>(grant.IdempotencyKey, pair.Value));
                    grants++;
                }
            }
        }

        return new ValueTask<RetentionResult>(new RetentionResult(charges, grants, budgets, 0));
    }

    /// <summary>Removes one scope's charges made before <paramref name="before"/> (and voided ones), and the budgets and subjects left with none.</summary>
    private static void PruneScope(ConcurrentDictionary<string, Subject> subjects, DateTimeOffset before, ref long charges, ref long budgets, CancellationToken cancellationToken)
    {
        foreach (KeyValuePair<string, Subject> pair in subjects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Subject subject = pair.Value;
            foreach ((string _, Account account) in subject.Accounts)
            {
                bool retired;
                lock (account)
                {
                    charges += account.RemoveBefore(before, inPlace: false);
                    retired = account.TryRetire();
                }

                if (retired)
                {
                    subject.Remove(account);
                    budgets++;
                }
            }

            subject.RetireIfEmpty(pair.Key, subjects);
        }
    }

    private ConcurrentDictionary<string, Subject> SubjectsOf(BudgetScope scope) => scope switch
    {
        BudgetScope.Incident => _incidents,
        BudgetScope.Customer => _customers,
        _ => _agents,
    };

    private static bool AnyRetired(ReadOnlySpan<Account> accounts)
    {
        foreach (Account account in accounts)
        {
            if (account.Retired)
            {
                return true;
            }
        }

        return false;
    }

    private Account? FindAccount(BudgetKey key) =>
        SubjectsOf(key.Scope).TryGetValue(key.SubjectId, out Subject? subject) ? subject.Find(key.Action) : null;

    private Account GetOrAddAccount(BudgetKey key)
    {
        while (true)
        {
            // A subject retired by pruning refuses new accounts: look it up again, to find or add its successor.
            if (SubjectsOf(key.Scope).GetOrAdd(key.SubjectId, static _ => new Subject()).GetOrAdd(key.Action, this) is { } account)
            {
                return account;
            }
        }
    }

    private object StripeFor(string idempotencyKey) =>
        _keyStripes[(StringComparer.Ordinal.GetHashCode(idempotencyKey) & int.MaxValue) % StripeCount];

    private static void SortByOrder(Span<Account> accounts)
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

    /// <summary>
    /// A grant and the budgets it charged. The engine charges three (incident, customer, agent):
    /// they are kept in fields rather than an array, and a grant that charges more than three keeps
    /// its array in the third field, so every grant the ledger keeps costs 48 bytes here.
    /// Compared by reference, so that pruning removes only the instance it read.
    /// </summary>
    private sealed class StoredGrant
    {
        private readonly Account? _first;
        private readonly Account? _second;
        private readonly object? _third; // the third account, or every account (an Account[]) when there are more than three

        public StoredGrant(GrantRecord record, ReadOnlySpan<Account> accounts)
        {
            Record = record;
            if (accounts.Length > 3)
            {
                _third = accounts.ToArray();
                return;
            }

            _first = accounts.Length > 0 ? accounts[0] : null;
            _second = accounts.Length > 1 ? accounts[1] : null;
            _third = accounts.Length > 2 ? accounts[2] : null;
        }

        private StoredGrant(GrantRecord record, StoredGrant accounts)
        {
            Record = record;
            _first = accounts._first;
            _second = accounts._second;
            _third = accounts._third;
        }

        public GrantRecord Record { get; }

        /// <summary>The same budgets with another record (the voided one).</summary>
        public StoredGrant With(GrantRecord record) => new(record, this);

        /// <summary>Voids the grant's entry in each of its budgets, under each budget's lock.</summary>
        public void VoidEntries()
        {
            if (_third is Account[] every)
            {
                foreach (Account account in every)
                {
                    VoidIn(account, Record.GrantId);
                }

                return;
            }

            VoidIn(_first, Record.GrantId);
            VoidIn(_second, Record.GrantId);
            VoidIn((Account?)_third, Record.GrantId);

            static void VoidIn(Account? account, string grantId)
            {
                if (account is null)
                {
                    return;
                }

                lock (account)
                {
                    account.Void(grantId);
                }
            }
        }
    }

    /// <summary>Room on the stack for the engine's three charges (incident, customer, agent).</summary>
    [System.Runtime.CompilerServices.InlineArray(Length)]
    internal struct ThreeCharges
    {
        public const int Length = 3;
        private BudgetCharge _element;
    }

    /// <summary>Room on the stack for the accounts of a reservation's three charges.</summary>
    [System.Runtime.CompilerServices.InlineArray(Length)]
    private struct ThreeAccounts
    {
        public const int Length = 3;
        private Account _element;
    }

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
    internal sealed class Subject
    {
        /// <summary>The usage of the subject's budget for <paramref name="action"/> from <paramref name="since"/> on, without a lock.</summary>
        public BudgetUsage Usage(string action, DateTimeOffset since) =>
            Find(action) is { } account ? account.ReadUsageSince(since) : BudgetUsage.None;

        /// <summary>The same usage in whole minor units of <paramref name="decimals"/> decimals, read without <see langword="decimal"/> arithmetic.</summary>
        public MinorUsage MinorUsage(string action, DateTimeOffset since, int decimals) =>
            Find(action) is { } account ? account.ReadMinorSince(since, decimals) : default;

        // What _accounts becomes, under the lock, once the subject has no account and is leaving
        // the dictionary (an empty array of its own, told apart by reference): no flag field, so a
        // subject (one per incident, most charged once) is the smallest object there is, 24 bytes.
#pragma warning disable CA1825 // a distinct empty array on purpose: Array.Empty is what a subject starts with
        private static readonly (string Action, Account Account)[] Retired = new (string Action, Account Account)[0];
#pragma warning restore CA1825

        private (string Action, Account Account)[] _accounts = [];

        /// <summary>The subject's budgets by action: an array that is replaced, never changed.</summary>
        public (string Action, Account Account)[] Accounts => Volatile.Read(ref _accounts);

        public void Remove(Account account)
        {
            lock (this)
            {
                (string Action, Account Account)[] accounts = _accounts;
                int at = Array.FindIndex(accounts, a => ReferenceEquals(a.Account, account));
                if (at < 0)
                {
                    return;
                }

                var remaining = new (string Action, Account Account)[accounts.Length - 1];
                Array.Copy(accounts, remaining, at);
                Array.Copy(accounts, at + 1, remaining, at, accounts.Length - at - 1);
                Volatile.Write(ref _accounts, remaining);
            }
        }

        public void RetireIfEmpty(string key, ConcurrentDictionary<string, Subject> subjects)
        {
            lock (this)
            {
                if (_accounts.Length == 0)
                {
                    Volatile.Write(ref _accounts, Retired);
                    subjects.TryRemove(new KeyValuePair<string, Subject>(key, this));
                }
            }
        }

        public Account? Find(string action)
        {
            (string Action, Account Account)[] accounts = Volatile.Read(ref _accounts);

            // The engine passes the policy's own action strings, which charged the budgets: a
            // reference match is the common case, so look for one before comparing any text.
            for (int i = 0; i < accounts.Length; i++)
            {
                if (ReferenceEquals(accounts[i].Action, action))
                {
                    return accounts[i].Account;
                }
            }

            for (int i = 0; i < accounts.Length; i++)
            {
                if (string.Equals(accounts[i].Action, action, StringComparison.OrdinalIgnoreCase))
                {
                    return accounts[i].Account;
                }
            }

            return null;
        }

        public Account? GetOrAdd(string action, InMemoryBudgetLedger ledger)
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

                if (ReferenceEquals(_accounts, Retired))
                {
                    return null;
                }

                Account account = new(Interlocked.Increment(ref ledger._nextAccountOrder));
                Volatile.Write(ref _accounts, [.. _accounts, (action, account)]);
                return account;
            }
        }
    }

    /// <summary>Compares entry owners (see <see cref="Entry.Owner"/>): grant ids ordinally, anything else by reference.</summary>
    internal sealed class OwnerComparer : IEqualityComparer<object>
    {
        public static readonly OwnerComparer Instance = new();

        public new bool Equals(object? x, object? y) =>
            ReferenceEquals(x, y) || (x is string a && y is string b && string.Equals(a, b, StringComparison.Ordinal));

        public int GetHashCode(object owner) =>
            owner is string id ? StringComparer.Ordinal.GetHashCode(id) : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(owner);
    }

    /// <summary>
    /// One charge on one budget, with the running totals up to and including it: 32 bytes, so that
    /// a window's usage touches few cache lines and a grant's three entries cost little memory. The
    /// charge's own amount is not kept: it is the difference of its running total and the previous
    /// entry's (see <see cref="Account"/>).
    /// </summary>
    internal struct Entry(long ticks, object owner)
    {
        /// <summary>When the charge was made, in UTC ticks (what <see cref="DateTimeOffset"/> compares).</summary>
        public readonly long Ticks = ticks;

        /// <summary>
        /// What the entry belongs to, and a void finds it by: a grant's id (a string, compared
        /// ordinally), or the what-if replay's <see cref="ReplayCharge"/> itself (compared by
        /// reference), so that a replayed charge needs no id string of its own.
        /// </summary>
        public readonly object Owner = owner;

        // The sums over this entry and every earlier one that is not voided: the amount in
        // ten-thousandths (see Account), and the count.
        public long TotalScaled;
        public int TotalCount;
        public bool Voided;
    }

    /// <summary>
    /// One budget's entries, kept sorted by time, with running totals (prefix sums) so that the
    /// usage of any window is two lookups after a binary search, however many grants the budget
    /// holds. Writers lock the instance; readers take no lock: a version number that is odd while a
    /// write is in progress tells a reader to read again (a sequence lock), so evaluations never
    /// wait for each other or for grants on other budgets.
    /// </summary>
    /// <remarks>
    /// Amounts are summed as whole ten-thousandths (<see cref="Scale"/>) in a <see langword="long"/>:
    /// every amount the engine charges has at most four decimals (money's minor units, a quantity's
    /// decimals), and integer sums and differences cost a fraction of <see langword="decimal"/>
    /// ones, which an evaluation pays for every budget it reads (issue 17). An entry's amount is
    /// the difference of two running totals, so adding, voiding and pruning move the totals by
    /// that difference and no entry stores its amount. An amount with more decimals, a negative
    /// one, or totals past a <see langword="long"/> (only a host charging the ledger directly can
    /// cause them) switch the account to exact <see langword="decimal"/> sums: from then on it
    /// keeps every live entry's exact amount by its id, so no usage is ever rounded.
    /// </remarks>
    internal sealed class Account(long order)
    {
        /// <summary>The decimals of <see cref="Entry.TotalScaled"/>.</summary>
        public const int Scale = 4;

        // One slot to start with: most budgets are an incident's, charged once.
        private Entry[] _entries = new Entry[1];

        private int _count;
        private int _version;

        // The account's own summary, kept beside the lock word so that the most common read, a
        // window that holds every entry (an incident's budget always, a customer's or an agent's
        // until its oldest charge leaves the window), touches this object only and not the entry
        // array, which sits elsewhere on the heap (a cache miss per budget, 15 budgets a decision):
        // the first entry's time (long.MaxValue when there is none) and the running totals of the
        // last entry. Written with the entries, inside the version (see Summarize).
        private long _firstTicks = long.MaxValue;
        private long _totalScaled;
        private int _totalCount;

        // Null while the totals are whole ten-thousandths; once an amount or a total does not fit
        // them, the exact amount of every live entry by its id (and the scaled totals are unused).
        private ConcurrentDictionary<object, decimal>? _exact;

        public long Order { get; } = order;

        /// <summary>Removed by pruning: a reservation that locked it finds or makes the budget's account again.</summary>
        public bool Retired { get; private set; }

        /// <summary>How many entries the account holds, voided ones included; the caller holds the lock.</summary>
        internal int Count => _count;

        /// <summary>Whether the account sums exact <see langword="decimal"/> amounts rather than ten-thousandths.</summary>
        internal bool IsExact => Volatile.Read(ref _exact) is not null;

        /// <summary>Retires the account if it holds nothing; the caller holds the lock.</summary>
        public bool TryRetire()
        {
            if (_count == 0)
            {
                Retired = true;
            }

            return Retired;
        }

        /// <summary>
        /// Removes the entries made before <paramref name="before"/> and the voided ones; the caller
        /// holds the lock. Usage over any window starting at or after it stays the same: the
        /// running totals are rebuilt from the differences of the entries that remain. Unless
        /// <paramref name="inPlace"/> (only when nothing reads the account concurrently: a replay
        /// ledger), the entries that remain go into a fresh array.
        /// </summary>
        public int RemoveBefore(DateTimeOffset before, bool inPlace)
        {
            long cutoff = before.UtcTicks;
            int kept = 0;
            for (int i = 0; i < _count; i++)
            {
                if (_entries[i].Ticks >= cutoff && !_entries[i].Voided)
                {
                    kept++;
                }
            }

            int removed = _count - kept;
            if (removed == 0)
            {
                return 0;
            }

            // A fresh array, so a lock-free reader of the old one reads consistent (discarded) data;
            // it also gives memory back when most entries went. In place, the kept entries move
            // down (never past one not yet read) and the slots left behind are cleared.
            Entry[] entries = inPlace ? _entries : new Entry[Math.Max(1, (int)BitOperations.RoundUpToPowerOf2((uint)kept))];
            BeginWrite();
            ConcurrentDictionary<object, decimal>? exact = _exact;
            long total = 0;
            long previous = 0; // the running total before entry i, as it was (in place, slot i - 1 may be rewritten)
            int next = 0;
            for (int i = 0; i < _count; i++)
            {
                Entry entry = _entries[i];
                long own = entry.TotalScaled - previous;
                previous = entry.TotalScaled;
                if (entry.Ticks >= cutoff && !entry.Voided)
                {
                    total += own;
                    entries[next] = entry;
                    entries[next].TotalScaled = total;
                    entries[next].TotalCount = next + 1;
                    next++;
                }
                else if (exact is not null && !entry.Voided)
                {
                    exact.TryRemove(entry.Owner, out _);
                }
            }

            if (inPlace)
            {
                Array.Clear(entries, kept, _count - kept);
            }

            _entries = entries;
            _count = kept;
            Summarize();
            EndWrite();
            return removed;
        }

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

                    // The reads above complete before the version is read again (a no-op on x64,
                    // where a full barrier cost an evaluation a fence per budget).
                    Volatile.ReadBarrier();
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
            long sinceTicks = since.UtcTicks;
            if (sinceTicks <= _firstTicks && Volatile.Read(ref _exact) is null)
            {
                // The window holds every entry (or there is none): the summary, without the entries.
                return new BudgetUsage(MinorUnits.ToDecimal(_totalScaled, Scale), _totalCount);
            }

            // A local copy, and a count no larger than the array, so that a read racing a resize
            // computes garbage (discarded by the version check) rather than failing.
            Entry[] entries = _entries;
            int count = Math.Min(Volatile.Read(ref _count), entries.Length);
            if (count == 0)
            {
                return BudgetUsage.None;
            }

            int first = FirstAtOrAfter(entries, count, sinceTicks);
            if (first == count)
            {
                return BudgetUsage.None;
            }

            ref Entry last = ref entries[count - 1];
            int used = last.TotalCount - (first > 0 ? entries[first - 1].TotalCount : 0);
            if (Volatile.Read(ref _exact) is { } exact)
            {
                return new BudgetUsage(ExactSum(entries, first, count, exact), used);
            }

            long scaled = last.TotalScaled - (first > 0 ? entries[first - 1].TotalScaled : 0);
            return new BudgetUsage(MinorUnits.ToDecimal(scaled, Scale), used);
        }

        /// <summary>
        /// Reads usage in whole minor units of <paramref name="decimals"/> decimals (truncated, as
        /// <see cref="MinorUnits.From"/> does), without the lock and without <see langword="decimal"/>
        /// arithmetic: the engine's read.
        /// </summary>
        public MinorUsage ReadMinorSince(DateTimeOffset since, int decimals)
        {
            SpinWait spin = default;
            while (true)
            {
                int before = Volatile.Read(ref _version);
                if ((before & 1) == 0)
                {
                    MinorUsage usage = MinorSince(since.UtcTicks, decimals);
                    Volatile.ReadBarrier();
                    if (Volatile.Read(ref _version) == before)
                    {
                        return usage;
                    }
                }

                spin.SpinOnce();
            }
        }

        private MinorUsage MinorSince(long since, int decimals)
        {
            if (Volatile.Read(ref _exact) is not null)
            {
                BudgetUsage exact = UsageSince(new DateTimeOffset(since, TimeSpan.Zero));
                return new MinorUsage(MinorUnits.From(exact.Amount, decimals), exact.Count);
            }

            if (since <= _firstTicks)
            {
                // The window holds every entry (or there is none): the summary, without the entries.
                return new MinorUsage(MinorUnits.Rescale(_totalScaled, Scale, decimals), _totalCount);
            }

            // As in UsageSince: a local copy and a bounded count, so a racing resize reads garbage, never out of range.
            Entry[] entries = _entries;
            int count = Math.Min(Volatile.Read(ref _count), entries.Length);
            if (count == 0)
            {
                return default;
            }

            int first = FirstAtOrAfter(entries, count, since);
            if (first == count)
            {
                return default;
            }

            ref Entry last = ref entries[count - 1];
            long scaled = last.TotalScaled;
            int used = last.TotalCount;
            if (first > 0)
            {
                scaled -= entries[first - 1].TotalScaled;
                used -= entries[first - 1].TotalCount;
            }

            return new MinorUsage(MinorUnits.Rescale(scaled, Scale, decimals), used);
        }

        private static decimal ExactSum(Entry[] entries, int first, int count, ConcurrentDictionary<object, decimal> exact)
        {
            decimal sum = 0m;
            for (int i = first; i < count; i++)
            {
                // A racing reader may see an empty slot (no id): garbage the version check discards.
                if (!entries[i].Voided && entries[i].Owner is { } id && exact.TryGetValue(id, out decimal amount))
                {
                    sum += amount;
                }
            }

            return sum;
        }

        /// <summary>Records a charge of <paramref name="owner"/> (see <see cref="Entry.Owner"/>); the caller holds the lock.</summary>
        public void Add(long ticks, decimal amount, object owner)
        {
            BeginWrite();
            long add = 0;
            if (_exact is null && !(TryScale(amount, out add) && (_count == 0 || _entries[_count - 1].TotalScaled + add >= 0)))
            {
                // Both are never negative, so a sum past long.MaxValue shows as negative.
                SwitchToExact();
                add = 0;
            }

            if (_count == _entries.Length)
            {
                Array.Resize(ref _entries, _entries.Length * 2);
            }

            // Grants arrive almost always in time order; an entry that arrives late is moved into
            // place and the totals after it moved by its amount.
            int position = _count;
            while (position > 0 && _entries[position - 1].Ticks > ticks)
            {
                _entries[position] = _entries[position - 1];
                position--;
            }

            _entries[position] = new Entry(ticks, owner)
            {
                TotalScaled = (position > 0 ? _entries[position - 1].TotalScaled : 0) + add,
                TotalCount = (position > 0 ? _entries[position - 1].TotalCount : 0) + 1,
            };
            _count++;
            for (int i = position + 1; i < _count; i++)
            {
                _entries[i].TotalScaled += add;
                _entries[i].TotalCount++;
            }

            _exact?.TryAdd(owner, amount);
            Summarize();
            EndWrite();
        }

        /// <summary>Voids the entry of <paramref name="owner"/> (see <see cref="Entry.Owner"/>), if the account holds it; the caller holds the lock.</summary>
        public void Void(object owner)
        {
            for (int i = _count - 1; i >= 0; i--)
            {
                if (OwnerComparer.Instance.Equals(_entries[i].Owner, owner))
                {
                    if (_entries[i].Voided)
                    {
                        return; // the totals already left it out
                    }

                    BeginWrite();
                    long amount = _exact is null ? _entries[i].TotalScaled - (i > 0 ? _entries[i - 1].TotalScaled : 0) : 0;
                    _exact?.TryRemove(owner, out _);
                    _entries[i].Voided = true;
                    for (int j = i; j < _count; j++)
                    {
                        _entries[j].TotalScaled -= amount;
                        _entries[j].TotalCount--;
                    }

                    Summarize();
                    EndWrite();
                    return;
                }
            }
        }

        // Called by a writer: every live entry's amount, exactly, from the scaled totals (they were
        // exact), before the first amount that does not fit them is added.
        private void SwitchToExact()
        {
            var exact = new ConcurrentDictionary<object, decimal>(OwnerComparer.Instance);
            for (int i = 0; i < _count; i++)
            {
                if (!_entries[i].Voided)
                {
                    exact[_entries[i].Owner] = MinorUnits.ToDecimal(_entries[i].TotalScaled - (i > 0 ? _entries[i - 1].TotalScaled : 0), Scale);
                }
            }

            Volatile.Write(ref _exact, exact);
        }

        private static int FirstAtOrAfter(Entry[] entries, int count, long since)
        {
            // Most windows hold every entry (a budget's whole history fits its window until pruning)
            // or none: settled from the two ends, without the search touching the ones between.
            if (entries[0].Ticks >= since)
            {
                return 0;
            }

            if (entries[count - 1].Ticks < since)
            {
                return count;
            }

            int low = 1, high = count - 1;
            while (low < high)
            {
                int middle = (low + high) >>> 1;
                if (entries[middle].Ticks < since)
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

        /// <summary>Brings the summary (first time, last totals) up to date with the entries; a writer calls it before <see cref="EndWrite"/>.</summary>
        private void Summarize()
        {
            if (_count == 0)
            {
                _firstTicks = long.MaxValue;
                _totalScaled = 0;
                _totalCount = 0;
                return;
            }

            ref Entry last = ref _entries[_count - 1];
            _firstTicks = _entries[0].Ticks;
            _totalScaled = last.TotalScaled;
            _totalCount = last.TotalCount;
        }

        // Writers hold the instance's lock; the version is odd while they change anything.
        private void BeginWrite()
        {
            Volatile.Write(ref _version, _version + 1);
            Interlocked.MemoryBarrier();
        }

        private void EndWrite() => Volatile.Write(ref _version, _version + 1);

        /// <summary>An amount as whole ten-thousandths, when it is one (not negative, no more than four decimals).</summary>
        private static bool TryScale(decimal amount, out long scaled)
        {
            scaled = 0;
            if (amount < 0)
            {
                return false;
            }

            scaled = MinorUnits.From(amount, Scale);
            return scaled != long.MaxValue && MinorUnits.ToDecimal(scaled, Scale) == amount;
        }
    }
}
