#!/usr/bin/env bash
# Provides a real PostgreSQL server for the tests, on a fresh Debian machine or one that already has it.
#
#   eval "$(bash .ci/postgres.sh | tail -1)"    # run it, then take the export line
#   source .ci/postgres.sh                       # or source it: exports CUSTOMERCRAFT_POSTGRES itself
#
# What it does, each step idempotent (running it again is cheap and changes nothing):
#   1. installs Debian's `postgresql` package if no server binary is there (apt-get update only if needed);
#   2. makes sure a cluster "<newest version>/main" exists and runs it with pg_ctlcluster (no systemd needed);
#   3. sets max_connections >= 300 in the cluster's conf.d (restarting only if the running value is lower);
#   4. creates the login role customercraft (password customercraft, CREATEDB) and its database customercraft;
#   5. checks a password login over TCP on 127.0.0.1, then prints as its only stdout line:
#        export CUSTOMERCRAFT_POSTGRES="Host=127.0.0.1;Port=<port>;Username=customercraft;Password=customercraft;Database=customercraft"
# Everything else goes to stderr. On failure it says why and exits non-zero.

# --- Sourced: run this file as a child process (so errors can't kill the caller's shell) and export its result.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  _cc_pg_line=$(bash "${BASH_SOURCE[0]}")
  _cc_pg_status=$?
  if [[ $_cc_pg_status -ne 0 || "$_cc_pg_line" != export\ CUSTOMERCRAFT_POSTGRES=* ]]; then
    echo "postgres.sh: failed (exit $_cc_pg_status); CUSTOMERCRAFT_POSTGRES not set" >&2
    unset _cc_pg_line _cc_pg_status
    return 1
  fi
  eval "$_cc_pg_line"
  echo "$_cc_pg_line"
  unset _cc_pg_line _cc_pg_status
  return 0
fi

set -euo pipefail
cd /   # commands run as the postgres user would warn about a working directory they cannot read

PG_ROLE=customercraft
PG_PASSWORD=customercraft
PG_DATABASE=customercraft
PG_CLUSTER=main
PG_MIN_CONNECTIONS=300

export DEBIAN_FRONTEND=noninteractive
# A UTF-8 locale that every Debian has: the cluster made at install gets UTF8 encoding, and perl stays quiet.
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE

started_at=$SECONDS
log() { echo "postgres.sh: $*" >&2; }
die() { echo "postgres.sh: ERROR: $*" >&2; exit 1; }

# --- Privileges: root as is, otherwise sudo (non-interactive when there is no terminal to ask a password on).
if [[ $EUID -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  if [[ -t 0 ]]; then SUDO=(sudo); else SUDO=(sudo -n); fi
else
  die "run as root, or as a user with sudo: installing, configuring and starting the server need root"
fi
as_root() {
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"
}
as_postgres() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- env LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"
  else
    "${SUDO[@]}" -u postgres env LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"
  fi
}

newest_version() {
  local v
  # Versions that have a server binary, not just a client.
  for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -V -r); do
    if [[ -x /usr/lib/postgresql/$v/bin/postgres ]]; then echo "$v"; return 0; fi
  done
  return 1
}

# --- 1. Install the server if missing.
if ! PG_VERSION=$(newest_version) || ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt_log=$(mktemp)
  t0=$SECONDS
  log "installing Debian package postgresql ..."
  if ! as_root apt-get install -y -qq postgresql >"$apt_log" 2>&1; then
    log "apt-get install failed without a fresh package list; running apt-get update and retrying"
    as_root apt-get update -qq >>"$apt_log" 2>&1 || { tail -n 20 "$apt_log" >&2; die "apt-get update failed"; }
    as_root apt-get install -y -qq postgresql >>"$apt_log" 2>&1 || { tail -n 20 "$apt_log" >&2; die "apt-get install postgresql failed"; }
  fi
  rm -f "$apt_log"
  PG_VERSION=$(newest_version) || die "postgresql installed but no server binary under /usr/lib/postgresql/*/bin/postgres"
  log "installed postgresql-$PG_VERSION in $((SECONDS - t0))s"
else
  log "postgresql-$PG_VERSION server already installed"
fi

# --- 2. The cluster: find it, or create it.
cluster_field() { # $1 = 1-based field of `pg_lsclusters -h` (3 port, 4 status, 5 owner)
  pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" -v f="$1" '$1 == v && $2 == c { print $f }'
}
if [[ -z "$(cluster_field 2)" ]]; then
  log "no cluster $PG_VERSION/$PG_CLUSTER: creating it"
  as_root pg_createcluster --locale C.UTF-8 "$PG_VERSION" "$PG_CLUSTER" >&2 \
    || die "pg_createcluster $PG_VERSION $PG_CLUSTER failed"
