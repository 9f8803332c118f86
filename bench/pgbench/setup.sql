-- Tables for the server-ceiling runs (README.md); separate from the customercraft_* tables.
DROP TABLE IF EXISTS pgb_charges, pgb_budgets, pgb_totals;
CREATE TABLE pgb_budgets (scope int, subject text, action text, PRIMARY KEY (scope, subject, action));
CREATE TABLE pgb_totals (id int PRIMARY KEY, used bigint NOT NULL, cap bigint NOT NULL);
CREATE TABLE pgb_charges (id bigserial PRIMARY KEY, scope int, subject text, action text, at bigint, units bigint);
CREATE INDEX ON pgb_charges (scope, subject, action, at);
INSERT INTO pgb_budgets SELECT s, 'subject-' || i, 'refund' FROM generate_series(0, 2) s, generate_series(1, 100000) i;
INSERT INTO pgb_totals SELECT i, 0, 9223372036854775807 FROM generate_series(1, 100000) i;
