using System.Data;
using System.Globalization;
using System.Text;
using System.Data.Common;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Model;
using CustomerCraft.Retention;
using CustomerCraft.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// The budget ledger on EF Core. A reservation is one transaction: lock the budgets it charges,
/// check the idempotency key, sum each budget's window, insert the grant and its charges, commit.
/// On PostgreSQL the lock is <c>SELECT ... FOR UPDATE</c> on one row per budget (created on the
/// budget's first grant, in the same round trip), taken in key order so that reservations over
/// overlapping budgets cannot deadlock; reservations on different budgets do not wait for each other. On SQLite the transaction starts with <c>BEGIN IMMEDIATE</c>,
/// which holds the database's single write lock, so reservations take turns. On PostgreSQL the
/// whole transaction is one call of the server-side function <see cref="ReserveFunction"/>: one
/// round trip per grant.
/// </summary>
internal sealed partial class EntityFrameworkBudgetLedger<TContext>(IDbContextFactory<TContext> contexts) : IBudgetLedger, IRetentionStore
    where TContext : DbContext
{
    // Cleared when the database has no reserve function (a host's own migrations without it) or
    // runs the call under another isolation level than READ COMMITTED: the multi-statement
    // transaction, which sets its isolation level itself, serves instead.
    private volatile bool _oneRoundTrip = true;

    // Set on the first reservation when the database is SQLite.
    private volatile SqliteWriter<TContext>? _sqliteWriter;

    public async ValueTask ReadUsageAsync(ReadOnlyMemory<BudgetQuery> queries, Memory<BudgetUsage> usage, CancellationToken cancellationToken = default)
    {
        if (usage.Length < queries.Length)
        {
            throw new ArgumentException($"The usage buffer holds {usage.Length} results for {queries.Length} queries.", nameof(usage));
        }

        if (queries.Length == 0)
        {
            return;
        }

        var windows = new (BudgetKey Key, DateTimeOffset Since)[queries.Length];
        for (int i = 0; i < windows.Length; i++)
        {
            windows[i] = (queries.Span[i].Key, queries.Span[i].Since);
        }

        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        // A raw command is not retried by EF Core on its own, as a LINQ query is: the strategy retries it.
        BudgetUsage[] read = await context.Database.CreateExecutionStrategy().ExecuteAsync(
            ct => SumWindowsAsync(context, windows, ct), cancellationToken).ConfigureAwait(false);
        read.CopyTo(usage);
    }

    public async ValueTask<ReservationResult> TryReserveAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        GrantRecord grant = reservation.Grant;
        IReadOnlyList<BudgetCharge> charges = reservation.Charges;
        long units = CheckReservation(reservation, out (BudgetKey Key, DateTimeOffset Since)[] windows);

        // SQLite: the reservation joins the host's group commit (SqliteWriter, SqliteReservations).
        if (_sqliteWriter is { } writer)
        {
            return await SqliteReservations.ReserveAsync(contexts, writer, grant, charges, windows, units, usage: default, decision: null, cancellationToken).ConfigureAwait(false);
        }

        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        StoreProvider provider = StoreProviders.Of(context.Database);
        if (provider == StoreProvider.Sqlite)
        {
            _sqliteWriter = SqliteWriter<TContext>.For(contexts);
            return await SqliteReservations.ReserveAsync(contexts, _sqliteWriter, grant, charges, windows, units, usage: default, decision: null, cancellationToken).ConfigureAwait(false);
        }

        IExecutionStrategy strategy = context.Database.CreateExecutionStrategy();
        if (provider == StoreProvider.PostgreSql && _oneRoundTrip
            && await ReserveInOneRoundTripAsync(context, strategy, grant, charges, units, usage: default, decision: null, cancellationToken).ConfigureAwait(false) is { } reserved)
        {
            return reserved;
        }

        // The whole transaction is the unit a transient failure retries. A retry after a commit
        // whose acknowledgement was lost finds its own grant by the idempotency key and reports
        // it reserved, so a retried reservation is charged once.
        return await strategy.ExecuteAsync(
            async ct =>
            {
                // READ COMMITTED on PostgreSQL, whatever the server's default: each statement after
                // the lock must see what the transactions it waited for committed.
                await using IDbContextTransaction transaction = provider == StoreProvider.PostgreSql
                    ? await context.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false)
                    : await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                if (provider == StoreProvider.PostgreSql && windows.Length > 0)
                {
                    await LockBudgetsAsync(context, windows, ct).ConfigureAwait(false);
                }

                GrantRow? existing = await FindByKeyAsync(context, grant.IdempotencyKey, ct).ConfigureAwait(false);
                if (existing is not null)
                {
                    return Duplicate(existing, grant);
                }

                BudgetUsage[] usage = await SumWindowsAsync(context, windows, ct).ConfigureAwait(false);
                for (int i = 0; i < charges.Count; i++)
                {
                    BudgetCharge charge = charges[i];
                    bool amountExceeded = charge.AmountLimit is decimal amountLimit && usage[i].Amount + grant.Amount > amountLimit;
                    bool countExceeded = charge.CountLimit is int countLimit && usage[i].Count + 1 > countLimit;
                    if (amountExceeded || countExceeded)
                    {
                        return new ReservationResult(ReservationStatus.LimitExceeded, ExceededBudget: charge.Key);
                    }
                }

                (string insert, object?[] values) = InsertGrant(grant, charges, units);
                try
                {
                    await StoreCommands.ExecuteAsync(context, insert, values, ct).ConfigureAwait(false);
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return new ReservationResult(ReservationStatus.Reserved);
                }
                catch (DbException ex) when (!ct.IsCancellationRequested && !IsTransient(ex))
                {
                    // The unique index on the idempotency key is the last word: a request
                    // reusing a key for other budgets (so not serialized by our locks) loses here.
                    // (A transient failure, such as a dropped connection, goes to the execution
                    // strategy as it is, to retry the whole reservation.)
                    await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                    GrantRow? raced = await FindByKeyAsync(context, grant.IdempotencyKey, ct).ConfigureAwait(false);
                    if (raced is not null)
                    {
                        return Duplicate(raced, grant);
                    }

                    if (await context.Set<GrantRow>().AsNoTracking().AnyAsync(g => g.GrantId == grant.GrantId, ct).ConfigureAwait(false))
                    {
                        throw new InvalidOperationException($"A grant with id '{grant.GrantId}' is already recorded.");
                    }

                    throw;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a reservation's grant and charges (no budget charged twice); returns the grant's amount in ten-thousandths and each charge's window.</summary>
    private static long CheckReservation(BudgetReservation reservation, out (BudgetKey Key, DateTimeOffset Since)[] windows)
    {
        GrantRecord grant = reservation.Grant;
        IReadOnlyList<BudgetCharge> charges = reservation.Charges;
        Check(grant);
        long units = ColumnLimits.ToUnits(grant.Amount, "GrantRecord.Amount");
        ColumnLimits.ToUnits(grant.RequestedAmount, "GrantRecord.RequestedAmount");
        windows = new (BudgetKey Key, DateTimeOffset Since)[charges.Count];
        for (int i = 0; i < windows.Length; i++)
        {
            windows[i] = (charges[i].Key, charges[i].Since);
            for (int j = 0; j < i; j++)
            {
                if (windows[j].Key.Equals(windows[i].Key))
                {
                    throw new ArgumentException($"The reservation charges budget '{charges[i].Key}' twice.", nameof(reservation));
                }
            }
        }

        return units;
    }

    public async ValueTask<GrantRecord?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        GrantRow? row = await context.Database.CreateExecutionStrategy().ExecuteAsync(
            ct => FindByKeyAsync(context, idempotencyKey, ct), cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToRecord(row);
    }

    public async ValueTask<GrantRecord?> FindGrantAsync(string grantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grantId);
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        GrantRow? row = await context.Set<GrantRow>().AsNoTracking().FirstOrDefaultAsync(g => g.GrantId == grantId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToRecord(row);
    }

    public async ValueTask<GrantRecord?> VoidAsync(string grantId, DateTimeOffset voidedAt, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grantId);
        ArgumentNullException.ThrowIfNull(reason);
        ColumnLimits.Check(reason, ColumnLimits.VoidReason, nameof(reason));
        DateTimeOffset at = voidedAt.ToUniversalTime();
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        IExecutionStrategy strategy = context.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            async ct =>
            {
                await using IDbContextTransaction transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                // Only the first void of a grant takes effect: releasing never overspends, so no
                // budget lock is needed, but the grant row's condition keeps its reason and time.
                int voided = await context.Set<GrantRow>()
                    .Where(g => g.GrantId == grantId && g.VoidedAt == null)
                    .ExecuteUpdateAsync(set => set.SetProperty(g => g.VoidedAt, at).SetProperty(g => g.VoidedAtTicks, at.UtcTicks).SetProperty(g => g.VoidReason, reason), ct)
                    .ConfigureAwait(false);
                if (voided == 1)
                {
                    await context.Set<BudgetChargeRow>()
                        .Where(c => c.GrantId == grantId)
                        .ExecuteUpdateAsync(set => set.SetProperty(c => c.Voided, true), ct)
                        .ConfigureAwait(false);
                }

                GrantRow? row = await context.Set<GrantRow>().AsNoTracking().FirstOrDefaultAsync(g => g.GrantId == grantId, ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return row is null ? null : ToRecord(row);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes, batch by batch (each batch one statement, committed on its own): charges out of
    /// every window (customer and agent charges before <see cref="RetentionCutoffs.ChargesBefore"/>,
    /// incident charges before <see cref="RetentionCutoffs.IncidentChargesBefore"/>) and voided
    /// charges; grants made before <see cref="RetentionCutoffs.ChargesBefore"/> with no charge left;
    /// budget lock rows with no charge. On PostgreSQL each batch takes its rows
    /// <c>FOR UPDATE SKIP LOCKED</c>, so instances pruning at once take different rows and never
    /// wait for a reservation; a reservation whose lock row was deleted makes it again.
    /// </summary>
    public async ValueTask<RetentionResult> PruneAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        ArgumentOutOfRangeException.ThrowIfLessThan(cutoffs.BatchSize, 1, "RetentionCutoffs.BatchSize");
        await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
        string skipLocked = StoreProviders.Of(context.Database) == StoreProvider.PostgreSql ? " FOR UPDATE SKIP LOCKED" : "";
        long charges = await DeleteInBatchesAsync(
            context,
            "DELETE FROM customercraft_budget_charges WHERE (grant_id, ordinal) IN (SELECT grant_id, ordinal FROM customercraft_budget_charges " +
            "WHERE (at_ticks < {0} AND scope <> {1}) OR (at_ticks < {2} AND scope = {1}) LIMIT {3}" + skipLocked + ")",
            [cutoffs.ChargesBefore.UtcTicks, (int)BudgetScope.Incident, cutoffs.IncidentChargesBefore?.UtcTicks ?? long.MinValue, cutoffs.BatchSize],
            cutoffs.BatchSize,
            cancellationToken).ConfigureAwait(false);
        charges += await DeleteInBatchesAsync(
            context,
            "DELETE FROM customercraft_budget_charges WHERE (grant_id, ordinal) IN (SELECT grant_id, ordinal FROM customercraft_budget_charges " +
            "WHERE voided LIMIT {0}" + skipLocked + ")",
            [cutoffs.BatchSize],
            cutoffs.BatchSize,
            cancellationToken).ConfigureAwait(false);
        long grants = await DeleteInBatchesAsync(
            context,
            "DELETE FROM customercraft_grants WHERE grant_id IN (SELECT g.grant_id FROM customercraft_grants g WHERE g.granted_at_ticks < {0} " +
            "AND NOT EXISTS (SELECT 1 FROM customercraft_budget_charges c WHERE c.grant_id = g.grant_id) LIMIT {1}" + skipLocked + ")",
            [cutoffs.ChargesBefore.UtcTicks, cutoffs.BatchSize],
            cutoffs.BatchSize,
            cancellationToken).ConfigureAwait(false);
        // A lock row may also go while a charge for it is being committed (the anti-join ran on an
        // earlier snapshot): harmless, since a reservation creates a missing row before locking it.
        long budgets = await DeleteInBatchesAsync(
            context,
            "DELETE FROM customercraft_budgets WHERE (scope, subject_id, action) IN (SELECT b.scope, b.subject_id, b.action FROM customercraft_budgets b " +
            "WHERE NOT EXISTS (SELECT 1 FROM customercraft_budget_charges c WHERE c.scope = b.scope AND c.subject_id = b.subject_id AND c.action = b.action) " +
            "LIMIT {0}" + skipLocked + ")",
            [cutoffs.BatchSize],
            cutoffs.BatchSize,
            cancellationToken).ConfigureAwait(false);
        return new RetentionResult(charges, grants, budgets, 0);
    }

    /// <summary>Runs a <c>DELETE ... LIMIT</c> until a batch removes fewer rows than the limit; each batch commits on its own.</summary>
    internal static async Task<long> DeleteInBatchesAsync(DbContext context, string sql, object[] parameters, int batchSize, CancellationToken cancellationToken)
    {
        IExecutionStrategy strategy = context.Database.CreateExecutionStrategy();
        long total = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int removed = await strategy.ExecuteAsync(ct => context.Database.ExecuteSqlRawAsync(sql, parameters, ct), cancellationToken).ConfigureAwait(false);
            total += removed;
            if (removed < batchSize)
            {
                return total;
            }
        }
    }

    private static string NormalizeAction(string action) => action.ToLowerInvariant();

    private static void Check(GrantRecord grant)
    {
        ColumnLimits.Check(grant.GrantId, ColumnLimits.Id, "GrantRecord.GrantId");
        ColumnLimits.Check(grant.IdempotencyKey, ColumnLimits.IdempotencyKey, "GrantRecord.IdempotencyKey");
        ColumnLimits.Check(grant.AgentId, ColumnLimits.Id, "GrantRecord.AgentId");
        ColumnLimits.Check(grant.Role, ColumnLimits.Id, "GrantRecord.Role");
        ColumnLimits.Check(grant.CustomerId, ColumnLimits.Id, "GrantRecord.CustomerId");
        ColumnLimits.Check(grant.IncidentId, ColumnLimits.Id, "GrantRecord.IncidentId");
        ColumnLimits.Check(grant.Action, ColumnLimits.Id, "GrantRecord.Action");
        ColumnLimits.Check(grant.ApproverId, ColumnLimits.Id, "GrantRecord.ApproverId");
        ColumnLimits.Check(grant.ApproverRole, ColumnLimits.Id, "GrantRecord.ApproverRole");
        ColumnLimits.Check(grant.Currency, ColumnLimits.Currency, "GrantRecord.Currency");
        ColumnLimits.Check(grant.RequestedCurrency, ColumnLimits.Currency, "GrantRecord.RequestedCurrency");
        ColumnLimits.Check(grant.ContextFingerprint, ColumnLimits.Id, "GrantRecord.ContextFingerprint");
    }

    internal static bool IsTransient(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is System.Data.Common.DbException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    internal static ReservationResult Duplicate(GrantRow existing, GrantRecord grant) =>
        string.Equals(existing.GrantId, grant.GrantId, StringComparison.Ordinal)
            // Our own grant, committed by an attempt whose acknowledgement was lost.
            ? new ReservationResult(ReservationStatus.Reserved)
            : new ReservationResult(ReservationStatus.DuplicateIdempotencyKey, ToRecord(existing));

    /// <summary>The grant columns <see cref="ReadGrant"/> reads, in its order.</summary>
    private const string GrantColumns =
        "grant_id, idempotency_key, agent_id, role, customer_id, incident_id, action, amount, currency, requested_amount, requested_currency, " +
        "approver_id, approver_role, context_fingerprint, granted_at_ticks, voided_at_ticks, void_reason";

    internal const string FindByKeySql = "SELECT " + GrantColumns + " FROM customercraft_grants WHERE idempotency_key = {0}";

    /// <summary>
    /// The grant with this key, if any: the first command of every <c>GrantAsync</c>, so a raw
    /// command read by hand rather than a LINQ query (see <see cref="StoreCommands"/>).
    /// </summary>
    internal static async Task<GrantRow?> FindByKeyAsync(DbContext context, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using RelationalDataReader reader = await StoreCommands.ReadAsync(context, FindByKeySql, [idempotencyKey], cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadGrant(reader.DbDataReader) : null;
    }

    /// <summary>A grant row from the columns of <see cref="GrantColumns"/>.</summary>
    internal static GrantRow ReadGrant(DbDataReader reader) => new()
    {
        GrantId = reader.GetString(0),
        IdempotencyKey = reader.GetString(1),
        AgentId = reader.GetString(2),
        Role = reader.GetString(3),
        CustomerId = reader.GetString(4),
        IncidentId = reader.GetString(5),
        Action = reader.GetString(6),
        Amount = reader.GetDecimal(7),
        Currency = reader.GetString(8),
        RequestedAmount = reader.GetDecimal(9),
        RequestedCurrency = reader.GetString(10),
        ApproverId = reader.IsDBNull(11) ? null : reader.GetString(11),
        ApproverRole = reader.IsDBNull(12) ? null : reader.GetString(12),
        ContextFingerprint = reader.GetString(13),
        GrantedAtTicks = reader.GetInt64(14),
        GrantedAt = new DateTimeOffset(reader.GetInt64(14), TimeSpan.Zero),
        VoidedAtTicks = reader.IsDBNull(15) ? null : reader.GetInt64(15),
        VoidReason = reader.IsDBNull(16) ? null : reader.GetString(16),
    };

    /// <summary>
    /// Creates the budgets' rows that do not exist yet and locks all of them, in one round trip.
    /// Both statements visit the keys in one global order (the VALUES list is sorted the way
    /// ORDER BY sorts), so two reservations over overlapping budgets always wait for each other in
    /// the same direction and never deadlock. An insert that meets a row another transaction is
    /// inserting waits for that transaction; under READ COMMITTED the SELECT then sees the row.
    /// </summary>
    private static async Task LockBudgetsAsync(DbContext context, (BudgetKey Key, DateTimeOffset Since)[] windows, CancellationToken cancellationToken)
    {
        var keys = new (int Scope, string SubjectId, string Action)[windows.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = ((int)windows[i].Key.Scope, windows[i].Key.SubjectId, NormalizeAction(windows[i].Key.Action));
        }

        // Ordinal order, as the "C" collation the lock query sorts by.
        Array.Sort(keys, static (a, b) =>
            a.Scope != b.Scope ? a.Scope.CompareTo(b.Scope)
            : string.CompareOrdinal(a.SubjectId, b.SubjectId) is int bySubject and not 0 ? bySubject
            : string.CompareOrdinal(a.Action, b.Action));
        var values = new StringBuilder();
        object[] parameters = new object[keys.Length * 3];
        for (int i = 0; i < keys.Length; i++)
        {
            values.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({{{i * 3}}}, {{{(i * 3) + 1}}}, {{{(i * 3) + 2}}})");
            parameters[i * 3] = keys[i].Scope;
            parameters[(i * 3) + 1] = keys[i].SubjectId;
            parameters[(i * 3) + 2] = keys[i].Action;
        }

        string sql =
            $"INSERT INTO customercraft_budgets (scope, subject_id, action) VALUES {values} ON CONFLICT DO NOTHING; " +
            $"SELECT scope AS \"Value\" FROM customercraft_budgets WHERE (scope, subject_id, action) IN ({values}) " +
            "ORDER BY scope, subject_id COLLATE \"C\", action COLLATE \"C\" FOR UPDATE";
        // Retention deletes lock rows no charge needs (skipping locked ones): one deleted between
        // this statement's insert and its lock is made again by the next attempt.
        while ((await context.Database.SqlQueryRaw<int>(sql, parameters).ToListAsync(cancellationToken).ConfigureAwait(false)).Count != keys.Length)
        {
        }
    }

    /// <summary>A limit in ten-thousandths, rounded down: usage in whole units exceeds the limit exactly when it exceeds this.</summary>
    private static long LimitUnits(decimal limit)
    {
        const decimal Largest = long.MaxValue / ColumnLimits.UnitsPerAmount;
        return limit >= Largest ? long.MaxValue : limit <= -Largest ? long.MinValue : (long)decimal.Floor(limit * ColumnLimits.UnitsPerAmount);
    }

    /// <summary>Sums every window in one round trip: one indexed range per budget, joined by UNION ALL.</summary>
    private static async Task<BudgetUsage[]> SumWindowsAsync(DbContext context, (BudgetKey Key, DateTimeOffset Since)[] windows, CancellationToken cancellationToken)
    {
        if (windows.Length == 0)
        {
            return [];
        }

        var sql = new StringBuilder();
        object[] parameters = new object[windows.Length * 4];
        for (int i = 0; i < windows.Length; i++)
        {
            int p = i * 4;
            if (i > 0)
            {
                sql.Append(" UNION ALL ");
            }

            sql.Append(CultureInfo.InvariantCulture,
                $"SELECT {i} AS \"Index\", CAST(COALESCE(SUM(amount_units), 0) AS BIGINT) AS \"Units\", COUNT(*) AS \"Count\" FROM customercraft_budget_charges WHERE scope = {{{p}}} AND subject_id = {{{p + 1}}} AND action = {{{p + 2}}} AND at_ticks >= {{{p + 3}}} AND NOT voided");
            parameters[p] = (int)windows[i].Key.Scope;
            parameters[p + 1] = windows[i].Key.SubjectId;
            parameters[p + 2] = NormalizeAction(windows[i].Key.Action);
            parameters[p + 3] = windows[i].Since.UtcTicks;
        }

        var usage = new BudgetUsage[windows.Length];
        await using RelationalDataReader reader = await StoreCommands.ReadAsync(context, sql.ToString(), parameters, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            DbDataReader row = reader.DbDataReader;
            // SQLite reports the index and the sums as 64-bit integers, PostgreSQL the index as a 32-bit one.
            usage[Convert.ToInt32(row.GetValue(0), CultureInfo.InvariantCulture)] = new BudgetUsage(row.GetInt64(1) / ColumnLimits.UnitsPerAmount, checked((int)row.GetInt64(2)));
        }

        return usage;
    }

    /// <summary>
    /// The grant's row and its charges' rows as one command of two statements (one round trip, no
    /// change tracking): the columns EF Core's model maps, the values converted by the provider's
    /// type mappings as <c>SaveChanges</c> would convert them.
    /// </summary>
    internal static (string Sql, object?[] Parameters) InsertGrant(GrantRecord grant, IReadOnlyList<BudgetCharge> charges, long units)
    {
        var sql = new StringBuilder(
            "INSERT INTO customercraft_grants (grant_id, idempotency_key, agent_id, role, customer_id, incident_id, action, amount, currency, " +
            "requested_amount, requested_currency, approver_id, approver_role, context_fingerprint, granted_at, granted_at_ticks, voided_at, " +
            "voided_at_ticks, void_reason) VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10}, {11}, {12}, {13}, {14}, {15}, {16}, {17}, {18})");
        const int First = 19;
        object?[] parameters = new object?[First + 1 + (charges.Count * 3)];
        DateTimeOffset? voidedAt = grant.VoidedAt?.ToUniversalTime();
        // PostgreSQL's timestamptz takes UTC only, to the microsecond: the ticks are the exact instant.
        object?[] columns =
        [
            grant.GrantId, grant.IdempotencyKey, grant.AgentId, grant.Role, grant.CustomerId, grant.IncidentId, grant.Action,
            grant.Amount, grant.Currency, grant.RequestedAmount, grant.RequestedCurrency, grant.ApproverId, grant.ApproverRole, grant.ContextFingerprint,
            grant.GrantedAt.ToUniversalTime(), grant.GrantedAt.UtcTicks, voidedAt, grant.VoidedAt?.UtcTicks, grant.VoidReason,
        ];
        columns.CopyTo(parameters, 0);
        parameters[First] = units;
        if (charges.Count > 0)
        {
            sql.Append("; INSERT INTO customercraft_budget_charges (grant_id, ordinal, scope, subject_id, action, at_ticks, amount_units, voided) VALUES ");
            for (int i = 0; i < charges.Count; i++)
            {
                int p = First + 1 + (i * 3);
                BudgetKey key = charges[i].Key;
                parameters[p] = (int)key.Scope;
                parameters[p + 1] = key.SubjectId;
                parameters[p + 2] = NormalizeAction(key.Action);
                sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}({{0}}, {i}, {{{p}}}, {{{p + 1}}}, {{{p + 2}}}, {{15}}, {{{First}}}, FALSE)");
            }
        }

        return (sql.ToString(), parameters);
    }

    private static GrantRecord ToRecord(GrantRow row) => new()
    {
        GrantId = row.GrantId,
        IdempotencyKey = row.IdempotencyKey,
        AgentId = row.AgentId,
        Role = row.Role,
        CustomerId = row.CustomerId,
        IncidentId = row.IncidentId,
        Action = row.Action,
        Amount = row.Amount,
        Currency = row.Currency,
        RequestedAmount = row.RequestedAmount,
        RequestedCurrency = row.RequestedCurrency,
        ApproverId = row.ApproverId,
        ApproverRole = row.ApproverRole,
        ContextFingerprint = row.ContextFingerprint,
        GrantedAt = new DateTimeOffset(row.GrantedAtTicks, TimeSpan.Zero),
        VoidedAt = row.VoidedAtTicks is long voided ? new DateTimeOffset(voided, TimeSpan.Zero) : null,
        VoidReason = row.VoidReason,
    };

}