fi
PG_PORT=$(cluster_field 3)
[[ "$PG_PORT" =~ ^[0-9]+$ ]] || die "could not read the port of cluster $PG_VERSION/$PG_CLUSTER from pg_lsclusters"

# --- 3. max_connections, through a conf.d file that Debian's postgresql.conf includes.
conf_dir=/etc/postgresql/$PG_VERSION/$PG_CLUSTER/conf.d
conf_file=$conf_dir/customercraft.conf
conf_text="# Written by .ci/postgres.sh: the tests run several connection pools at once.
max_connections = $PG_MIN_CONNECTIONS"
if [[ "$(as_root cat "$conf_file" 2>/dev/null || true)" != "$conf_text" ]]; then
  log "writing $conf_file (max_connections = $PG_MIN_CONNECTIONS)"
  printf '%s\n' "$conf_text" | as_root install -D -m 0644 -o postgres -g postgres /dev/stdin "$conf_file" \
    || die "could not write $conf_file"
fi

psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@"; }
is_running() { [[ "$(cluster_field 4)" == online ]]; }
current_max_connections() { psql_admin -At -c 'SHOW max_connections'; }

# --- Start (or restart, if the running server has too few connections).
if is_running; then
  max=$(current_max_connections) || die "cluster $PG_VERSION/$PG_CLUSTER is running but psql as postgres failed"
  # The value the config files give now (the last one read wins): if ALTER SYSTEM (postgresql.auto.conf)
  # holds a lower one than conf.d, override it there too, so that one restart is enough.
  file_max=$(psql_admin -At -c "SELECT setting FROM pg_file_settings WHERE name = 'max_connections'
                                ORDER BY seqno DESC LIMIT 1") || die "reading pg_file_settings failed"
  if [[ -n "$file_max" ]] && (( file_max < PG_MIN_CONNECTIONS )); then
    log "max_connections = $file_max set elsewhere (ALTER SYSTEM?); setting $PG_MIN_CONNECTIONS with ALTER SYSTEM"
    psql_admin -c "ALTER SYSTEM SET max_connections = $PG_MIN_CONNECTIONS" || die "ALTER SYSTEM failed"
  fi
  if (( max < PG_MIN_CONNECTIONS )); then
    log "restarting cluster $PG_VERSION/$PG_CLUSTER (max_connections $max -> $PG_MIN_CONNECTIONS)"
    as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart >&2 || die "pg_ctlcluster restart failed"
  else
    log "cluster $PG_VERSION/$PG_CLUSTER already running on port $PG_PORT"
  fi
else
  log "starting cluster $PG_VERSION/$PG_CLUSTER on port $PG_PORT"
  if ! as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start >&2; then
    tail -n 20 "/var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log" >&2 2>/dev/null || true
    die "pg_ctlcluster $PG_VERSION $PG_CLUSTER start failed"
  fi
fi
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || die "server not accepting connections on 127.0.0.1:$PG_PORT after 30s"

# Started from stopped: a value set with ALTER SYSTEM (postgresql.auto.conf) beats conf.d; override it there too.
max=$(current_max_connections) || die "psql as postgres failed"
if (( max < PG_MIN_CONNECTIONS )); then
  log "max_connections still $max (set elsewhere); using ALTER SYSTEM and restarting"
  psql_admin -c "ALTER SYSTEM SET max_connections = $PG_MIN_CONNECTIONS" || die "ALTER SYSTEM failed"
  as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart >&2 || die "pg_ctlcluster restart failed"
  max=$(current_max_connections) || die "psql as postgres failed after restart"
  (( max >= PG_MIN_CONNECTIONS )) || die "max_connections is $max, wanted at least $PG_MIN_CONNECTIONS"
fi

# --- 4. Role and database.
psql_admin <<SQL || die "creating role/database $PG_ROLE failed"
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
    RAISE NOTICE 'created role $PG_ROLE';
  ELSE
    ALTER ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $PG_DATABASE OWNER $PG_ROLE'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DATABASE') \gexec
SQL

# --- 5. Check a real password login over TCP, the way the tests connect.
if ! out=$(PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=10 psql -X -At -h 127.0.0.1 -p "$PG_PORT" \
      -U "$PG_ROLE" -d "$PG_DATABASE" -c 'SELECT version()' 2>&1); then
  echo "$out" >&2
  die "cannot log in as $PG_ROLE on 127.0.0.1:$PG_PORT"
fi
log "ready in $((SECONDS - started_at))s: ${out%% on *}, 127.0.0.1:$PG_PORT, max_connections=$max"

echo "export CUSTOMERCRAFT_POSTGRES=\"Host=127.0.0.1;Port=$PG_PORT;Username=$PG_ROLE;Password=$PG_PASSWORD;Database=$PG_DATABASE\""
