-- One write statement: a conditional UPDATE ... RETURNING feeding an INSERT (issue 17's floor).
\set i random(1, 100000)
WITH spent AS (UPDATE pgb_totals SET used = used + 10 WHERE id = :i AND used + 10 <= cap RETURNING id)
INSERT INTO pgb_charges (scope, subject, action, at, units) SELECT 1, 'subject-' || id, 'refund', 0, 10 FROM spent;
