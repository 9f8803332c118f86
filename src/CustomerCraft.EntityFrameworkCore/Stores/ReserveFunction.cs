namespace CustomerCraft.EntityFrameworkCore.Stores;

/// <summary>
/// The PostgreSQL function that makes a reservation in one round trip: the same steps as the
/// multi-statement transaction (create and lock the budgets' rows in one global order, look the
/// idempotency key up, sum each window, check the limits, insert the grant and its charges), run
/// by the server as one statement, so that a grant costs one network round trip and no
/// BEGIN/COMMIT. Created by the <c>RetentionAndReserveFunction</c> migration; a host whose own
/// migrations lack it gets the multi-statement path (the ledger notices the missing function).
/// </summary>
/// <remarks>
/// With the decision parameters set (a row of the decision log, as
/// <see cref="EntityFrameworkDecisionLog{TContext}.Row"/> makes it) it stores that row with the
/// grant, in the same statement and commit: a grant and its record are one round trip.
/// It returns one row: <c>status</c> 0 reserved (or this very grant found, committed by an attempt
/// whose reply was lost), 1 a limit would be exceeded (<c>budget</c> is the first such charge's
/// index), 2 the key was used by another grant. With 0 and 1, <c>used_units</c> and
/// <c>used_counts</c> hold each charge's usage in its window before this grant (units in
/// ten-thousandths), summed under the locks: the engine decides from them, so a grant needs no
/// usage read of its own (<see cref="CustomerCraft.Storage.IReservingWithUsageLedger"/>). Limits are passed in ten-thousandths (the largest bigint for none), as the
/// charges are stored. It refuses to run under an isolation level other than READ COMMITTED
/// (SQLSTATE <c>CC001</c>): after waiting for a lock, each statement must see what the transaction
/// it waited for committed, and under REPEATABLE READ it would not.
/// </remarks>
internal static class ReserveFunction
{
    public const string Name = "customercraft_reserve";

    /// <summary>The SQLSTATE the function raises when the transaction is not READ COMMITTED.</summary>
    public const string WrongIsolation = "CC001";

    /// <summary>The call: one statement, parameters in the order <see cref="EntityFrameworkBudgetLedger{TContext}"/> passes them.</summary>
    public const string Call =
        "SELECT status AS \"Status\", budget AS \"Budget\", used_units, used_counts FROM customercraft_reserve({0}::text, {1}::text, {2}::text, {3}::text, {4}::text, {5}::text, {6}::text, " +
        "{7}::numeric, {8}::text, {9}::numeric, {10}::text, {11}::text, {12}::text, {13}::text, {14}::timestamptz, {15}::bigint, " +
        "{16}::timestamptz, {17}::bigint, {18}::text, {19}::bigint, {20}::integer[], {21}::text[], {22}::text[], {23}::bigint[], {24}::bigint[], {25}::integer[], " +
        "{26}::uuid, {27}::bigint, {28}::bigint, {29}::timestamptz, {30}::integer, {31}::integer, {32}::text, {33}::text, {34}::text, {35}::numeric, {36}::text, {37}::bigint, {38}::text)";

