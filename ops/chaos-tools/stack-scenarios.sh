# ops/chaos-tools/stack-scenarios.sh: the chaos scenario still written in bash (disk-full), sourced by
# ops/chaos for it alone. The others are JUnit scenarios (@Tag("chaos") in
# worker/src/test/java/com/koomy/worker/e2e); disk-full stays here because it mounts a tmpfs (root only).
#
# Every scenario starts its own PostgreSQL (initdb into a temporary directory, port CHAOS_PG_PORT,
# default 61432), its own Redis (CHAOS_REDIS_PORT, 61379, nothing saved), and the API and workers from
# the built jars on CHAOS_API_PORT (61080; admin 61081; worker i's admin 61080+10i+2), all on 127.0.0.1
# and with no JobRunr dashboard; it stops and deletes all of it at the end, keeping the logs. Its verdict
# is computed from the database and the sender's record of what the API answered, not from logs.
# shellcheck shell=bash

ROOT="$KOOMY_ROOT"
TOOLS="$ROOT/ops/chaos-tools"
OUT_BASE="${KOOMY_CHAOS_OUT:-$ROOT/ops/run/chaos}"
API_JAR="$ROOT/api-server/target/koomy-api.jar"
WORKER_JAR="$ROOT/worker/target/koomy-worker.jar"
FIXTURES="${BENCH_FIXTURES:-$ROOT/../shared/stripe/fixtures3.json}"
LOCK="${KOOMY_STACK_LOCK:-/tmp/koomy-stack.lock}"
REPORT="$ROOT/docs/reliability-report.md"

# Above the kernel's ephemeral range (32768-60999): a port in it can be taken at any moment by some
# process's outgoing connection, which made PostgreSQL fail to bind 55432 here once.
PG_PORT="${CHAOS_PG_PORT:-61432}"
REDIS_PORT="${CHAOS_REDIS_PORT:-61379}"
REDIS_PREFIX="koomy:" # a Redis of its own: the default prefix, pinned so the caller's KOOMY_REDIS_PREFIX cannot differ
API_PORT="${CHAOS_API_PORT:-61080}"
DB_NAME=koomy_chaos
DB_USER=koomy
DB_PASSWORD=koomy

EVENTS="${CHAOS_EVENTS:-5000}"
KILL_EVERY="${CHAOS_KILL_EVERY:-20}"
OUTAGE="${CHAOS_OUTAGE:-60}"
WORKERS_DOWN="${CHAOS_WORKERS_DOWN:-300}"
RATE="${CHAOS_RATE:-40}"
DRAIN_TIMEOUT="${CHAOS_DRAIN_TIMEOUT:-300}"
EXHAUST="${CHAOS_EXHAUST:-45}"

# Extra environment of every process of the stack.
STACK_ENV=()
PG_MAX_CONNECTIONS=200

JAVA_OPTS="-Xms256m -Xmx256m -XX:MaxMetaspaceSize=160m -XX:ReservedCodeCacheSize=96m -Xss512k -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"

now_ms() { date +%s%3N; }
# Seconds (one decimal) between two epoch-millisecond values.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# ---------------------------------------------------------------------------------------------
# The stack: a private PostgreSQL and Redis, the API and N workers, all loopback

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
WORK=""
ART=""
declare -A PIDS=()

as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

q() {
  PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=3 PGOPTIONS="-c client_min_messages=warning" psql -X -qtA -F ' ' -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" -c "$1"
}

pg_start() {
  as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pglog/postgresql.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK/sock -c max_connections=$PG_MAX_CONNECTIONS" \
    start >/dev/null
}

