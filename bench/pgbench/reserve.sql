-- customercraft_reserve alone, as the EF Core ledger calls it for a grant (three charges, a decision
-- record), new ids every call. Run against a database the stores migrated, e.g. one kept by
--   CUSTOMERCRAFT_BENCH_KEEP=1 dotnet run -c Release --project bench/CustomerCraft.Benchmarks -- --storage-loop postgres 200 1
--   pgbench -n -c 8 -j 2 -T 20 -f bench/pgbench/reserve.sql -h 127.0.0.1 -U customercraft <the database it printed>
\set n random(1, 1000000000)
SELECT status FROM customercraft_reserve('g-' || :client_id || '-' || :n, 'k-' || :client_id || '-' || :n, 'agent-' || :n, 'Agent', 'customer-' || :n, 'incident-' || :n, 'Refund',
  5::numeric, 'USD', 5::numeric, 'USD', NULL, NULL, 'fp', now(), 638000000000000000, NULL, NULL, NULL, 50000,
  ARRAY[0,1,2], ARRAY['incident-' || :n, 'customer-' || :n, 'agent-' || :n], ARRAY['refund','refund','refund'], ARRAY[0,637000000000000000,637999000000000000]::bigint[],
  ARRAY[9223372036854775807,9223372036854775807,9223372036854775807]::bigint[], ARRAY[2147483647,2147483647,2147483647],
  gen_random_uuid(), 638000000000000000, :n, now(), 0, 0, 'agent-' || :n, 'customer-' || :n, NULL, 5::numeric, 'g-' || :client_id || '-' || :n, 1, '{"AgentId":"a"}');
