# ops/lib.sh: the shell functions ops/koomy, ops/chaos and ops/bench/* share. Source it after `set -euo
# pipefail` and after setting LOG_TAG (the word after the time in every log line: koomy, chaos, bench).
# It defines functions and KOOMY_ROOT, RUN_DIR and HZ; nothing runs.
# shellcheck shell=bash

KOOMY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${KOOMY_RUN_DIR:-$KOOMY_ROOT/ops/run}"
HZ="$(getconf CLK_TCK)"

# ---------------------------------------------------------------------------------------------
# Output

log() { printf '%s %s: %s\n' "$(date -u +%H:%M:%S)" "${LOG_TAG:-koomy}" "$*" >&2; }
die() { log "error: $*"; exit 1; }
# The script's header comment (from line 2 to `set -euo pipefail`) is its help.
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
calc() { awk "BEGIN { printf \"%s\", ($1) }"; }
mark() { if awk "BEGIN { exit !($1) }"; then echo "ok"; else echo "MISSED"; fi; }

# bench_compile DIR MAIN: compiles ops/bench/MAIN.java, a JDK-only program, with the ops/bench sources it uses
# (javac finds them on the source path) into DIR; run it with `java -cp DIR MAIN`. The JDK 17 source launcher
# (`java MAIN.java`) runs one file only.
bench_compile() {
  mkdir -p "$1"
  javac -d "$1" -sourcepath "$KOOMY_ROOT/ops/bench" "$KOOMY_ROOT/ops/bench/$2.java" || die "ops/bench/$2.java does not compile"
}

# ---------------------------------------------------------------------------------------------
# Environment: what the caller set wins, then ops/run/dev.env (ops/koomy writes it on first use),
# then the defaults of a local stack