pg_stop() { as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" -m "$1" -w -t 60 stop >/dev/null; }

redis_start() {
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$WORK" --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log" >/dev/null
  for _ in $(seq 1 40); do reachable 127.0.0.1 "$REDIS_PORT" && return 0; sleep 0.25; done
  die "Redis did not start on $REDIS_PORT (log $WORK/redis.log)"
}

redis_stop() {
  local pid; pid="$(cat "$WORK/redis.pid" 2>/dev/null || true)"
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  for _ in $(seq 1 40); do reachable 127.0.0.1 "$REDIS_PORT" || break; sleep 0.25; done
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  return 0
}

# The processes get exactly this environment (env -i): nothing of the caller's KOOMY_*, provider
# keys or database settings leaks in, so a scenario can never reach another stack or a real provider.
process_env() {
  echo "PATH=$PATH" "HOME=${HOME:-/root}" "LANG=C.UTF-8" \
    "DATABASE_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/$DB_NAME" "DATABASE_USER=$DB_USER" "DATABASE_PASSWORD=$DB_PASSWORD" \
    "REDIS_HOST=127.0.0.1" "REDIS_PORT=$REDIS_PORT" "KOOMY_REDIS_PREFIX=$REDIS_PREFIX" \
    "STRIPE_WEBHOOK_SECRET=$SECRET" "KOOMY_OPS_TOKEN=$OPS_TOKEN" "KOOMY_CARD_KEY_SECRET=$CARD_SECRET" \
    "KOOMY_PUBLIC_URL=http://127.0.0.1:$API_PORT" "KOOMY_ADMIN_BIND=127.0.0.1" "KOOMY_MIGRATE_ON_START=false" \
    "KOOMY_RATE_PER_CLIENT=1000000" "KOOMY_RATE_LOGIN=1000" "KOOMY_RATE_HEALTH=1000000" "KOOMY_DASHBOARD_ENABLED=false" "${STACK_ENV[@]}"
}

start_java() {
  local name="$1" jar="$2" config="$3"; shift 3
  # shellcheck disable=SC2046,SC2086
  env -i $(process_env) "$@" nohup java $JAVA_OPTS -jar "$jar" server "$config" \
    >>"$WORK/$name.log" 2>&1 </dev/null &
  PIDS[$name]=$!
  log "started $name (pid $!)"
}

worker_admin_port() { echo $((API_PORT + 10 * $1 + 2)); }

start_worker() {
  local i="$1"
  start_java "worker-$i" "$WORKER_JAR" "$ROOT/config/worker.yml" \
    "KOOMY_WORKER_ADMIN_PORT=$(worker_admin_port "$i")" "KOOMY_JOBS_WORKERS=${CHAOS_JOB_THREADS:-8}" \
    "KOOMY_WORKER_DB_MAX=12" "KOOMY_WORKER_JOBS_DB_MAX=12"
}

start_api() {
  start_java api "$API_JAR" "$ROOT/config/api.yml" \
    "KOOMY_API_PORT=$API_PORT" "KOOMY_API_ADMIN_PORT=$((API_PORT + 1))" "KOOMY_API_BIND=127.0.0.1"
}

health_url() {
  case "$1" in
    api) echo "http://127.0.0.1:$API_PORT/api/health" ;;
    worker-*) echo "http://127.0.0.1:$(worker_admin_port "${1#worker-}")/healthcheck" ;;
  esac
}