    /// <summary>
    /// Creates the function (dropping one of an earlier shape first: a function's result columns
    /// cannot be replaced in place).
    /// </summary>
    public const string Create = DropEarlier + Drop + """

        CREATE FUNCTION customercraft_reserve(
            p_grant_id text, p_idempotency_key text, p_agent_id text, p_role text, p_customer_id text,
            p_incident_id text, p_action text, p_amount numeric, p_currency text, p_requested_amount numeric,
            p_requested_currency text, p_approver_id text, p_approver_role text, p_context_fingerprint text,
            p_granted_at timestamptz, p_granted_at_ticks bigint, p_voided_at timestamptz, p_voided_at_ticks bigint,
            p_void_reason text, p_units bigint, p_scopes integer[], p_subjects text[], p_actions text[],
            p_since bigint[], p_amount_limits bigint[], p_count_limits integer[],
            p_decision_id uuid, p_decision_ticks bigint, p_decision_sequence bigint, p_decision_at timestamptz, p_decision_kind integer,
            p_decision_outcome integer, p_decision_agent_id text, p_decision_customer_id text, p_decision_approver_role text,
            p_decision_amount numeric, p_decision_grant_id text, p_decision_policy_version bigint, p_decision_request text)
        RETURNS TABLE (status integer, budget integer, used_units bigint[], used_counts bigint[])
        LANGUAGE plpgsql AS $body$
        DECLARE
            n integer := coalesce(array_length(p_scopes, 1), 0);
            locked integer;
            found_id text;
            summed_units bigint;
            summed_count bigint;
            units bigint[] := array_fill(0::bigint, ARRAY[n]);
            counts bigint[] := array_fill(0::bigint, ARRAY[n]);
            exceeded integer := -1;
        BEGIN
            IF current_setting('transaction_isolation') <> 'read committed' THEN
                RAISE EXCEPTION 'customercraft_reserve needs READ COMMITTED, not %', current_setting('transaction_isolation')
                    USING ERRCODE = 'CC001';
            END IF;

            IF n > 0 THEN
                LOOP
                    -- Rows created and locked in one global order (ordinal, as the "C" collation
                    -- sorts), so reservations over overlapping budgets never deadlock.
                    INSERT INTO customercraft_budgets (scope, subject_id, action)
                    SELECT k.s, k.id, k.a FROM unnest(p_scopes, p_subjects, p_actions) AS k(s, id, a)
                    ORDER BY k.s, k.id COLLATE "C", k.a COLLATE "C"
                    ON CONFLICT DO NOTHING;
                    SELECT count(*) INTO locked FROM (
                        SELECT 1 FROM customercraft_budgets b
                        WHERE (b.scope, b.subject_id, b.action) IN (SELECT k.s, k.id, k.a FROM unnest(p_scopes, p_subjects, p_actions) AS k(s, id, a))
                        ORDER BY b.scope, b.subject_id COLLATE "C", b.action COLLATE "C"
                        FOR UPDATE OF b) l;
                    -- Retention may delete a row no charge needs between the insert and the lock
                    -- (it skips rows that are locked): make it again and lock again.
                    EXIT WHEN locked = n;
                END LOOP;
            END IF;

            SELECT g.grant_id INTO found_id FROM customercraft_grants g WHERE g.idempotency_key = p_idempotency_key;
            IF FOUND AND found_id <> p_grant_id THEN
                RETURN QUERY SELECT 2, -1, NULL::bigint[], NULL::bigint[];
                RETURN;
            END IF;

            -- Every window's usage before this grant (this grant's own charges left out, for a retry
            -- that finds it committed), reported whatever the outcome: the engine decides from it.
            FOR i IN 1..n LOOP
                SELECT coalesce(sum(c.amount_units), 0)::bigint, count(*) INTO summed_units, summed_count
                FROM customercraft_budget_charges c
                WHERE c.scope = p_scopes[i] AND c.subject_id = p_subjects[i] AND c.action = p_actions[i]
                  AND c.at_ticks >= p_since[i] AND NOT c.voided AND c.grant_id <> p_grant_id;
                units[i] := summed_units;
                counts[i] := summed_count;
                IF exceeded < 0 AND (summed_units + p_units > p_amount_limits[i] OR summed_count + 1 > p_count_limits[i]) THEN
                    exceeded := i - 1;
                END IF;
            END LOOP;

            IF found_id IS NOT NULL THEN
                RETURN QUERY SELECT 0, -1, units, counts;
                RETURN;
            END IF;

            IF exceeded >= 0 THEN
                RETURN QUERY SELECT 1, exceeded, units, counts;
                RETURN;
            END IF;

            -- The unique index on the key is the last word: a request reusing a key for other
            -- budgets (so not serialized by these locks) finds the first grant here.
            INSERT INTO customercraft_grants (grant_id, idempotency_key, agent_id, role, customer_id, incident_id, action,
                amount, currency, requested_amount, requested_currency, approver_id, approver_role, context_fingerprint,
                granted_at, granted_at_ticks, voided_at, voided_at_ticks, void_reason)
            VALUES (p_grant_id, p_idempotency_key, p_agent_id, p_role, p_customer_id, p_incident_id, p_action,
                p_amount, p_currency, p_requested_amount, p_requested_currency, p_approver_id, p_approver_role, p_context_fingerprint,
                p_granted_at, p_granted_at_ticks, p_voided_at, p_voided_at_ticks, p_void_reason)
            ON CONFLICT (idempotency_key) DO NOTHING;
            IF NOT FOUND THEN
                SELECT g.grant_id INTO found_id FROM customercraft_grants g WHERE g.idempotency_key = p_idempotency_key;
                RETURN QUERY SELECT CASE WHEN found_id = p_grant_id THEN 0 ELSE 2 END, -1, units, counts;
                RETURN;
            END IF;

            INSERT INTO customercraft_budget_charges (grant_id, ordinal, scope, subject_id, action, at_ticks, amount_units, voided)
            SELECT p_grant_id, (k.o - 1)::integer, k.s, k.id, k.a, p_granted_at_ticks, p_units, false
            FROM unnest(p_scopes, p_subjects, p_actions) WITH ORDINALITY AS k(s, id, a, o);

            -- The decision log's record of the grant, when the engine passes one: stored and
            -- committed with the grant (a retry that finds the grant made returned above: the
            -- attempt that made it stored the record).
            IF p_decision_id IS NOT NULL THEN
                INSERT INTO customercraft_decisions (id, timestamp_ticks, sequence, timestamp, kind, outcome, agent_id, customer_id,
                    required_approver_role, amount, grant_id, policy_version, request)
                VALUES (p_decision_id, p_decision_ticks, p_decision_sequence, p_decision_at, p_decision_kind, p_decision_outcome,
                    p_decision_agent_id, p_decision_customer_id, p_decision_approver_role, p_decision_amount, p_decision_grant_id,
                    p_decision_policy_version, p_decision_request);
            END IF;
            RETURN QUERY SELECT 0, -1, units, counts;
        END
        $body$;
        """;

    public const string Drop =
        "DROP FUNCTION IF EXISTS customercraft_reserve(text, text, text, text, text, text, text, numeric, text, numeric, text, text, text, text, " +
        "timestamptz, bigint, timestamptz, bigint, text, bigint, integer[], text[], text[], bigint[], bigint[], integer[], " +
        "uuid, bigint, bigint, timestamptz, integer, integer, text, text, text, numeric, text, bigint, text);";

    /// <summary>Drops the function of its first shape (no usage reported, no decision record), which a database of an unreleased build may hold.</summary>
    private const string DropEarlier =
        "DROP FUNCTION IF EXISTS customercraft_reserve(text, text, text, text, text, text, text, numeric, text, numeric, text, text, text, text, " +
        "timestamptz, bigint, timestamptz, bigint, text, bigint, integer[], text[], text[], bigint[], bigint[], integer[]);\n";
}
