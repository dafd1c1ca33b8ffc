#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a loopback port (the way .ci/run does), runs the given
# command with BENCH_DATABASE_URL pointing at it, and removes the cluster afterwards.
#
#   bench/pg.sh npx node bench/exam-start.ts --pg
#   bench/pg.sh npx node bench/autosave.ts --pg
#   bench/pg.sh            # no command: start it, print the URL, keep it until Ctrl-C
#
# Needs Debian's postgresql package (/usr/lib/postgresql/<v>/bin). As root, the cluster runs as the
# postgres user. Settings match CI (fsync off etc. are NOT used here: a benchmark should see real
# commit costs; set BENCH_PG_FAST=1 to use CI's unsafe-but-fast settings instead). BENCH_PG_STATS=1 loads
# pg_stat_statements (with planning times) for bench/profile-autosave.ts and bench/profile-start.ts.
set -euo pipefail
cd "$(dirname "$0")/.."

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ]; then
  echo "bench/pg.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
pgdir=$(mktemp -d /tmp/xb-bench-pg.XXXXXX)
pgport=${BENCH_PG_PORT:-55439}
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pgdir"
run_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
opts="-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=512MB"
if [ "${BENCH_PG_STATS:-0}" = 1 ]; then
  # For bench/profile-*.ts: per-statement planning and execution times.
  opts="$opts -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on -c pg_stat_statements.track=all"
fi
if [ "${BENCH_PG_FAST:-0}" = 1 ]; then
  opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
run_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w start -o "$opts" >/dev/null
cleanup() {
  run_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT

export BENCH_DATABASE_URL="postgres://postgres@127.0.0.1:$pgport/postgres"
export PGBENCH="$pgbin/pgbench"
echo "bench/pg.sh: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') at $BENCH_DATABASE_URL (data in $pgdir)"
if [ $# -eq 0 ]; then
  echo "bench/pg.sh: running until Ctrl-C"
  while true; do sleep 3600; done
fi
"$@"