alive() { local pid="${PIDS[$1]:-}"; [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }

wait_healthy() {
  local deadline=$((SECONDS + ${CHAOS_START_TIMEOUT:-180})) name ok
  while ((SECONDS < deadline)); do
    ok=1
    for name in "$@"; do
      alive "$name" || { tail -20 "$WORK/$name.log" >&2; die "$name exited during start"; }
      [[ "$(http_code "$(health_url "$name")")" == 200 ]] || ok=0
    done
    ((ok)) && return 0
    sleep 1
  done
  die "not healthy after ${CHAOS_START_TIMEOUT:-180}s: $*"
}

stop_java() {
  local name="$1" pid="${PIDS[$1]:-}"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  unset "PIDS[$name]"
}

stack_up() {
  local workers="$1" i
  [[ -f "$API_JAR" && -f "$WORKER_JAR" ]] || { log "jars missing: ops/koomy build"; "$ROOT/ops/koomy" build; }
  [[ -n "$PG_BIN" ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
  command -v redis-server >/dev/null || die "redis-server not found"
  for port in "$PG_PORT" "$REDIS_PORT" "$API_PORT" "$((API_PORT + 1))"; do
    reachable 127.0.0.1 "$port" && die "port $port is already in use (another chaos run? set CHAOS_*_PORT)"
  done
  WORK="$(mktemp -d /tmp/koomy-chaos.XXXXXX)"
  chmod 755 "$WORK"
  mkdir -p "$WORK/pg" "$WORK/sock" "$WORK/pglog"
  if [[ -n "${PG_TMPFS_SIZE:-}" ]]; then
    # disk-full: the cluster (data and WAL) on a filesystem of its own that can be filled up.
    mount -t tmpfs -o "size=$PG_TMPFS_SIZE,mode=0700" chaos-pg "$WORK/pg" || die "cannot mount a tmpfs (needs root)"
  fi
  [[ "$(id -u)" == 0 ]] && chown postgres: "$WORK/pg" "$WORK/sock" "$WORK/pglog"
  SECRET="whsec_chaos_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  OPS_TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  CARD_SECRET="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
  log "stack in $WORK: PostgreSQL :$PG_PORT, Redis :$REDIS_PORT, API :$API_PORT, $workers worker(s)"
  as_postgres "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres -E UTF8 --no-sync >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
  pg_start
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
    -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'" -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >/dev/null
  redis_start
  # shellcheck disable=SC2046
  env -i $(process_env) java -jar "$API_JAR" db migrate "$ROOT/config/api.yml" >"$WORK/migrate.log" 2>&1 \
    || { tail -20 "$WORK/migrate.log" >&2; die "migration failed"; }
  local names=()
  for ((i = 1; i <= workers; i++)); do
    start_worker "$i"
    names+=("worker-$i")
    wait_healthy "worker-$i"
  done
  start_api
  wait_healthy api "${names[@]}"
  log "stack healthy"
}

stack_down() {
  [[ -n "$WORK" && -d "$WORK" ]] || return 0
  local name
  for name in api $(printf '%s\n' "${!PIDS[@]}" | grep '^worker-' | sort); do
    stop_java "$name"
  done
  [[ -n "${HOG_PID:-}" ]] && { kill "$HOG_PID" 2>/dev/null; wait "$HOG_PID" 2>/dev/null; HOG_PID=""; }
  redis_stop
  pg_stop fast 2>/dev/null || pg_stop immediate 2>/dev/null || true
  # disk-full: the PostgreSQL cluster lived on a small tmpfs of its own.
  mountpoint -q "$WORK/pg" 2>/dev/null && { umount "$WORK/pg" 2>/dev/null || umount -l "$WORK/pg" 2>/dev/null || true; }
  if [[ -n "$ART" ]]; then
    cp "$WORK"/*.log "$ART/" 2>/dev/null || true
    cp "$WORK/pglog/postgresql.log" "$ART/postgresql.log" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  WORK=""
}

cleanup() {
  local rc=$?
  if [[ -n "${SENDER_PID:-}" ]]; then
    # The steady load's chunk senders are children of its subshell.
    pkill -P "$SENDER_PID" 2>/dev/null || true
    kill "$SENDER_PID" 2>/dev/null || true
  fi
  [[ -n "${PROBE_PID:-}" ]] && kill "$PROBE_PID" 2>/dev/null || true
  [[ -n "${WRITER_PID:-}" ]] && kill "$WRITER_PID" 2>/dev/null || true
  stack_down || true
  exit $rc
}

# ---------------------------------------------------------------------------------------------
# Webhooks: signed by ops/bench/SignEvents.java, sent by chaos-tools/Send.java, checked in the DB

# sign RUN COUNT: signs COUNT events with ids evt_bench_RUN_0.. into $ART/events-RUN.
sign() {
  local run="$1" count="$2"
  mkdir -p "$ART/events-$run"
  bench_compile "$WORK/bench-classes" SignEvents
  BENCH_SECRET="$SECRET" java -cp "$WORK/bench-classes" SignEvents "$FIXTURES" "$run" "$count" 1 "$ART/events-$run" >/dev/null \
    || die "signing events failed"
}

# send RUN RATE CONCURRENCY [RETRY_EVERY RETRY_UNTIL]: sends in the background; SENDER_PID is set.
send_bg() {
  local run="$1" rate="$2" conc="$3" retry_every="${4:-0}" retry_until="${5:-0}"
  java "$TOOLS/Send.java" "http://127.0.0.1:$API_PORT/api/webhooks/stripe" "$ART/events-$run" \
    "$ART/sent-$run.tsv" "$rate" "$conc" "$retry_every" "$retry_until" >"$ART/sender-$run.out" 2>&1 &
  SENDER_PID=$!
}

wait_sender() {
  wait "$SENDER_PID" || die "the sender failed: $(cat "$ART"/sender-*.out)"
  SENDER_PID=""
}

# The sender's record goes into a table of the scenario's own database, so that the verdict is one
# query joining what the API answered with what it stored and applied.
load_attempts() {
  local run="$1"
  q "CREATE TABLE IF NOT EXISTS public.chaos_attempts (run text, n int, attempt int, status int, sent_ms bigint, done_ms bigint)" >/dev/null
  awk -v r="$run" 'BEGIN { OFS = "\t" } { print r, $0 }' "$ART/sent-$run.tsv" \
    | PGPASSWORD="$DB_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" \
        -c "\copy public.chaos_attempts FROM STDIN"
  q "CREATE OR REPLACE VIEW public.chaos_accepted AS
       SELECT DISTINCT 'evt_bench_' || run || '_' || n AS event_id FROM public.chaos_attempts WHERE status BETWEEN 200 AND 299" >/dev/null
}

# Waits until every stored event is settled and the outbox is empty; prints the epoch ms it happened.
wait_drained() {
  local deadline=$((SECONDS + DRAIN_TIMEOUT)) left
  while ((SECONDS < deadline)); do
    left="$(q "SELECT (SELECT count(*) FROM koomy.stripe_events WHERE status IN ('received', 'processing'))
                    + (SELECT count(*) FROM koomy.outbox)" 2>/dev/null || echo '?')"
    if [[ "$left" == 0 ]]; then now_ms; return 0; fi
    sleep 1
  done
  log "not drained after ${DRAIN_TIMEOUT}s ($left left)"
  echo 0
  return 1
}

# The figures every webhook scenario reports: what was accepted and what the database holds.
# Prints "key value" lines; the caller turns them into a verdict.
event_counts() {
  q "SELECT 'accepted', count(*) FROM public.chaos_accepted
     UNION ALL SELECT 'accepted_stored', count(*) FROM public.chaos_accepted a JOIN koomy.stripe_events e USING (event_id)
     UNION ALL SELECT 'accepted_missing', count(*) FROM public.chaos_accepted a LEFT JOIN koomy.stripe_events e USING (event_id) WHERE e.event_id IS NULL
     UNION ALL SELECT 'stored', count(*) FROM koomy.stripe_events WHERE event_id LIKE 'evt_bench_%'
     UNION ALL SELECT 'settled', count(*) FROM koomy.stripe_events WHERE status IN ('processed', 'ignored', 'refused')
     UNION ALL SELECT 'settled_once', count(*) FROM koomy.stripe_events WHERE status IN ('processed', 'ignored', 'refused') AND attempts = 1
     UNION ALL SELECT 'settled_retried', count(*) FROM koomy.stripe_events WHERE status IN ('processed', 'ignored', 'refused') AND attempts > 1
     UNION ALL SELECT 'settled_unstamped', count(*) FROM koomy.stripe_events WHERE status IN ('processed', 'ignored', 'refused') AND (attempts < 1 OR processed_at IS NULL)
     UNION ALL SELECT 'received', count(*) FROM koomy.stripe_events WHERE status = 'received'
     UNION ALL SELECT 'processing', count(*) FROM koomy.stripe_events WHERE status = 'processing'
     UNION ALL SELECT 'failed', count(*) FROM koomy.stripe_events WHERE status = 'failed'
     UNION ALL SELECT 'outbox', count(*) FROM koomy.outbox
     UNION ALL SELECT 'jobs', count(*) FROM jobrunr.jobrunr_jobs WHERE jobsignature LIKE '%ApplyStripeEvent%'
     UNION ALL SELECT 'jobs_succeeded', count(*) FROM jobrunr.jobrunr_jobs WHERE jobsignature LIKE '%ApplyStripeEvent%' AND state = 'SUCCEEDED'
     UNION ALL SELECT 'jobs_unfinished', count(*) FROM jobrunr.jobrunr_jobs
                WHERE jobsignature LIKE '%ApplyStripeEvent%' AND state IN ('ENQUEUED', 'PROCESSING', 'SCHEDULED', 'AWAITING')
     UNION ALL SELECT 'other_jobs', count(*) FROM jobrunr.jobrunr_jobs WHERE jobsignature NOT LIKE '%ApplyStripeEvent%'
     UNION ALL SELECT 'jobs_failed', count(*) FROM jobrunr.jobrunr_jobs WHERE state = 'FAILED'
     UNION ALL SELECT 'jobs_run_twice', count(*) FROM jobrunr.jobrunr_jobs
                WHERE jobsignature LIKE '%ApplyStripeEvent%'
                  AND (SELECT count(*) FROM jsonb_array_elements(jobasjson::jsonb -> 'jobHistory') h WHERE h ->> 'state' = 'PROCESSING') > 1
     UNION ALL SELECT 'job_events', count(*) FROM ($JOB_EVENT_IDS) e
     UNION ALL SELECT 'job_events_distinct', count(DISTINCT event_id) FROM ($JOB_EVENT_IDS) e"
}

# The event ids the webhook jobs are about: a batch job's request lists them (JobRunr writes a list as
# ["java.util.ArrayList", [ids]]), an event's own job (retry, replay) names one.
JOB_EVENT_IDS="SELECT jsonb_array_elements_text(jobasjson::jsonb -> 'jobDetails' -> 'jobParameters' -> 0 -> 'object' -> 'eventIds' -> 1) AS event_id
                 FROM jobrunr.jobrunr_jobs WHERE jobsignature LIKE '%ApplyStripeEventsJob%'
               UNION ALL SELECT jobasjson::jsonb -> 'jobDetails' -> 'jobParameters' -> 0 -> 'object' ->> 'eventId'
                 FROM jobrunr.jobrunr_jobs WHERE jobsignature LIKE '%ApplyStripeEventJob.%'"

# ---------------------------------------------------------------------------------------------
# Results: each scenario prints a block and leaves result.md in its artifacts

FIGURES=()
CHECKS=()
FAILED=0

figure() { FIGURES+=("$(printf '%-34s %s' "$1" "$2")"); }

# check NAME CONDITION-TEXT (0|1): a named pass/fail line.
check() {
  local name="$1" ok="$2"
  if [[ "$ok" == 1 ]]; then CHECKS+=("PASS  $name"); else CHECKS+=("FAIL  $name"); FAILED=1; fi
}

verdict() {
  local scenario="$1" injected="$2" verdict=PASS
  ((FAILED)) && verdict=FAIL
  {
    echo "== ops/chaos $scenario: $verdict"
    echo "injected: $injected"
    printf '  %s\n' "${FIGURES[@]}"
    printf '  %s\n' "${CHECKS[@]}"
  } | tee "$ART/result.txt"
  {
    echo "### \`$scenario\`: $verdict"
    echo
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'), artifacts \`${ART#"$ROOT"/}\`."
    echo
    echo "Injected: $injected"
    echo
    echo '```'
    printf '%s\n' "${FIGURES[@]}"
    echo '```'
    echo
    printf -- '- %s\n' "${CHECKS[@]}"
    echo
  } >"$ART/result.md"
}

c() { awk -v k="$1" '$1 == k { print $2 }' <<<"$COUNTS"; }

# ---------------------------------------------------------------------------------------------
# Scenario 1: a worker SIGKILLed every KILL_EVERY s during a burst

# ---------------------------------------------------------------------------------------------
# Steady webhook load: RATE events/s for a duration, in 60-s chunks each signed just before it is
# sent (Stripe's signatures are valid 300 s) and sent by its own sender, so a chunk retrying its
# refused events (as Stripe does) never delays the next one.

# steady_load PREFIX DURATION RETRY_EVERY: runs in the background (LOAD_PID); run ids in $ART/runs.
steady_load() {
  local prefix="$1" duration="$2" retry_every="$3"
  : >"$ART/runs"
  (
    trap - EXIT INT TERM
    local k=0 start=$SECONDS pids=() len run
    while ((SECONDS - start < duration)); do
      len=$((duration - (SECONDS - start))); ((len > 60)) && len=60
      run="${prefix}$(date +%s)c$k"
      sign "$run" $((RATE * len > 0 ? RATE * len : 1))
      echo "$run" >>"$ART/runs"
      java "$TOOLS/Send.java" "http://127.0.0.1:$API_PORT/api/webhooks/stripe" "$ART/events-$run" \
        "$ART/sent-$run.tsv" "$RATE" 16 "$retry_every" $(($(date +%s) + 270)) >"$ART/sender-$run.out" 2>&1 &
      pids+=($!)
      k=$((k + 1))
      # The next chunk starts when this one has sent its first pass (len s at RATE/s).
      sleep "$len"
    done
    for p in "${pids[@]}"; do wait "$p" || exit 1; done
  ) &
  LOAD_PID=$!
  SENDER_PID=$LOAD_PID
}

wait_load() {
  wait "$LOAD_PID" || die "a sender failed: $(cat "$ART"/sender-*.out 2>/dev/null)"
  SENDER_PID=""
  local run
  while read -r run; do load_attempts "$run"; done <"$ART/runs"
}

# A background loop asking a few URLs every PERIOD s: "epoch-ms name status seconds" per request.
# Login probes rotate over the accounts (the per-email login limit is 5 a minute).
probe_loop() {
  local period="$1" i=0 out="$ART/probes.tsv" token="" body code t n
  shift
  : >"$out"
  while :; do
    for spec in "$@"; do
      local name="${spec%%=*}" url="${spec#*=}" ms; ms="$(now_ms)"
      case "$name" in
        login)
          ((i % 8 == 0)) || continue
          n=$(( (i / 8) % ${#PROBE_EMAILS[@]} ))
          body="$(curl -s -w '\n%{http_code} %{time_total}' --max-time 5 -H 'Content-Type: application/json' \
                    -d "{\"email\":\"${PROBE_EMAILS[$n]}\",\"password\":\"$PROBE_PASSWORD\"}" "$url" || echo $'\n0 5')"
          read -r code t <<<"$(tail -1 <<<"$body")"
          if [[ "$code" == 200 ]]; then token="$(sed -nE 's/.*"token":"([^"]+)".*/\1/p' <<<"$body" | head -1)"; fi
          ;;
        ai)
          # An AI draft as the community's owner, every 2 s (it needs a session and the AI budget).
          ((i % 4 == 0)) || continue
          read -r code t <<<"$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 -X POST \
                                 -H "Authorization: Bearer ${OWNER_TOKEN:-none}" -H 'Content-Type: application/json' \
                                 -d '{"brief":"chaos redis-down probe: a note about the spring regatta","language":"en"}' \
                                 "$url" || echo '0 5')"
          ;;
        signed-*)
          read -r code t <<<"$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 \
                                 -H "Authorization: Bearer ${token:-none}" "$url" || echo '0 5')"
          ;;
        *)
          read -r code t <<<"$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 "$url" || echo '0 5')"
          ;;
      esac
      printf '%s\t%s\t%s\t%s\n' "$ms" "$name" "$code" "$t" >>"$out"
    done
    i=$((i + 1))
    sleep "$period"
  done
}

