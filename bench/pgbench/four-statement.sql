-- The multi-statement reservation: lock three rows FOR UPDATE, an indexed sum, a three-row insert, commit.
\set i random(1, 100000)
BEGIN;
SELECT 1 FROM pgb_budgets WHERE (scope, subject, action) IN ((0, 'subject-' || :i, 'refund'), (1, 'subject-' || :i, 'refund'), (2, 'subject-' || :i, 'refund')) ORDER BY scope, subject, action FOR UPDATE;
SELECT coalesce(sum(units), 0) FROM pgb_charges WHERE scope = 1 AND subject = 'subject-' || :i AND action = 'refund' AND at >= 0;
INSERT INTO pgb_charges (scope, subject, action, at, units) VALUES (0, 'subject-' || :i, 'refund', 1, 10), (1, 'subject-' || :i, 'refund', 1, 10), (2, 'subject-' || :i, 'refund', 1, 10);
COMMIT;