load_dev_env() {
  local dev_env="$RUN_DIR/dev.env" line key value
  [[ -f "$dev_env" ]] || return 0
  # Split at the first '=' only: base64 values end with '=', which `IFS='=' read` would drop.
  while IFS= read -r line; do
    key="${line%%=*}" value="${line#*=}"
    [[ -z "$line" || "$key" == \#* ]] && continue
    if [[ -z "${!key:-}" ]]; then export "$key=$value"; fi
  done <"$dev_env"
}

# The running stack's addresses as the benchmarks use them (the variables of ops/koomy's load_env).
stack_addresses() {
  load_dev_env
  PG_HOST="${KOOMY_PG_HOST:-127.0.0.1}"
  PG_PORT="${KOOMY_PG_PORT:-5432}"
  DB_NAME="${KOOMY_DB_NAME:-koomy}"
  DB_USER="${DATABASE_USER:-koomy}"
  DB_PASSWORD="${DATABASE_PASSWORD:-koomy}"
  REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
  REDIS_PORT="${REDIS_PORT:-6379}"
  API_PORT="${KOOMY_API_PORT:-8080}"
  API="http://127.0.0.1:$API_PORT"
  ADMIN="http://127.0.0.1:${KOOMY_API_ADMIN_PORT:-8081}"
  WORKER_ADMIN_PORT="${KOOMY_WORKER_ADMIN_PORT:-8082}"
  # The API accepts any of a comma-separated list during a rotation; we sign with the first.
  SECRET="${STRIPE_WEBHOOK_SECRET:-}"
  SECRET="${SECRET%%,*}"
}

# psql on the stack's database, unaligned and quiet, stopping at the first error.
psql_run() {
  PGPASSWORD="$DB_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" -X -q -t -A \
    -v ON_ERROR_STOP=1 "$@"
}

# ---------------------------------------------------------------------------------------------
# Processes of `ops/koomy up`: PID files in RUN_DIR

pid_of() { local f="$RUN_DIR/$1.pid"; [[ -f "$f" ]] && cat "$f"; }

# A PID file is trusted only if the process still runs our jar (PIDs get reused): api and api-2 run
# koomy-api.jar, worker-1 koomy-worker.jar, haproxy our generated configuration.
alive() {
  local pid marker="koomy-${1%%-*}.jar"; pid="$(pid_of "$1")" || return 1
  [[ "$1" == haproxy ]] && marker="$RUN_DIR/haproxy.cfg"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"
}

reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-3}" "$1" || true; }

# wait_http URL SECONDS: until URL answers 200; false after SECONDS.
wait_http() {
  local deadline=$((SECONDS + $2))
  until [[ "$(http_code "$1")" == 200 ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

# ---------------------------------------------------------------------------------------------
# CPU accounting from /proc (ticks of CLK_TCK): who used the machine between two snapshots.
#
# cpu_snapshot [NAME=PID...]: "NAME=ticks ... postgres=ticks redis=ticks bench=ticks busy= steal= total=".
# A named process counts with its direct children (a postmaster with its backends); postgres is every
# other PostgreSQL process, redis every redis-server, bench this script with its children (wrk, java
# senders). Without arguments the roles come from the caller's function cpu_roles, if it defines one.

cpu_snapshot() {
  local roles=("$@")
  if ((${#roles[@]} == 0)) && declare -F cpu_roles >/dev/null; then read -r -a roles <<<"$(cpu_roles)"; fi
  # Processes come and go while we read /proc: cat skips the ones that vanished, where awk would
  # end with an error status and stop the script (set -e).
  { cat /proc/stat; cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v roles="${roles[*]}" -v self="$$" '
    $1 == "cpu" { busy = $2 + $3 + $4 + $7 + $8; steal = $9; total = busy + $5 + $6 + steal; next }
    $1 !~ /^[0-9]+$/ { next }
    {
      # "pid (comm) state ppid ...": comm may hold spaces, so split after its last ")".
      i = index($0, "("); j = length($0); while (substr($0, j, 1) != ")") j--;
      pid = substr($0, 1, i - 2); comm[pid] = substr($0, i + 1, j - i - 1);
      split(substr($0, j + 2), f, " ");
      ppid[pid] = f[2]; own[pid] = f[12] + f[13]; kids[pid] = f[14] + f[15];
    }
    END {
      n = split(roles, r, " "); out = "";
      for (k = 1; k <= n; k++) {
        split(r[k], kv, "="); name = kv[1]; rpid = kv[2] + 0; t = 0;
        if (rpid > 0) for (p in comm) if (p == rpid || ppid[p] == rpid) { t += own[p]; named[p] = 1 }
        out = out name "=" t " ";
      }
      pg = 0; rd = 0;
      for (p in comm) {
        if (named[p]) continue;
        if (comm[p] == "postgres") pg += own[p] + (comm[ppid[p]] == "postgres" ? 0 : kids[p]);
        if (comm[p] == "redis-server") rd += own[p];
      }
      printf "%spostgres=%d redis=%d bench=%d busy=%d steal=%d total=%d\n", out, pg, rd, own[self] + kids[self], busy, steal, total;
    }'
}

# cpu_share A B [N [UNIT]]: each role's share of the machine between snapshots A and B, then other
# processes, steal and idle; with N > 0 a second line: ms of CPU per UNIT (event, email, scan) of each.
cpu_share() {
  awk -v a="$1" -v b="$2" -v n="${3:-0}" -v unit="${4:-event}" -v hz="$HZ" -v cores="$(nproc)" '
    function parse(s, m,   t, c, i, kv) { c = split(s, t, " "); for (i = 1; i <= c; i++) { split(t[i], kv, "="); m[kv[1]] = kv[2]; order[i] = kv[1] } return c }
    BEGIN {
      c = parse(a, x); parse(b, y);
      total = y["total"] - x["total"]; if (total <= 0) { print "n/a"; exit }
      busy = y["busy"] - x["busy"]; steal = y["steal"] - x["steal"]; sum = 0; shares = ""; per = "";
      for (i = 1; i <= c; i++) {
        k = order[i]; if (k == "busy" || k == "steal" || k == "total") continue;
        d = y[k] - x[k]; if (d < 0) d = 0; sum += d;
        shares = shares sprintf("%s %.0f%%  ", k, 100 * d / total);
        if (n > 0) per = per sprintf("%s %.2f  ", k, d * 1000 / hz / n);
      }
      other = busy - sum; if (other < 0) other = 0;
      printf "%sother %.0f%%  steal %.0f%%  idle %.0f%%  (%d cores, %.1f s)\n", shares, 100 * other / total,
        100 * steal / total, 100 * (total - busy - steal) / total, cores, total / cores / hz;
      if (n > 0) printf "           per %s: %sother %.2f  ms of CPU\n", unit, per, other * 1000 / hz / n;
    }'
}

# cpu_of ROLE A B: ticks ROLE used between snapshots A and B.
cpu_of() {
  awk -v k="$1" -v a="$2" -v b="$3" 'BEGIN {
    c = split(a, t, " "); for (i = 1; i <= c; i++) { split(t[i], kv, "="); x[kv[1]] = kv[2] }
    c = split(b, t, " "); for (i = 1; i <= c; i++) { split(t[i], kv, "="); y[kv[1]] = kv[2] }
    print y[k] - x[k] }'
}

# background_share A B: the percentage of the machine that processes of nobody named used (a build...).
background_share() {
  awk -v a="$1" -v b="$2" '
    function parse(s, m,   t, c, i, kv) { c = split(s, t, " "); for (i = 1; i <= c; i++) { split(t[i], kv, "="); m[kv[1]] = kv[2]; order[i] = kv[1] } return c }
    BEGIN {
      c = parse(a, x); parse(b, y); total = y["total"] - x["total"]; if (total <= 0) { print 0; exit }
      other = y["busy"] - x["busy"];
      for (i = 1; i <= c; i++) { k = order[i]; if (k != "busy" && k != "steal" && k != "total") other -= y[k] - x[k] }
      printf "%.0f", other < 0 ? 0 : 100 * other / total }'
}

# wait_quiet [SECONDS]: waits (at most SECONDS, default the benchmark's QUIET_WAIT from --quiet-wait or
# BENCH_QUIET_WAIT, else 120) until other processes use less than 15% of the machine; prints their share
# when measuring starts.
wait_quiet() {
  local deadline=$((SECONDS + ${1:-${QUIET_WAIT:-${BENCH_QUIET_WAIT:-120}}})) a b share
  while :; do
    a="$(cpu_snapshot)"; sleep 3; b="$(cpu_snapshot)"
    share="$(background_share "$a" "$b")"
    ((share < 15)) && break
    if ((SECONDS >= deadline)); then log "warning: $share% of the machine is busy with other processes; measuring anyway"; break; fi
    log "$share% of the machine is busy with other processes (e.g. a build); waiting"
    sleep 5
  done
  echo "$share"
}

# ---------------------------------------------------------------------------------------------
# Benchmarks' database session and report helpers (ops/bench/webhooks, ops/bench/email).

# db_open: one psql session for the whole run, kept open as a coprocess (PG_HOST, PG_PORT, DB_USER,
# DB_PASSWORD, DB_NAME): polling with a new psql (and so a new PostgreSQL backend) every second would cost
# the machine we measure more than the query.
db_open() {
  coproc DB { PGPASSWORD="$DB_PASSWORD" exec psql -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" \
    -X -q -t -A -F ' ' 2>&1; }
  sql "SELECT 1" >/dev/null || die "cannot query PostgreSQL at $PG_HOST:$PG_PORT/$DB_NAME as $DB_USER"
}

# sql STATEMENT: runs one statement that answers one row on db_open's session and prints that row (fields
# separated by spaces).
sql() {
  local row
  # Checked first: writing to a psql that has exited would kill this script with SIGPIPE.
  kill -0 "${DB_PID:-0}" 2>/dev/null || die "the psql session has gone (query: $1)"
  printf '%s;\n' "$1" >&"${DB[1]}" 2>/dev/null || die "the psql session has gone"
  IFS= read -r -t 600 row <&"${DB[0]}" || die "no answer from PostgreSQL to: $1"
  [[ "$row" != ERROR:* && "$row" != FATAL:* && "$row" != psql:* ]] || die "PostgreSQL: $row (query: $1)"
  printf '%s\n' "$row"
}

# sql_exec STATEMENT: runs one statement that answers nothing (psql -q prints no command tag), e.g. VACUUM.
sql_exec() {
  local row
  kill -0 "${DB_PID:-0}" 2>/dev/null || die "the psql session has gone (statement: $1)"
  printf '%s;\n' "$1" >&"${DB[1]}" 2>/dev/null || die "the psql session has gone"
  row="$(sql "SELECT 'done'")"
  [[ "$row" == done ]] || die "PostgreSQL: $row (statement: $1)"
}

# db_snapshot: PostgreSQL's own counters (whole database; our polling adds about one transaction a second):
# transactions, rows inserted, updated, deleted, WAL bytes, WAL syncs (fsyncs of the log).
db_snapshot() {
  sql "SELECT d.xact_commit + d.xact_rollback, d.tup_inserted, d.tup_updated, d.tup_deleted, w.wal_bytes, w.wal_sync
         FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = current_database()"
}

# db_share BEFORE AFTER N UNIT: the database work per UNIT (event, email) between two snapshots of N units
# (the statistics lag up to a second).
db_share() {
  awk -v a="$1" -v b="$2" -v n="$3" -v unit="$4" 'BEGIN {
    split(a, x, " "); split(b, y, " "); if (n <= 0) { print "n/a"; exit }
    printf "per %s: %.1f transactions, %.1f rows inserted, %.1f updated, %.1f deleted, %.1f KB WAL, %.2f WAL syncs", \
      unit, (y[1] - x[1]) / n, (y[2] - x[2]) / n, (y[3] - x[3]) / n, (y[4] - x[4]) / n, (y[5] - x[5]) / n / 1024, (y[6] - x[6]) / n
  }'
}

# mem_of PID: "VmRSS VmHWM" of a process in MB ("- -" when it is gone).
mem_of() {
  awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { printf "%d %d", r / 1024, h / 1024 }' "/proc/$1/status" 2>/dev/null || echo "- -"
}