# probe_counts NAME FROM_MS TO_MS: "total 2xx 401 503 other median_ms" of one probe in a window.
probe_counts() {
  awk -F '\t' -v p="$1" -v a="$2" -v b="$3" '
    $2 == p && $1 >= a && $1 < b { n++; if ($3 ~ /^2/) ok++; else if ($3 == 401) u++; else if ($3 == 503) s++; else o++; t[n] = $4 * 1000 }
    END { asort(t); printf "%d %d %d %d %d %.0f\n", n, ok, u, s, o, n ? t[int((n + 1) / 2)] : 0 }' "$ART/probes.tsv"
}

# first_ok NAME FROM_MS: epoch ms of the first 2xx of a probe at or after FROM_MS (0: none).
first_ok() {
  awk -F '\t' -v p="$1" -v a="$2" '$2 == p && $1 >= a && $3 ~ /^2/ { print $1; found = 1; exit } END { if (!found) print 0 }' "$ART/probes.tsv"
}

# last_bad NAME FROM_MS: epoch ms of the last non-2xx of a probe at or after FROM_MS (0: none).
last_bad() {
  awk -F '\t' -v p="$1" -v a="$2" '$2 == p && $1 >= a && $3 !~ /^2/ { last = $1 } END { print last + 0 }' "$ART/probes.tsv"
}

