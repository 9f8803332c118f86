#!/usr/bin/env bash
# The server's own ceiling beside the stored-grant benchmark (docs/benchmarks.md): pgbench with
# 8 clients on the server of .ci/postgres.sh, one-statement and four-statement write transactions.
set -euo pipefail
cd "$(dirname "$0")"
export PGPASSWORD=${PGPASSWORD:-customercraft}
args=(-h 127.0.0.1 -p 5432 -U customercraft customercraft)
psql -q "${args[@]}" -f setup.sql
uptime
for script in one-statement four-statement; do
  echo "== $script"
  pgbench -n -c 8 -j 2 -T "${SECONDS_PER_RUN:-20}" -f "$script.sql" "${args[@]}" | grep -E "tps|latency average"
done
uptime
psql -q "${args[@]}" -c "DROP TABLE pgb_charges, pgb_budgets, pgb_totals"
