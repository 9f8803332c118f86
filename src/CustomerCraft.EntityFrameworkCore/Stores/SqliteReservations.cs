using System.Data.Common;
using System.Globalization;
using System.Text;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Model;
using CustomerCraft.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// A reservation on SQLite, carried by the host's <see cref="SqliteWriter{TContext}"/>: the same
/// steps as one transaction of its own (the idempotency key, the window sums, the limits, the grant
/// and its charges), run inside the writer's batch transaction, which holds the database's write
/// lock from its <c>BEGIN IMMEDIATE</c> to its commit. The reservations of a batch run one after
/// the other, so each sees the charges of those before it, exactly as if each had committed on
/// its own, and the caller learns its result only once the batch has committed.
/// </summary>
internal static class SqliteReservations
{
    /// <summary>
    /// The idempotency-key lookup and the window sums as one command of two statements (the same
    /// SQL as <see cref="EntityFrameworkBudgetLedger{TContext}"/>'s, in one pass through EF Core's
    /// command pipeline instead of two).
    /// </summary>
    private static (string Sql, object?[] Parameters) LookupAndSums(string idempotencyKey, (BudgetKey Key, DateTimeOffset Since)[] windows)
    {
        var sql = new StringBuilder(EntityFrameworkBudgetLedger<DbContext>.FindByKeySql);
        object?[] parameters = new object?[1 + (windows.Length * 4)];
        parameters[0] = idempotencyKey;
        for (int i = 0; i < windows.Length; i++)
        {
            int p = 1 + (i * 4);
            sql.Append(i == 0 ? "; " : " UNION ALL ").Append(CultureInfo.InvariantCulture,
                $"SELECT {i}, CAST(COALESCE(SUM(amount_units), 0) AS BIGINT), COUNT(*) FROM customercraft_budget_charges WHERE scope = {{{p}}} AND subject_id = {{{p + 1}}} AND action = {{{p + 2}}} AND at_ticks >= {{{p + 3}}} AND NOT voided");
            parameters[p] = (int)windows[i].Key.Scope;
            parameters[p + 1] = windows[i].Key.SubjectId;
            parameters[p + 2] = windows[i].Key.Action.ToLowerInvariant();
            parameters[p + 3] = windows[i].Since.UtcTicks;
        }

        return (sql.ToString(), parameters);
    }

    public static async Task<ReservationResult> ReserveAsync<TContext>(
        IDbContextFactory<TContext> contexts,
        SqliteWriter<TContext> writer,
        GrantRecord grant,
        IReadOnlyList<BudgetCharge> charges,
        (BudgetKey Key, DateTimeOffset Since)[] windows,
        long units,
        CancellationToken cancellationToken)
        where TContext : DbContext
    {
        (string insert, object?[] values) = EntityFrameworkBudgetLedger<TContext>.InsertGrant(grant, charges, units);
        (string read, object?[] readValues) = LookupAndSums(grant.IdempotencyKey, windows);
        try
        {
            return await writer.RunAsync(
                async (context, ct) =>
                {
                    // One command, two statements: the grant under the key, then every window's sum.
                    var usage = new BudgetUsage[windows.Length];
                    await using (RelationalDataReader reader = await StoreCommands.ReadAsync(context, read, readValues, ct).ConfigureAwait(false))
                    {
                        DbDataReader rows = reader.DbDataReader;
                        if (await rows.ReadAsync(ct).ConfigureAwait(false))
                        {
                            return EntityFrameworkBudgetLedger<TContext>.Duplicate(EntityFrameworkBudgetLedger<TContext>.ReadGrant(rows), grant);
                        }

                        if (windows.Length > 0 && await rows.NextResultAsync(ct).ConfigureAwait(false))
                        {
                            while (await rows.ReadAsync(ct).ConfigureAwait(false))
                            {
                                usage[checked((int)rows.GetInt64(0))] = new BudgetUsage(rows.GetInt64(1) / ColumnLimits.UnitsPerAmount, checked((int)rows.GetInt64(2)));
                            }
                        }
                    }

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

                    await StoreCommands.ExecuteAsync(context, insert, values, ct).ConfigureAwait(false);
                    return new ReservationResult(ReservationStatus.Reserved);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex) when (!cancellationToken.IsCancellationRequested && !EntityFrameworkBudgetLedger<TContext>.IsTransient(ex))
        {
            // The batch was rolled back without this reservation. As on the other paths, the
            // unique indexes are the last word: a grant stored under this key by then (our own,
            // after a lost acknowledgement, or another's) answers it; a grant id already used is
            // reported as such.
            await using TContext context = await StoreProviders.CreateContextAsync(contexts, cancellationToken).ConfigureAwait(false);
            GrantRow? raced = await EntityFrameworkBudgetLedger<TContext>.FindByKeyAsync(context, grant.IdempotencyKey, cancellationToken).ConfigureAwait(false);
            if (raced is not null)
            {
                return EntityFrameworkBudgetLedger<TContext>.Duplicate(raced, grant);
            }

            if (await context.Set<GrantRow>().AsNoTracking().AnyAsync(g => g.GrantId == grant.GrantId, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"A grant with id '{grant.GrantId}' is already recorded.", ex);
            }

            throw;
        }
    }
}