api_call() {
  local method="$1" path="$2" data="${3:-}" auth="${4:-}"
  curl -s --max-time 10 -X "$method" "http://127.0.0.1:$API_PORT$path" -H 'Content-Type: application/json' \
    ${auth:+-H "Authorization: Bearer $auth"} ${data:+-d "$data"}
}

json_field() { sed -nE "s/.*\"$1\":\"?([^\",}]+)\"?.*/\1/p" | head -1; }

PROBE_EMAILS=()
PROBE_PASSWORD="chaos-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# Accounts to sign in with and a public community whose page is cached.
setup_accounts() {
  local i email token
  for i in 1 2 3 4; do
    email="chaos$i@example.org"
    api_call POST /api/auth/register "{\"email\":\"$email\",\"password\":\"$PROBE_PASSWORD\",\"name\":\"Chaos $i\",\"locale\":\"en\"}" \
      | grep -q '"id"' || die "could not register $email"
    PROBE_EMAILS+=("$email")
  done
  token="$(api_call POST /api/auth/login "{\"email\":\"chaos1@example.org\",\"password\":\"$PROBE_PASSWORD\"}" | json_field token)"
  [[ -n "$token" ]] || die "could not sign in"
  OWNER_TOKEN="$token"
  COMMUNITY_ID="$(api_call POST /api/communities '{"name":"Chaos Club","description":"a public community","visibility":"public"}' "$token" | json_field id)"
  [[ -n "$COMMUNITY_ID" ]] || die "could not create a community"
}

