using System.Data.Common;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Model;
using CustomerCraft.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// A grant's reservation that reports the usage it summed (<see cref="IReservingWithUsageLedger"/>),
/// so that a grant needs no idempotency look-up and no usage read before it. On PostgreSQL it is
/// one call of <see cref="ReserveFunction"/>; on SQLite two commands (<see cref="SqliteReservations"/>)
/// in a transaction of the host's group commit.
/// </summary>
internal sealed partial class EntityFrameworkBudgetLedger<TContext> : IReservingWithUsageLedger
{
    // Cleared for good when the database has no reserve function of this shape (PostgreSQL) or is
    // neither PostgreSQL nor SQLite: the engine then reads usage and reserves through IBudgetLedger.
    private volatile bool _reservesWithUsage = true;

    /// <summary>No decision row to store: every column null.</summary>
    private static readonly object?[] s_noDecision = new object?[EntityFrameworkDecisionLog<TContext>.Columns];

    public bool ReservesWithUsage => _reservesWithUsage;

    public bool StoresDecisionsOf(IDecisionLog log) =>
        log is EntityFrameworkDecisionLog<TContext> own && ReferenceEquals(own.Contexts, contexts);

    public async ValueTask<ReservationWithUsage?> TryReserveWithUsageAsync(BudgetReservation reservation, Memory<BudgetUsage> usage, DecisionRecord? granted, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (usage.Length < reservation.Charges.Count)
        {
            throw new ArgumentException($"The usage buffer holds {usage.Length} results for {reservation.Charges.Count} charges.", nameof(usage));
        }

        long units = CheckReservation(reservation, out (BudgetKey Key, DateTimeOffset Since)[] windows);
        object?[]? decision = null;
        if (granted is not null)
        {
            try
            {
                decision = EntityFrameworkDecisionLog<TContext>.Row(granted);
            }
            catch (ArgumentException)
            {
                // A record the log would refuse: the engine appends it to the log, which refuses it
                // there, without failing the grant (as a log outage does not).
            }
        }

        ReservationResult? result;
        if (_sqliteWriter is { } writer)
        {
            result = await SqliteReservations.ReserveAsync(contexts, writer, reservation.Grant, reservation.Charges, windows, units, usage, decision, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
            StoreProvider provider = StoreProviders.Of(context.Database);
            if (provider == StoreProvider.Sqlite)
            {
                // SQLite: the host's group commit carries the look-up with the sums, then the grant
                // with its record, in one of its transactions.
                _sqliteWriter = writer = SqliteWriter<TContext>.For(contexts);
                result = await SqliteReservations.ReserveAsync(contexts, writer, reservation.Grant, reservation.Charges, windows, units, usage, decision, cancellationToken).ConfigureAwait(false);
            }
            else if (provider != StoreProvider.PostgreSql || !_oneRoundTrip)
            {
                _reservesWithUsage = false;
                return null;
            }
            else
            {
                result = await ReserveInOneRoundTripAsync(context, context.Database.CreateExecutionStrategy(), reservation.Grant, reservation.Charges, units, usage, decision, cancellationToken).ConfigureAwait(false);
            }
        }

        return result is { } reserved
            ? new ReservationWithUsage(reserved, decision is not null && reserved.Status == ReservationStatus.Reserved)
            : null;
    }

    /// <summary>
    /// The reservation as one statement: a call of <see cref="ReserveFunction"/>, committed on its
    /// own; when <paramref name="usage"/> is not empty it receives each charge's usage before this
    /// grant, as the function summed it (for a reservation made or refused on a limit); when
    /// <paramref name="decision"/> is not null (a decision log row, <see cref="EntityFrameworkDecisionLog{TContext}.Row"/>)
    /// the function stores it with the grant. Returns
    /// <see langword="null"/> (and switches this ledger to the multi-statement path) when the
    /// database cannot run it.
    /// </summary>
    private async Task<ReservationResult?> ReserveInOneRoundTripAsync(DbContext context, IExecutionStrategy strategy, GrantRecord grant, IReadOnlyList<BudgetCharge> charges, long units, Memory<BudgetUsage> usage, object?[]? decision, CancellationToken cancellationToken)
    {
        int[] scopes = new int[charges.Count];
        string[] subjects = new string[charges.Count];
        string[] actions = new string[charges.Count];
        long[] since = new long[charges.Count];
        long[] amountLimits = new long[charges.Count];
        int[] countLimits = new int[charges.Count];
        for (int i = 0; i < charges.Count; i++)
        {
            BudgetCharge charge = charges[i];
            scopes[i] = (int)charge.Key.Scope;
            subjects[i] = charge.Key.SubjectId;
            actions[i] = NormalizeAction(charge.Key.Action);
            since[i] = charge.Since.UtcTicks;
            amountLimits[i] = charge.AmountLimit is decimal amount ? LimitUnits(amount) : long.MaxValue;
            countLimits[i] = charge.CountLimit ?? int.MaxValue;
        }

        DateTimeOffset? voidedAt = grant.VoidedAt?.ToUniversalTime();
        object?[] parameters =
        [
            grant.GrantId, grant.IdempotencyKey, grant.AgentId, grant.Role, grant.CustomerId, grant.IncidentId, grant.Action,
            grant.Amount, grant.Currency, grant.RequestedAmount, grant.RequestedCurrency, grant.ApproverId, grant.ApproverRole, grant.ContextFingerprint,
            grant.GrantedAt.ToUniversalTime(), grant.GrantedAt.UtcTicks, voidedAt, grant.VoidedAt?.UtcTicks, grant.VoidReason,
            units, scopes, subjects, actions, since, amountLimits, countLimits,
            .. decision ?? s_noDecision,
        ];
        try
        {
            (int status, int budget, long[]? usedUnits, long[]? usedCounts) = await strategy.ExecuteAsync(
                async ct =>
                {
                    await using RelationalDataReader reader = await StoreCommands.ReadAsync(context, ReserveFunction.Call, parameters, ct).ConfigureAwait(false);
                    if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        throw new InvalidOperationException($"{ReserveFunction.Name} returned no row.");
                    }

                    DbDataReader row = reader.DbDataReader;
                    return (row.GetInt32(0), row.GetInt32(1),
                        row.IsDBNull(2) ? null : row.GetFieldValue<long[]>(2),
                        row.IsDBNull(3) ? null : row.GetFieldValue<long[]>(3));
                },
                cancellationToken).ConfigureAwait(false);
            if (status is 0 or 1 && !usage.IsEmpty)
            {
                Span<BudgetUsage> summed = usage.Span;
                for (int i = 0; i < charges.Count; i++)
                {
                    summed[i] = new BudgetUsage(usedUnits![i] / ColumnLimits.UnitsPerAmount, checked((int)usedCounts![i]));
                }
            }

            switch (status)
            {
                case 0:
                    return new ReservationResult(ReservationStatus.Reserved);
                case 1:
                    return new ReservationResult(ReservationStatus.LimitExceeded, ExceededBudget: charges[budget].Key);
                default:
                    GrantRow existing = await FindByKeyAsync(context, grant.IdempotencyKey, cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"The idempotency key '{grant.IdempotencyKey}' was reported used, and its grant is gone.");
                    return Duplicate(existing, grant);
            }
        }
        catch (DbException ex) when (ex.SqlState is "42883" or "42703" or ReserveFunction.WrongIsolation)
        {
            // 42883: no such function; 42703: a function of an older shape, without the usage
            // columns. Fall back for good; the caller runs the transaction instead.
            _oneRoundTrip = false;
            _reservesWithUsage = false;
            return null;
        }
        catch (DbException ex) when (ex.SqlState == "23505" && !cancellationToken.IsCancellationRequested)
        {
            // The idempotency key's conflicts are handled in the function; what is left is the grant id.
            if (await context.Set<GrantRow>().AsNoTracking().AnyAsync(g => g.GrantId == grant.GrantId, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"A grant with id '{grant.GrantId}' is already recorded.", ex);
            }

            throw;
        }
    }
}
