#!/usr/bin/env bash
# A private PostgreSQL server for the fault suite, which stops and restarts it: never the shared
# cluster of .ci/postgres.sh, which other tests use at the same time.
#
#   eval "$(bash .ci/fault-postgres.sh init)"   # initdb in a new temp dir, start on a free port; prints
#                                              # export CUSTOMERCRAFT_FAULT_PGDIR=... and CUSTOMERCRAFT_FAULT_POSTGRES=...
#   bash .ci/fault-postgres.sh stop DIR         # pg_ctl stop -m fast (what the tests do mid-load)
#   bash .ci/fault-postgres.sh start DIR        # pg_ctl start, waiting until it accepts connections
#   bash .ci/fault-postgres.sh destroy DIR      # stop it and remove the directory
#
# Needs the server binaries .ci/postgres.sh installs (Debian's postgresql). Runs the server as the
# postgres user when called as root (PostgreSQL refuses to run as root). Output other than the
# export lines goes to stderr.
set -euo pipefail

log() { echo "fault-postgres.sh: $*" >&2; }
die() { echo "fault-postgres.sh: ERROR: $*" >&2; exit 1; }

bin_dir() {
  local v
  for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -V -r); do
    if [[ -x /usr/lib/postgresql/$v/bin/pg_ctl ]]; then echo "/usr/lib/postgresql/$v/bin"; return 0; fi
  done
  return 1
}
BIN=$(bin_dir) || die "no PostgreSQL server binaries under /usr/lib/postgresql (run .ci/postgres.sh first)"

as_owner() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- env LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"; else env LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"; fi
}

pg_ctl_start() {
  local dir=$1 port
  port=$(cat "$dir/port")
  as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >&2
}

cmd=${1:-}
case "$cmd" in
  init)
    dir=$(mktemp -d /tmp/customercraft-fault-pg.XXXXXX)
    chmod 755 "$dir"
    # A free port: one that nothing answers on.
    port=
    for candidate in $(shuf -i 40000-60000 -n 50); do
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
    done
    [[ -n "$port" ]] || die "no free port found"
    echo "$port" > "$dir/port"
    [[ $EUID -eq 0 ]] && chown -R postgres:postgres "$dir"
    as_owner "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || die "initdb failed"
    pg_ctl_start "$dir" || { tail -n 20 "$dir/server.log" >&2; die "start failed"; }
    as_owner "$BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
      -c "CREATE ROLE customercraft LOGIN CREATEDB PASSWORD 'customercraft'" >&2 || die "creating the role failed"
    log "private server in $dir on 127.0.0.1:$port"
    echo "export CUSTOMERCRAFT_FAULT_PGDIR=\"$dir\""
    echo "export CUSTOMERCRAFT_FAULT_POSTGRES=\"Host=127.0.0.1;Port=$port;Username=customercraft;Password=customercraft;Database=postgres\""
    ;;
  stop)
    dir=${2:?usage: stop DIR}
    as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2
    ;;
  start)
    dir=${2:?usage: start DIR}
    pg_ctl_start "$dir"
    ;;
  destroy)
    dir=${2:?usage: destroy DIR}
    [[ "$dir" == /tmp/customercraft-fault-pg.* ]] || die "refusing to remove $dir: not a directory this script made"
    as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    die "usage: $0 init | stop DIR | start DIR | destroy DIR"
    ;;
esac