yes_no() { if eval "$1"; then echo 1; else echo 0; fi; }

# ---------------------------------------------------------------------------------------------
# Scenario 7: PostgreSQL out of connections (another client took them all), or out of disk


# Connections by role: "stack hog".
write_loop() {
  local out="$ART/writes.tsv" i=0 ms reply
  : >"$out"
  while :; do
    ms="$(now_ms)"; i=$((i + 1))
    reply="$(curl -s -w '\n%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $OWNER_TOKEN" \
      -d "{\"title\":\"Chaos write $i\"}" "http://127.0.0.1:$API_PORT/api/communities/$COMMUNITY_ID/news" || printf '\n0')"
    printf '%s\t%s\t%s\n' "$ms" "$(tail -1 <<<"$reply")" "$(head -1 <<<"$reply" | tr -d '\t' | cut -c1-300)" >>"$out"
    sleep 2
  done
}

# writes_between FROM TO: "2xx 503 503_json other" of the write prober in a window; a 503 is
# "clear" when its body is our error shape with that status and a code.
writes_between() {
  awk -F '\t' -v a="$1" -v b="$2" '$1 >= a && $1 < b {
      if ($2 ~ /^2/) ok++; else if ($2 == 503) { s++; if ($3 ~ /^\{"error":\{/ && $3 ~ /"status":503/ && $3 ~ /"code":"[a-z_]+"/) j++ } else o++ }
    END { printf "%d %d %d %d\n", ok, s, j, o }' "$ART/writes.tsv"
}

# webhooks_between FROM TO: "2xx 503 other-5xx 4xx none" by the time each attempt was sent.
webhooks_between() {
  q "SELECT count(*) FILTER (WHERE status BETWEEN 200 AND 299), count(*) FILTER (WHERE status = 503),
            count(*) FILTER (WHERE status >= 500 AND status <> 503), count(*) FILTER (WHERE status BETWEEN 400 AND 499),
            count(*) FILTER (WHERE status = 0)
       FROM public.chaos_attempts WHERE sent_ms >= $1 AND sent_ms < $2"
}

# The common start and end of the two PostgreSQL-resource scenarios: a stack with one worker, a
# webhook load whose refused events are resent every 10 s, and probers (page, health, worker, writes).
resource_start() {
  stack_up 1
  setup_accounts
  RES_API_PID="${PIDS[api]}"; RES_WORKER_PID="${PIDS[worker-1]}"
  probe_loop 0.5 "page=http://127.0.0.1:$API_PORT/api/communities/$COMMUNITY_ID" "health=http://127.0.0.1:$API_PORT/api/health" \
    "worker=$(health_url worker-1)" &
  PROBE_PID=$!
  write_loop &
  WRITER_PID=$!
  log "webhooks at ${RATE}/s for $1s, refused ones resent every 10 s (as Stripe would)"
  steady_load "$2" "$1" 10
}

# resource_end RELEASE_MS: waits for the load and the drain, then sets the recovery figures and
# COUNTS (event_counts); RES_* hold the results.
resource_end() {
  local release_ms="$1"
  wait_load
  RES_DRAINED="$(wait_drained)" || true
  sleep 3
  kill "$PROBE_PID" "$WRITER_PID" 2>/dev/null || true
  wait "$PROBE_PID" "$WRITER_PID" 2>/dev/null || true
  PROBE_PID=""; WRITER_PID=""
  COUNTS="$(event_counts)"
  RES_TOTAL="$(q "SELECT count(DISTINCT (run, n)) FROM public.chaos_attempts")"
  RES_HOOK_BACK="$(q "SELECT coalesce(min(done_ms), 0) FROM public.chaos_attempts WHERE status BETWEEN 200 AND 299 AND sent_ms >= $release_ms")"
  RES_HEALTH_BACK="$(first_ok health "$release_ms")"
  RES_WORKER_BACK="$(first_ok worker "$release_ms")"
  RES_WRITE_BACK="$(awk -F '\t' -v a="$release_ms" '$1 >= a && $2 ~ /^2/ { print $1; f = 1; exit } END { if (!f) print 0 }' "$ART/writes.tsv")"
  local last=$RES_HEALTH_BACK
  ((RES_WORKER_BACK > last)) && last=$RES_WORKER_BACK
  RES_LATE_BAD="$(awk -F '\t' -v a="$last" '$1 > a + 10000 && $3 !~ /^2/ { n++ } END { print n + 0 }' "$ART/probes.tsv")"
  RES_LATE_BAD=$((RES_LATE_BAD + $(awk -F '\t' -v a="$RES_WRITE_BACK" '$1 > a + 10000 && $2 !~ /^2/ { n++ } END { print n + 0 }' "$ART/writes.tsv")))
  RES_RESTARTED=0
  kill -0 "$RES_API_PID" 2>/dev/null && kill -0 "$RES_WORKER_PID" 2>/dev/null || RES_RESTARTED=1
}

after() { [[ "$2" != 0 ]] && echo "$(secs "$1" "$2")s" || echo never; }

# The figures and checks both scenarios share once the resource is back.
resource_verdict() {
  local release_ms="$1"
  figure "recovery after release: webhook 2xx / write 2xx" "$(after "$release_ms" "$RES_HOOK_BACK") / $(after "$release_ms" "$RES_WRITE_BACK")"
  figure "recovery: API health / worker health" "$(after "$release_ms" "$RES_HEALTH_BACK") / $(after "$release_ms" "$RES_WORKER_BACK") (probed every 0.5 s)"
  figure "recovery: every event settled" "$(after "$release_ms" "$RES_DRAINED") (includes resending the refused ones)"
  figure "non-2xx answers 10 s after recovery" "$RES_LATE_BAD"
  figure "processes restarted" "$([[ $RES_RESTARTED == 0 ]] && echo 'none (same PIDs)' || echo 'YES')"
  figure "events / accepted / stored / missing" "$RES_TOTAL / $(c accepted) / $(c accepted_stored) / $(c accepted_missing)"
  figure "settled (attempts = 1 / > 1)" "$(c settled) ($(c settled_once) / $(c settled_retried))"
  figure "received / processing / failed" "$(c received) / $(c processing) / $(c failed)"
  figure "outbox left / jobs unfinished / failed" "$(c outbox) / $(c jobs_unfinished) / $(c jobs_failed)"
  check "no 2xx for an event not stored: every accepted event stored and settled" \
    "$(yes_no "[[ $(c accepted_missing) == 0 && $(c settled) -ge $(c accepted) ]]")"
  check "every event accepted in the end (resent like Stripe), nothing left, outbox empty" \
    "$(yes_no "[[ $(c accepted) == $RES_TOTAL && '$(c received)$(c processing)$(c failed)$(c outbox)$(c jobs_unfinished)' == 00000 ]]")"
  check "recovered by itself: webhooks, writes and health back, same processes, steady after" \
    "$(yes_no "((RES_HOOK_BACK > 0 && RES_WRITE_BACK > 0 && RES_HEALTH_BACK > 0 && RES_WORKER_BACK > 0 && RES_LATE_BAD == 0 && RES_RESTARTED == 0))")"
}

scenario_disk_full() {
  PG_TMPFS_SIZE="${CHAOS_PG_TMPFS:-320m}"
  local pre=15 post=45 full_ms release_ms free_kb restarted_pg=0
  resource_start $((pre + OUTAGE + post)) dk
  sleep "$pre"
  # Everything left on the cluster's filesystem goes to a ballast file (dd stops at ENOSPC).
  dd if=/dev/zero of="$WORK/pg/chaos-ballast" bs=1M status=none 2>/dev/null || true
  full_ms="$(now_ms)"
  free_kb="$(df -k --output=avail "$WORK/pg" | tail -1 | tr -d ' ')"
  log "PostgreSQL's filesystem is full ($(du -m "$WORK/pg/chaos-ballast" | cut -f1) MB of ballast, ${free_kb} kB free) for ${OUTAGE}s"
  local pg_down_ms=0
  while (($(now_ms) < full_ms + OUTAGE * 1000)); do
    if ((pg_down_ms == 0)) && ! as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" status >/dev/null 2>&1; then
      pg_down_ms="$(now_ms)"; log "the postmaster is gone ($(secs "$full_ms" "$pg_down_ms")s after the disk filled)"
    fi
    sleep 1
  done
  rm -f "$WORK/pg/chaos-ballast"
  release_ms="$(now_ms)"
  log "ballast removed"
  # A PostgreSQL that stopped (a PANIC on a WAL write) is started again, as its service manager would.
  sleep 5
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" status >/dev/null 2>&1; then
    log "PostgreSQL is not running: starting it (what systemd's Restart= would do)"
    pg_start && restarted_pg=1
  fi
  resource_end "$release_ms"
  local a2 a503 a5 a4 a0 w_ok w_503 w_json w_other sample
  read -r a2 a503 a5 a4 a0 <<<"$(webhooks_between "$full_ms" "$release_ms")"
  read -r w_ok w_503 w_json w_other <<<"$(writes_between "$full_ms" "$release_ms")"
  sample="$(awk -F '\t' -v a="$full_ms" -v b="$release_ms" '$1 >= a && $1 < b && $2 !~ /^2/ { print $2 " " $3; exit }' "$ART/writes.tsv")"
  local hb_n hb_ok hb_503; read -r hb_n hb_ok _ hb_503 _ _ <<<"$(probe_counts health "$full_ms" "$release_ms")"
  local panics; panics="$(grep -c 'PANIC' "$WORK/pglog/postgresql.log" || true)"
  local enospc; enospc="$(grep -c 'No space left on device' "$WORK/pglog/postgresql.log" || true)"
  local amcheck
  psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS amcheck" >/dev/null 2>&1 || true
  amcheck="$(psql -X -qtA -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DB_NAME" -c \
    "SELECT count(*) FROM (SELECT bt_index_check(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.amname = 'btree' AND n.nspname IN ('koomy', 'jobrunr') AND c.relpersistence = 'p') x" 2>&1 | tail -1)"

  figure "filesystem" "tmpfs of $PG_TMPFS_SIZE holding the whole cluster (data and WAL); full for $(secs "$full_ms" "$release_ms")s"
  figure "PostgreSQL while full" "'No space left on device' in its log $enospc times, PANIC $panics; postmaster $([[ $pg_down_ms != 0 ]] && echo "gone $(secs "$full_ms" "$pg_down_ms")s after the disk filled" || echo 'stayed up')"
  figure "restarted by the scenario after release" "$([[ $restarted_pg == 1 ]] && echo 'yes (it had stopped)' || echo 'no (it was running)')"
  figure "while full: webhooks" "2xx $a2, 503 $a503, other 5xx $a5, 4xx $a4, no answer $a0"
  figure "while full: writes (POST news)" "2xx $w_ok, 503 $w_503 (our JSON error: $w_json), other $w_other; e.g. ${sample:-none}"
  figure "while full: health" "2xx $hb_ok, 503 $hb_503 of $hb_n"
  figure "B-tree indexes checked (amcheck) after" "$amcheck"
  check "while full: refusals are 503 (no other 5xx, no 4xx, no timeouts)" "$(yes_no "((a5 + a4 + a0 == 0 && w_other == 0))")"
  check "every refused write is our 503 JSON error" "$(yes_no "((w_json == w_503))")"
  check "no index corruption (amcheck on every B-tree of koomy and jobrunr)" "$(yes_no "[[ '$amcheck' =~ ^[0-9]+$ ]]")"
  resource_verdict "$release_ms"
  verdict disk-full "PostgreSQL's filesystem (a ${PG_TMPFS_SIZE} tmpfs of its own) filled up with a ballast file for ${OUTAGE}s, then emptied, while webhooks arrived at ${RATE}/s (refused ones resent every 10 s), a signed-in write every 2 s, probes every 0.5 s"
}

