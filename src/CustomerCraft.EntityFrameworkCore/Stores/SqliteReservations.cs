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
/// <para>
/// A reservation is two commands: the key's look-up with every window's sum, then the grant, its
/// charges and (for a grant in one round trip, <see cref="IReservingWithUsageLedger"/>) its
/// decision record. The sums are reported to the caller, so the engine reads no usage of its own.
/// </para>
/// </summary>
internal static class SqliteReservations
{
    /// <summary>
    /// The idempotency-key lookup and the window sums as one command of two statements (the same
    /// SQL as <see cref="EntityFrameworkBudgetLedger{TContext}"/>'s, in one pass through EF Core's
    /// command pipeline instead of two). The sums leave this grant's own charges out, so that a
    /// reservation that finds its own grant already made (by an earlier call with the same record)
    /// reports the usage before it, as the PostgreSQL function does.
    /// </summary>
    private static (string Sql, object?[] Parameters) LookupAndSums(GrantRecord grant, (BudgetKey Key, DateTimeOffset Since)[] windows)
    {
        var sql = new StringBuilder(EntityFrameworkBudgetLedger<DbContext>.FindByKeySql);
        object?[] parameters = new object?[2 + (windows.Length * 4)];
        parameters[0] = grant.IdempotencyKey;
        parameters[1] = grant.GrantId;
        for (int i = 0; i < windows.Length; i++)
        {
            int p = 2 + (i * 4);
            sql.Append(i == 0 ? "; " : " UNION ALL ").Append(CultureInfo.InvariantCulture,
                $"SELECT {i}, CAST(COALESCE(SUM(amount_units), 0) AS BIGINT), COUNT(*) FROM customercraft_budget_charges WHERE scope = {{{p}}} AND subject_id = {{{p + 1}}} AND action = {{{p + 2}}} AND at_ticks >= {{{p + 3}}} AND NOT voided AND grant_id <> {{1}}");
            parameters[p] = (int)windows[i].Key.Scope;
            parameters[p + 1] = windows[i].Key.SubjectId;
            parameters[p + 2] = windows[i].Key.Action.ToLowerInvariant();
            parameters[p + 3] = windows[i].Since.UtcTicks;
        }

        return (sql.ToString(), parameters);
    }

    /// <summary>
    /// Reserves through <paramref name="writer"/>. When <paramref name="usage"/> is not empty it
    /// receives each charge's usage before this grant (for a reservation made or refused on a
    /// limit); when <paramref name="decision"/> is not null (a decision log row,
    /// <see cref="EntityFrameworkDecisionLog{TContext}.Row"/>) it is inserted with the grant, in
    /// the same command and commit. <paramref name="afterLostReply"/> is set on the one repeat made
    /// after a batch whose reply was lost turned out to hold this grant.
    /// </summary>
    public static async Task<ReservationResult> ReserveAsync<TContext>(
        IDbContextFactory<TContext> contexts,
        SqliteWriter<TContext> writer,
        GrantRecord grant,
        IReadOnlyList<BudgetCharge> charges,
        (BudgetKey Key, DateTimeOffset Since)[] windows,
        long units,
        Memory<BudgetUsage> usage,
        object?[]? decision,
        CancellationToken cancellationToken,
        bool afterLostReply = false)
        where TContext : DbContext
    {
        (string insert, object?[] values) = EntityFrameworkBudgetLedger<TContext>.InsertGrant(grant, charges, units);
        if (decision is not null)
        {
            var sql = new StringBuilder(insert).Append("; ").Append(EntityFrameworkDecisionLog<TContext>.InsertInto);
            insert = EntityFrameworkDecisionLog<TContext>.AppendValues(sql, values.Length).ToString();
            values = [.. values, .. decision];
        }

        (string read, object?[] readValues) = LookupAndSums(grant, windows);
        RawSqlCommand readCommand = writer.Build(read, readValues);
        RawSqlCommand insertCommand = writer.Build(insert, values);
        try
        {
            (ReservationResult result, BudgetUsage[] summed) = await writer.RunAsync(
                async (context, ct) =>
                {
                    // One command, two statements: the grant under the key, then every window's sum.
                    var sums = new BudgetUsage[windows.Length];
                    GrantRow? existing = null;
                    await using (RelationalDataReader reader = await StoreCommands.ReadAsync(context, readCommand, ct).ConfigureAwait(false))
                    {
                        DbDataReader rows = reader.DbDataReader;
                        if (await rows.ReadAsync(ct).ConfigureAwait(false))
                        {
                            existing = EntityFrameworkBudgetLedger<TContext>.ReadGrant(rows);
                            if (!string.Equals(existing.GrantId, grant.GrantId, StringComparison.Ordinal))
                            {
                                // The key is another grant's: nothing summed, nothing written.
                                return (EntityFrameworkBudgetLedger<TContext>.Duplicate(existing, grant), sums);
                            }
                        }

                        if (windows.Length > 0 && await rows.NextResultAsync(ct).ConfigureAwait(false))
                        {
                            while (await rows.ReadAsync(ct).ConfigureAwait(false))
                            {
                                sums[checked((int)rows.GetInt64(0))] = new BudgetUsage(rows.GetInt64(1) / ColumnLimits.UnitsPerAmount, checked((int)rows.GetInt64(2)));
                            }
                        }
                    }

                    if (existing is not null)
                    {
                        // This very grant, already made: reserved, and its record stored with it then.
                        return (new ReservationResult(ReservationStatus.Reserved), sums);
                    }

                    for (int i = 0; i < charges.Count; i++)
                    {
                        BudgetCharge charge = charges[i];
                        bool amountExceeded = charge.AmountLimit is decimal amountLimit && sums[i].Amount + grant.Amount > amountLimit;
                        bool countExceeded = charge.CountLimit is int countLimit && sums[i].Count + 1 > countLimit;
                        if (amountExceeded || countExceeded)
                        {
                            return (new ReservationResult(ReservationStatus.LimitExceeded, ExceededBudget: charge.Key), sums);
                        }
                    }

                    await StoreCommands.ExecuteAsync(context, insertCommand, ct).ConfigureAwait(false);
                    return (new ReservationResult(ReservationStatus.Reserved), sums);
                },
                cancellationToken).ConfigureAwait(false);
            if (!usage.IsEmpty && result.Status is ReservationStatus.Reserved or ReservationStatus.LimitExceeded)
            {
                summed.CopyTo(usage);
            }

            return result;
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
                if (!usage.IsEmpty && !afterLostReply && string.Equals(raced.GrantId, grant.GrantId, StringComparison.Ordinal))
                {
                    // Our own grant: the batch committed and only its reply was lost. The caller
                    // decides from the usage before the grant, so ask once more: the reservation
                    // finds the grant made and reports the sums without it, writing nothing.
                    return await ReserveAsync(contexts, writer, grant, charges, windows, units, usage, decision, cancellationToken, afterLostReply: true).ConfigureAwait(false);
                }

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
