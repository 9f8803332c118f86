using System.Data.Common;
using CustomerCraft.Empowerment;
using CustomerCraft.EntityFrameworkCore.Model;
using CustomerCraft.Storage;
using Microsoft.EntityFrameworkCore;

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
        try
        {
            return await writer.RunAsync(
                async (context, ct) =>
                {
                    GrantRow? existing = await EntityFrameworkBudgetLedger<TContext>.FindByKeyAsync(context, grant.IdempotencyKey, ct).ConfigureAwait(false);
                    if (existing is not null)
                    {
                        return EntityFrameworkBudgetLedger<TContext>.Duplicate(existing, grant);
                    }

                    BudgetUsage[] usage = await EntityFrameworkBudgetLedger<TContext>.SumWindowsAsync(context, windows, ct).ConfigureAwait(false);
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
