# ops/chaos-tools/stack-scenarios.sh: the chaos scenarios still written in bash (worker-freeze,
# slow-providers, disk-full), sourced by ops/chaos for them alone. The others are JUnit scenarios
# (@Tag("chaos") in worker/src/test/java/com/koomy/worker/e2e); disk-full stays here because it mounts
# a tmpfs (root only); worker-freeze and slow-providers have not been converted yet.
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
FREEZE="${CHAOS_FREEZE:-90}"
PROVIDER_DELAY="${CHAOS_PROVIDER_DELAY:-30}"
SLOW_PHASE="${CHAOS_SLOW_PHASE:-45}"
FAIL_PHASE="${CHAOS_FAIL_PHASE:-30}"
# The 500 phase is longer: the backoff (3, 9, 27 s after an email's 1st, 2nd, 3rd failure) needs time to show.
ERROR_PHASE="${CHAOS_ERROR_PHASE:-60}"
EXHAUST="${CHAOS_EXHAUST:-45}"

# The provider stubs (one WireMock standalone process: Stripe, SendGrid and OpenAI answer on distinct paths).
STUB_PORT="${CHAOS_STUB_PORT:-61090}"
WIREMOCK_JAR="${CHAOS_WIREMOCK_JAR:-$HOME/.m2/repository/org/wiremock/wiremock-standalone/3.13.2/wiremock-standalone-3.13.2.jar}"
WITH_STUBS=0
MAIL_DELAY_MS=200
# Extra environment of every process of the stack (the stubs' base URLs and keys).
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

# The JobRunr server id of a worker's current job server, from its start line ("BackgroundJobServer
# (host - id) using ..."): only to know which jobs a killed worker held; no verdict reads logs.
server_id_of() {
  grep -oE 'BackgroundJobServer \([^)]* - [0-9a-f-]{36}\) using' "$WORK/$1.log" 2>/dev/null | tail -1 \
    | grep -oE '[0-9a-f-]{36}' || true
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
  for port in "$PG_PORT" "$REDIS_PORT" "$API_PORT" "$((API_PORT + 1))" $( ((WITH_STUBS)) && echo "$STUB_PORT"); do
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
  ((WITH_STUBS)) && stub_start
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
    # A frozen worker (worker-freeze interrupted) must be woken up to hear SIGTERM.
    [[ -n "${PIDS[$name]:-}" ]] && kill -CONT "${PIDS[$name]}" 2>/dev/null
    stop_java "$name"
  done
  [[ -n "${HOG_PID:-}" ]] && { kill "$HOG_PID" 2>/dev/null; wait "$HOG_PID" 2>/dev/null; HOG_PID=""; }
  stub_stop
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
  [[ -n "${WAVE_PID:-}" ]] && kill "$WAVE_PID" 2>/dev/null || true
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
  BENCH_SECRET="$SECRET" java "$ROOT/ops/bench/SignEvents.java" "$FIXTURES" "$run" "$count" 1 "$ART/events-$run" >/dev/null \
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
# Provider stubs: one WireMock standalone process on loopback answering as Stripe (/v1/accounts,
# /v1/account_links, /v1/checkout/sessions, /v1/events), SendGrid (/v3/mail/send) and OpenAI
# (/v1/chat/completions), with bodies shaped like theirs. The stack's base URLs point at it
# (STRIPE_API_BASE, SENDGRID_BASE_URL, OPENAI_BASE_URL) with made-up keys. Its request journal is
# what the provider scenarios count: every request, when it came, what it was answered.

STUB_PID=""

stub_admin() { curl -sf --max-time 10 -X "$1" "http://127.0.0.1:$STUB_PORT/__admin/$2" ${3:+-H 'Content-Type: application/json' -d "$3"}; }

# stub_mapping ID DELAY_MS: the normal answer of mapping ID, after DELAY_MS (the mail answer adds MAIL_DELAY_MS).
stub_mapping() {
  local id="$1" delay="$2" request response
  case "$id" in
    01) request='{"method": "POST", "urlPath": "/v1/accounts"}'
        response='"status": 200, "headers": {"Content-Type": "application/json", "Request-Id": "req_chaos_acct"}, "transformers": ["response-template"],
          "body": "{\"id\":\"acct_chaos{{randomValue length=14 type='"'ALPHANUMERIC'"'}}\",\"object\":\"account\",\"type\":\"express\",\"country\":\"FR\",\"charges_enabled\":false,\"payouts_enabled\":false,\"details_submitted\":false,\"requirements\":{\"currently_due\":[\"external_account\"],\"disabled_reason\":\"requirements.past_due\"}}"' ;;
    02) request='{"method": "POST", "urlPath": "/v1/account_links"}'
        response='"status": 200, "headers": {"Content-Type": "application/json"},
          "jsonBody": {"object": "account_link", "created": 1732400000, "expires_at": 1932400000, "url": "https://connect.stripe.com/setup/e/acct_chaos/onboarding"}' ;;
    03) request='{"method": "POST", "urlPath": "/v1/checkout/sessions"}'
        response='"status": 200, "headers": {"Content-Type": "application/json"}, "transformers": ["response-template"],
          "body": "{\"id\":\"cs_test_{{randomValue length=32 type='"'ALPHANUMERIC'"'}}\",\"object\":\"checkout.session\",\"mode\":\"payment\",\"status\":\"open\",\"payment_status\":\"unpaid\",\"currency\":\"eur\",\"amount_total\":2500,\"livemode\":false,\"url\":\"https://checkout.stripe.com/c/pay/cs_test_{{randomValue length=24 type='"'ALPHANUMERIC'"'}}\"}"' ;;
    04) request='{"method": "GET", "urlPath": "/v1/events"}'
        response='"status": 200, "headers": {"Content-Type": "application/json"}, "jsonBody": {"object": "list", "data": [], "has_more": false, "url": "/v1/events"}' ;;
    05) request='{"method": "POST", "urlPath": "/v3/mail/send"}'
        delay=$((delay + MAIL_DELAY_MS))
        response='"status": 202, "headers": {"X-Message-Id": "chaos-{{randomValue length=22 type='"'ALPHANUMERIC'"'}}"}, "transformers": ["response-template"]' ;;
    06) request='{"method": "POST", "urlPath": "/v1/chat/completions"}'
        response='"status": 200, "headers": {"Content-Type": "application/json", "x-request-id": "req_chaos"},
          "jsonBody": {"id": "chatcmpl-chaos", "object": "chat.completion", "created": 1745829101, "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "## Régate de printemps\n\nRendez-vous samedi au port.", "refusal": null, "annotations": []}, "logprobs": null, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160}, "service_tier": "default", "system_fingerprint": "fp_chaos"}' ;;
  esac
  printf '{"id": "00000000-0000-4000-8000-0000000000%s", "priority": 5, "request": %s, "response": {%s, "fixedDelayMilliseconds": %d}}' \
    "$id" "$request" "$response" "$delay"
}

# stub_fault_mapping ID STATUS: a failure (500 or 429) as each provider sends it, in front of the normal answers.
stub_fault_mapping() {
  local id="$1" status="$2" request response
  case "$id:$status" in
    11:*) request='{"urlPathPattern": "/v1/(?!chat/).*"}' ;;
    12:*) request='{"method": "POST", "urlPath": "/v3/mail/send"}' ;;
    13:*) request='{"method": "POST", "urlPath": "/v1/chat/completions"}' ;;
  esac
  case "$id:$status" in
    11:500) response='"status": 500, "headers": {"Content-Type": "application/json"}, "jsonBody": {"error": {"message": "An unknown error occurred", "type": "api_error"}}' ;;
    11:429) response='"status": 429, "headers": {"Content-Type": "application/json"}, "jsonBody": {"error": {"code": "rate_limit", "message": "Request rate limit exceeded.", "type": "invalid_request_error"}}' ;;
    12:500) response='"status": 500, "headers": {"Content-Type": "application/json"}, "jsonBody": {"errors": [{"field": null, "message": "internal error"}]}' ;;
    # SendGrid says when its limit resets (Unix seconds).
    12:429) response='"status": 429, "headers": {"Content-Type": "application/json", "X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "0",
              "X-RateLimit-Reset": "{{now offset='"'5 seconds'"' format='"'unix'"'}}"}, "transformers": ["response-template"],
              "jsonBody": {"errors": [{"field": null, "message": "too many requests"}]}' ;;
    13:500) response='"status": 500, "headers": {"Content-Type": "application/json"}, "jsonBody": {"error": {"message": "The server had an error while processing your request. Sorry about that!", "type": "server_error", "param": null, "code": null}}' ;;
    13:429) response='"status": 429, "headers": {"Content-Type": "application/json", "retry-after": "20", "x-ratelimit-remaining-requests": "0"},
              "jsonBody": {"error": {"message": "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.", "type": "requests", "param": null, "code": "rate_limit_exceeded"}}' ;;
  esac
  printf '{"id": "00000000-0000-4000-8000-0000000000%s", "priority": 1, "request": %s, "response": {%s}}' "$id" "$request" "$response"
}

stub_start() {
  [[ -f "$WIREMOCK_JAR" ]] || die "WireMock standalone not found at $WIREMOCK_JAR (set CHAOS_WIREMOCK_JAR; mvn dependency:get -Dartifact=org.wiremock:wiremock-standalone:3.13.2)"
  mkdir -p "$WORK/stub/mappings"
  # Delayed answers wait on WireMock's async scheduler, not on a Jetty thread each.
  java -Xms64m -Xmx384m -XX:+UseSerialGC -jar "$WIREMOCK_JAR" --port "$STUB_PORT" --bind-address 127.0.0.1 \
    --root-dir "$WORK/stub" --container-threads 100 --async-response-enabled true --async-response-threads 8 \
    --disable-banner >"$WORK/stub.log" 2>&1 </dev/null &
  STUB_PID=$!
  local deadline=$((SECONDS + 60)) id
  until [[ "$(http_code "http://127.0.0.1:$STUB_PORT/__admin/health")" == 200 ]]; do
    kill -0 "$STUB_PID" 2>/dev/null || die "the stub exited during start (log $WORK/stub.log)"
    ((SECONDS < deadline)) || die "the stub is not up 60 s after its start"
    sleep 0.3
  done
  for id in 01 02 03 04 05 06; do stub_admin POST mappings "$(stub_mapping "$id" 0)" >/dev/null || die "the stub refused mapping $id"; done
  STACK_ENV+=("STRIPE_API_KEY=sk_test_chaos_not_a_secret" "STRIPE_API_BASE=http://127.0.0.1:$STUB_PORT"
              "SENDGRID_API_KEY=SG.chaos-not-a-secret" "SENDGRID_BASE_URL=http://127.0.0.1:$STUB_PORT"
              "OPENAI_API_KEY=sk-chaos-not-a-secret" "OPENAI_BASE_URL=http://127.0.0.1:$STUB_PORT/v1")
  log "provider stubs: WireMock on 127.0.0.1:$STUB_PORT (pid $STUB_PID), mail answered after ${MAIL_DELAY_MS} ms"
}

stub_stop() {
  [[ -n "$STUB_PID" ]] || return 0
  kill "$STUB_PID" 2>/dev/null || true
  wait "$STUB_PID" 2>/dev/null || true
  STUB_PID=""
}

# stub_delay MS: every normal answer comes MS later (the slow phase); 0 puts them back.
stub_delay() {
  local id
  for id in 01 02 03 04 05 06; do
    stub_admin PUT "mappings/00000000-0000-4000-8000-0000000000$id" "$(stub_mapping "$id" "$1")" >/dev/null || die "the stub refused a delay"
  done
}

# stub_fault 500|429|none: every provider answers that failure (none: the normal answers again).
stub_fault() {
  local id
  for id in 11 12 13; do
    stub_admin DELETE "mappings/00000000-0000-4000-8000-0000000000$id" >/dev/null 2>&1 || true
    [[ "$1" == none ]] || stub_admin POST mappings "$(stub_fault_mapping "$id" "$1")" >/dev/null || die "the stub refused fault $1"
  done
}

# The stub's journal as table public.chaos_stub (provider, t_ms, status, key, path, total_ms, reset_s): key
# is SendGrid's custom_args.koomy_key, Stripe's Idempotency-Key header, or the chaos-brief-... marker of an
# OpenAI prompt; total_ms how long the stub took to answer (its delay included); reset_s the
# X-RateLimit-Reset (Unix seconds) of a SendGrid 429.
load_stub_journal() {
  curl -sf --max-time 120 "http://127.0.0.1:$STUB_PORT/__admin/requests" >"$ART/stub-journal.json" || die "cannot read the stub's journal"
  jq -r '.requests[] | (.request.url | split("?")[0]) as $path
      | (if ($path | startswith("/v3/mail")) then "sendgrid" elif ($path | startswith("/v1/chat")) then "openai" else "stripe" end) as $p
      | ((.request.headers // {}) | to_entries | map(select(.key | ascii_downcase == "idempotency-key")) | .[0].value // "") as $idem
      | [$p, .request.loggedDate, (.responseDefinition.status // .response.status // 0),
         (if $p == "sendgrid" then ((.request.body | fromjson? | .custom_args.koomy_key) // "")
          elif $p == "openai" then ([.request.body | capture("(?<k>chaos-brief-[a-z0-9-]+)") | .k][0] // "")
          else ($idem | if type == "array" then .[0] else . end) end),
         .request.method + " " + $path, (.timing.totalTime // 0),
         ((.response.headers // {}) | to_entries | map(select(.key | ascii_downcase == "x-ratelimit-reset")) | .[0].value // ""
          | if type == "array" then .[0] else . end | tostring | if . == "" then "\\N" else . end)] | @tsv' \
    "$ART/stub-journal.json" | sed 's/\\\\N$/\\N/' >"$ART/stub-requests.tsv"
  q "CREATE TABLE public.chaos_stub (provider text, t_ms bigint, status int, key text, path text, total_ms bigint, reset_s bigint)" >/dev/null
  PGPASSWORD="$DB_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" \
    -c "\copy public.chaos_stub FROM '$ART/stub-requests.tsv'"
}

# enqueue_emails PREFIX COUNT TEMPLATE: COUNT single-recipient emails with keys PREFIX:<n> and their
# outbox rows in one transaction, as EmailOutbox.enqueue writes them (ops/bench/email does the same).
enqueue_emails() {
  local prefix="$1" count="$2" template="$3" variables
  case "$template" in
    password_reset) variables="jsonb_build_object('resetUrl', 'https://koomy.test/reset?t=' || g, 'expiresInMinutes', 30)" ;;
    payment_receipt) variables="jsonb_build_object('recipientName', 'Chaos ' || g, 'communityName', 'Chaos Club', 'amount', '25.00',
                       'currency', 'EUR', 'paidAt', '2026-11-24', 'description', 'Cotisation', 'receiptNumber', 'R-CHAOS-' || g)" ;;
    *) die "no variables for template $template" ;;
  esac
  q "WITH stored AS (
       INSERT INTO koomy.emails (id, idempotency_key, template, locale, recipients, variables)
       SELECT gen_random_uuid(), '$prefix:' || g, '$template', 'en',
              jsonb_build_array(jsonb_build_object('email', 'chaos+' || replace('$prefix', ':', '-') || '-' || g || '@example.org', 'name', 'Chaos ' || g)),
              $variables
         FROM generate_series(1, $count) AS g
       RETURNING id)
     INSERT INTO koomy.outbox (kind, ref) SELECT 'email', id::text FROM stored" >/dev/null
}

# Emails whose fate is not decided yet: queued, or sending within a lease (held ones have no lease).
emails_pending() {
  q "SELECT count(*) FROM koomy.emails WHERE status = 'queued' OR (status = 'sending' AND lease_until IS NOT NULL)"
}

# Per-key counts at the SendGrid stub of the emails whose key matches a LIKE pattern, as
# "emails accepted_once accepted_twice_or_more never_accepted requests".
stub_mail_counts() {
  q "WITH k AS (SELECT e.idempotency_key,
                       count(s.*) FILTER (WHERE s.status BETWEEN 200 AND 299) AS ok, count(s.*) AS requests
                  FROM koomy.emails e LEFT JOIN public.chaos_stub s ON s.provider = 'sendgrid' AND s.key = e.idempotency_key
                 WHERE e.idempotency_key LIKE '$1' GROUP BY 1)
     SELECT count(*), count(*) FILTER (WHERE ok = 1), count(*) FILTER (WHERE ok > 1), count(*) FILTER (WHERE ok = 0),
            coalesce(sum(requests), 0) FROM k"
}

# Email rows by status for a LIKE pattern: "sent held queued_or_leased failed".
email_states() {
  q "SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status = 'sending' AND lease_until IS NULL),
            count(*) FILTER (WHERE status = 'queued' OR (status = 'sending' AND lease_until IS NOT NULL)),
            count(*) FILTER (WHERE status = 'failed')
       FROM koomy.emails WHERE idempotency_key LIKE '$1'"
}

# ---------------------------------------------------------------------------------------------
# Scenario 3: a worker frozen (SIGSTOP) for FREEZE s while it holds jobs, then SIGCONT

# Dues as ops/bench/payments sets them up: COMMUNITY_ID's Connect account through the API and the
# Stripe stub (onboarding marked done in SQL, as account.updated would), one tier, N members in SQL
# ($ART/members.txt); sets ACCOUNT_ID and TIER_ID.
setup_dues() {
  local n="$1"
  ACCOUNT_ID="$(api_call POST "/api/communities/$COMMUNITY_ID/stripe/connect" '' "$OWNER_TOKEN" | json_field accountId)"
  [[ "$ACCOUNT_ID" == acct_* ]] || die "could not connect the community to the Stripe stub"
  q "UPDATE koomy.stripe_connect_accounts SET charges_enabled = true, payouts_enabled = true, details_submitted = true
      WHERE community_id = '$COMMUNITY_ID'" >/dev/null
  TIER_ID="$(api_call POST "/api/communities/$COMMUNITY_ID/dues/tiers" \
    '{"name":"Cotisation annuelle","amount":2500,"currency":"eur","period":"yearly"}' "$OWNER_TOKEN" | json_field id)"
  [[ -n "$TIER_ID" ]] || die "could not create a dues tier"
  q "INSERT INTO koomy.community_subscriptions (community_id, plan) VALUES ('$COMMUNITY_ID', 'federation')
     ON CONFLICT (community_id) DO UPDATE SET plan = 'federation'" >/dev/null
  q "WITH a AS (
       INSERT INTO koomy.accounts (id, email, name, locale, password_hash)
       SELECT gen_random_uuid(), 'chaos-member-' || g || '@example.org', 'Chaos Member ' || g, 'en', 'not-a-hash'
         FROM generate_series(1, $n) g
       RETURNING id)
     INSERT INTO koomy.memberships (community_id, account_id, role, status)
     SELECT '$COMMUNITY_ID', id, 'member', 'active' FROM a RETURNING account_id" | grep -E '^[0-9a-f-]{36}$' >"$ART/members.txt"
  [[ "$(wc -l <"$ART/members.txt")" == "$n" ]] || die "seeded $(wc -l <"$ART/members.txt") members instead of $n"
}

# JobRunr jobs of ours (webhook events, email deliveries) not finished yet.
our_jobs_unfinished() {
  q "SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE (jobsignature LIKE '%ApplyStripeEvent%' OR jobsignature LIKE '%SendEmail%')
        AND state IN ('ENQUEUED', 'PROCESSING', 'SCHEDULED', 'AWAITING')"
}

# Waits until events, outbox, emails and our jobs are all settled; prints the epoch ms (0: timeout).
wait_all_settled() {
  local deadline=$((SECONDS + DRAIN_TIMEOUT)) left
  while ((SECONDS < deadline)); do
    left="$(q "SELECT (SELECT count(*) FROM koomy.stripe_events WHERE status IN ('received', 'processing'))
                    + (SELECT count(*) FROM koomy.outbox)
                    + (SELECT count(*) FROM koomy.emails WHERE status = 'queued' OR (status = 'sending' AND lease_until IS NOT NULL))
                    + (SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE (jobsignature LIKE '%ApplyStripeEvent%' OR jobsignature LIKE '%SendEmail%')
                         AND state IN ('ENQUEUED', 'PROCESSING', 'SCHEDULED', 'AWAITING'))" 2>/dev/null || echo '?')"
    if [[ "$left" == 0 ]]; then now_ms; return 0; fi
    sleep 2
  done
  log "not settled after ${DRAIN_TIMEOUT}s ($left left)"
  echo 0
  return 1
}

scenario_worker_freeze() {
  WITH_STUBS=1
  MAIL_DELAY_MS="${CHAOS_FREEZE_MAIL_DELAY_MS:-1000}"
  STACK_ENV+=("SENDGRID_RATE_LIMIT=${CHAOS_FREEZE_MAIL_RATE:-10}")
  stack_up 2
  setup_accounts
  local members="${CHAOS_FREEZE_MEMBERS:-200}" events="${CHAOS_FREEZE_EVENTS:-3000}" rate="${CHAOS_FREEZE_RATE:-50}"
  local resets="${CHAOS_FREEZE_EMAILS:-200}" within="${CHAOS_FREEZE_WAVE:-60}" at="${CHAOS_FREEZE_AT:-20}"
  setup_dues "$members"
  local run="wf$(date +%s)" t0 stop_ms cont_ms victim="" sid="" pick i
  sign "$run" "$events"
  q "CREATE TABLE public.chaos_frozen (job_id text, kind text, ref text, email_status text)" >/dev/null
  t0="$(now_ms)"
  log "webhook burst: $events events at ${rate}/s; dues wave: $members checkouts and their webhooks within ${within}s; $resets password resets queued; two workers"
  send_bg "$run" "$rate" 16
  BENCH_SECRET="$SECRET" KOOMY_REDIS_PREFIX="$REDIS_PREFIX" REDIS_DATABASE=0 java -Xmx256m "$ROOT/ops/bench/PaymentsWave.java" "http://127.0.0.1:$API_PORT" 127.0.0.1 "$REDIS_PORT" \
    "$ART/members.txt" "$COMMUNITY_ID" "$TIER_ID" "$ACCOUNT_ID" "$within" 8 0.1 "${run}p" >"$ART/wave.txt" 2>"$ART/wave.err" &
  WAVE_PID=$!
  enqueue_emails "reset:$run" "$resets" password_reset
  sleep "$at"
  # The victim: the job server holding the most jobs, one with an email delivery in flight if any
  # shows up within 15 s (an email holds its job for the stub's answer, a webhook for milliseconds).
  local deadline=$((SECONDS + 15))
  while :; do
    pick="$(q "SELECT jobasjson::jsonb -> 'jobHistory' -> -1 ->> 'serverId', count(*) FILTER (WHERE jobsignature LIKE '%SendEmail%')
                 FROM jobrunr.jobrunr_jobs WHERE state = 'PROCESSING' GROUP BY 1 ORDER BY 2 DESC, count(*) DESC LIMIT 1")"
    if [[ -n "$pick" ]] && { [[ "${pick#* }" != 0 ]] || ((SECONDS >= deadline)); }; then
      for i in 1 2; do if [[ "$(server_id_of "worker-$i")" == "${pick% *}" ]]; then victim="worker-$i"; fi; done
      [[ -n "$victim" ]] && break
    fi
    ((SECONDS < deadline + 30)) || die "no worker held a job to freeze"
    sleep 0.2
  done
  sid="${pick% *}"
  kill -STOP "${PIDS[$victim]}"
  stop_ms="$(now_ms)"
  # Frozen, it cannot change anything: this is exactly what it holds.
  q "INSERT INTO public.chaos_frozen
       SELECT j.id::text, CASE WHEN j.jobsignature LIKE '%ApplyStripeEvent%' THEN 'webhook' WHEN j.jobsignature LIKE '%SendEmail%' THEN 'email' ELSE 'other' END,
              coalesce(j.jobasjson::jsonb #>> '{jobDetails,jobParameters,0,object,eventId}', j.jobasjson::jsonb #>> '{jobDetails,jobParameters,0,object,emailId}', ''),
              (SELECT e.template || ' ' || e.status || CASE WHEN e.status = 'sending' THEN ' (lease until ' || to_char(e.lease_until, 'HH24:MI:SS') || ')' ELSE '' END
                 FROM koomy.emails e WHERE e.id::text = j.jobasjson::jsonb #>> '{jobDetails,jobParameters,0,object,emailId}')
         FROM jobrunr.jobrunr_jobs j
        WHERE j.state = 'PROCESSING' AND j.jobasjson::jsonb -> 'jobHistory' -> -1 ->> 'serverId' = '$sid'" >/dev/null
  log "SIGSTOP $victim (job server $sid) holding $(q "SELECT string_agg(kind || ' ' || n, ', ') FROM (SELECT kind, count(*) n FROM public.chaos_frozen GROUP BY 1) x"); frozen for ${FREEZE}s"
  # While it is frozen: when the others declare its job server gone (its row leaves JobRunr's table).
  local gone_ms=0
  while (($(now_ms) < stop_ms + FREEZE * 1000)); do
    if ((gone_ms == 0)) && [[ "$(q "SELECT count(*) FROM jobrunr.jobrunr_backgroundjobservers WHERE id::text = '$sid'" 2>/dev/null)" == 0 ]]; then
      gone_ms="$(now_ms)"
      log "its job server was declared gone after $(secs "$stop_ms" "$gone_ms")s"
    fi
    sleep 1
  done
  kill -CONT "${PIDS[$victim]}"
  cont_ms="$(now_ms)"
  log "SIGCONT $victim"
  # What the woken worker does: healthy again? the same JobRunr server or a new one?
  local back_ms=0 code
  while (($(now_ms) < cont_ms + 90000)); do
    code="$(http_code "$(health_url "$victim")")"
    if [[ "$code" == 200 ]]; then back_ms="$(now_ms)"; break; fi
    sleep 1
  done
  wait_sender
  wait "$WAVE_PID" || log "the dues wave exited with an error ($ART/wave.err)"
  WAVE_PID=""
  load_attempts "$run"
  local settled_ms; settled_ms="$(wait_all_settled)" || true
  local alive=1; kill -0 "${PIDS[$victim]}" 2>/dev/null || alive=0
  local sid_after; sid_after="$(server_id_of "$victim")"
  local servers; servers="$(q "SELECT count(*) FROM jobrunr.jobrunr_backgroundjobservers WHERE lastheartbeat > now() - interval '30 seconds'")"
  load_stub_journal

  # The frozen jobs: when another job server started each again, and how they ended.
  q "CREATE VIEW public.chaos_frozen_runs AS
       SELECT f.kind, f.ref, f.email_status, j.state,
              (SELECT min(extract(epoch FROM (h ->> 'createdAt')::timestamptz) * 1000) FROM jsonb_array_elements(j.jobasjson::jsonb -> 'jobHistory') h
                WHERE h ->> 'state' = 'PROCESSING' AND h ->> 'serverId' IS DISTINCT FROM '$sid'
                  AND extract(epoch FROM (h ->> 'createdAt')::timestamptz) * 1000 > $stop_ms) AS rerun_ms,
              (SELECT count(*) FROM jsonb_array_elements(j.jobasjson::jsonb -> 'jobHistory') h WHERE h ->> 'state' = 'PROCESSING') AS runs
         FROM public.chaos_frozen f JOIN jobrunr.jobrunr_jobs j ON j.id::text = f.job_id" >/dev/null
  local f_total f_web f_mail f_other f_done rerun_min rerun_max before_cont after_cont never f_twice
  read -r f_total f_web f_mail f_other f_done rerun_min rerun_max before_cont after_cont never f_twice <<<"$(q "SELECT count(*),
        count(*) FILTER (WHERE kind = 'webhook'), count(*) FILTER (WHERE kind = 'email'), count(*) FILTER (WHERE kind = 'other'),
        count(*) FILTER (WHERE state = 'SUCCEEDED'),
        coalesce(round(min(rerun_ms - $stop_ms) / 1000.0, 1)::text, '-'), coalesce(round(max(rerun_ms - $stop_ms) / 1000.0, 1)::text, '-'),
        count(*) FILTER (WHERE rerun_ms < $cont_ms), count(*) FILTER (WHERE rerun_ms >= $cont_ms), count(*) FILTER (WHERE rerun_ms IS NULL),
        count(*) FILTER (WHERE runs > 1)
      FROM public.chaos_frozen_runs")"
  local frozen_mail; frozen_mail="$(q "SELECT coalesce(string_agg(coalesce(email_status, '?'), '; '), '-') FROM public.chaos_frozen WHERE kind = 'email'")"
  # What became of them: per kind (and template), final state and how often the stub accepted each email.
  local frozen_after; frozen_after="$(q "SELECT coalesce(string_agg(format('%s: %s', what, cnt), '; '), '-') FROM (
        SELECT what, count(*) AS cnt FROM (
          SELECT coalesce(e.template, f.kind) || ' ' || coalesce(e.status || CASE WHEN e.status = 'sending' AND e.lease_until IS NULL THEN ' (held for an operator)' ELSE '' END, s.status)
                   || CASE WHEN e.id IS NULL THEN '' ELSE ', accepted by SendGrid ' || (SELECT count(*) FROM public.chaos_stub st
                        WHERE st.provider = 'sendgrid' AND st.key = e.idempotency_key AND st.status BETWEEN 200 AND 299) || 'x' END AS what
            FROM public.chaos_frozen f LEFT JOIN koomy.emails e ON e.id::text = f.ref LEFT JOIN koomy.stripe_events s ON s.event_id = f.ref) y
         GROUP BY what) x")"

  # Webhooks: the burst (the sender's record) and every event (burst and dues).
  local b_acc b_missing ev_total ev_settled ev_once ev_left ev_failed
  read -r b_acc b_missing <<<"$(q "SELECT count(*), count(*) FILTER (WHERE e.event_id IS NULL)
                                  FROM public.chaos_accepted a LEFT JOIN koomy.stripe_events e USING (event_id)")"
  read -r ev_total ev_settled ev_once ev_left ev_failed <<<"$(q "SELECT count(*), count(*) FILTER (WHERE status IN ('processed', 'ignored', 'refused')),
        count(*) FILTER (WHERE status IN ('processed', 'ignored', 'refused') AND attempts = 1),
        count(*) FILTER (WHERE status IN ('received', 'processing')), count(*) FILTER (WHERE status = 'failed')
      FROM koomy.stripe_events WHERE event_id LIKE 'evt_bench_%'")"
  # Dues: one payment per paid checkout, one extension and one receipt per payment.
  local checkouts_ok hooks_sent hooks_ok pays pis exts receipts
  checkouts_ok="$(awk '$1 == "checkouts_ok" { print $2 }' "$ART/wave.txt")"
  hooks_sent="$(awk '$1 == "webhooks_sent" { print $2 }' "$ART/wave.txt")"
  hooks_ok="$(awk '$1 == "webhooks_accepted" { print $2 }' "$ART/wave.txt")"
  read -r pays pis exts receipts <<<"$(q "SELECT count(*), count(DISTINCT payment_intent_id),
        (SELECT count(*) FROM koomy.dues_extensions x JOIN koomy.payments p ON p.id = x.payment_id WHERE p.community_id = '$COMMUNITY_ID'),
        (SELECT count(*) FROM koomy.emails WHERE idempotency_key LIKE 'receipt:%')
      FROM koomy.payments WHERE community_id = '$COMMUNITY_ID' AND status = 'succeeded'")"
  # Emails at the SendGrid stub, per idempotency key.
  local r_n r_once r_twice r_never r_req p_n p_once p_twice p_never p_req rs_sent rs_held rs_pending rs_failed ps_sent ps_held ps_pending ps_failed
  read -r r_n r_once r_twice r_never r_req <<<"$(stub_mail_counts 'receipt:%')"
  read -r p_n p_once p_twice p_never p_req <<<"$(stub_mail_counts "reset:$run:%")"
  read -r rs_sent rs_held rs_pending rs_failed <<<"$(email_states 'receipt:%')"
  read -r ps_sent ps_held ps_pending ps_failed <<<"$(email_states "reset:$run:%")"
  local outbox unfinished run_twice
  outbox="$(q "SELECT count(*) FROM koomy.outbox")"
  unfinished="$(our_jobs_unfinished)"
  run_twice="$(q "SELECT count(*) FROM jobrunr.jobrunr_jobs WHERE (SELECT count(*) FROM jsonb_array_elements(jobasjson::jsonb -> 'jobHistory') h WHERE h ->> 'state' = 'PROCESSING') > 1")"

  figure "load" "$events webhooks at ${rate}/s, $checkouts_ok/$members dues checkouts (their $hooks_sent webhooks: $hooks_ok 2xx), $resets password resets"
  figure "frozen worker" "$victim, SIGSTOP $(secs "$t0" "$stop_ms")s into the load, SIGCONT $(secs "$stop_ms" "$cont_ms")s later"
  figure "jobs it held (PROCESSING)" "$f_total: $f_web webhook, $f_mail email, $f_other other; emails then: $frozen_mail"
  figure "its job server declared gone" "$([[ $gone_ms != 0 ]] && echo "$(secs "$stop_ms" "$gone_ms")s after SIGSTOP" || echo 'not while frozen')"
  figure "frozen jobs re-run by the other worker" "after ${rerun_min}s to ${rerun_max}s; $before_cont before SIGCONT, $after_cont after, $never never re-run"
  figure "frozen jobs run more than once / SUCCEEDED" "$f_twice / $f_done of $f_total"
  figure "frozen jobs' effects in the end" "$frozen_after"
  figure "woken worker" "$([[ $alive == 1 ]] && echo 'same process' || echo 'EXITED'), healthy $([[ $back_ms != 0 ]] && echo "$(secs "$cont_ms" "$back_ms")s after SIGCONT" || echo 'not within 90 s'); JobRunr server $([[ "$sid_after" == "$sid" ]] && echo 'same id' || echo "new id ${sid_after:-?}"); live job servers at the end: $servers"
  figure "burst accepted / missing in DB" "$b_acc / $b_missing"
  figure "all events: settled (attempts = 1) / left / failed" "$ev_settled ($ev_once) of $ev_total / $ev_left / $ev_failed"
  figure "payments / distinct intents / extensions" "$pays / $pis / $exts (paid checkouts: $checkouts_ok)"
  figure "receipts: emails / sent / held / pending / failed" "$receipts / $rs_sent / $rs_held / $rs_pending / $rs_failed"
  figure "receipts at the stub: once / twice+ / never" "$r_once / $r_twice / $r_never ($r_req requests)"
  figure "resets (may be resent): sent / held / pending" "$ps_sent / $ps_held / $ps_pending; at the stub once $p_once, twice+ $p_twice, never $p_never ($p_req requests)"
  figure "outbox left / unfinished jobs" "$outbox / $unfinished"
  figure "JobRunr jobs run more than once (all)" "$run_twice"
  figure "load start to all settled" "$([[ $settled_ms != 0 ]] && secs "$t0" "$settled_ms" || echo 'not settled')s"

  check "the freeze caught jobs in flight, and every one finished" "$(yes_no "((f_total > 0 && f_done == f_total))")"
  check "every burst webhook accepted and stored" "$(yes_no "[[ $b_acc == $events && $b_missing == 0 ]]")"
  check "every event settled exactly once (attempts = 1), none left or failed" \
    "$(yes_no "[[ $ev_settled == $ev_total && $ev_once == $ev_total && $ev_left == 0 && $ev_failed == 0 ]]")"
  check "one payment per paid checkout, one dues extension and one receipt per payment" \
    "$(yes_no "[[ $pays == $checkouts_ok && $pis == $pays && $exts == $pays && $receipts == $pays && $pays -gt 0 ]]")"
  check "no receipt accepted twice by SendGrid; every sent one accepted once" \
    "$(yes_no "[[ $r_twice == 0 && $r_once -ge $rs_sent && $rs_pending == 0 ]]")"
  check "nothing left: outbox empty, no unfinished job, no email pending" \
    "$(yes_no "[[ $outbox == 0 && $unfinished == 0 && $rs_pending == 0 && $ps_pending == 0 ]]")"
  check "the frozen worker came back by itself (same process, healthy)" "$(yes_no "((alive == 1 && back_ms > 0))")"
  verdict worker-freeze "$victim SIGSTOPped for ${FREEZE}s (then SIGCONT) while holding $f_total jobs, during a webhook burst, a dues wave (payments, receipts) and a batch of password resets; SendGrid stub answering after ${MAIL_DELAY_MS} ms, two workers"
}

# ---------------------------------------------------------------------------------------------
# Scenario 6: the providers slow (answers after PROVIDER_DELAY s), then failing (500, then 429)

# Percentiles of a probe's latency in a window: "n p50_ms p99_ms non2xx".
probe_pct() {
  awk -F '\t' -v p="$1" -v a="$2" -v b="$3" '
    $2 == p && $1 >= a && $1 < b { n++; t[n] = $4 * 1000; if ($3 !~ /^2/) bad++ }
    END { if (!n) { print "0 0 0 0"; exit } asort(t); i50 = int(0.50 * n + 0.999); i99 = int(0.99 * n + 0.999);
          printf "%d %.1f %.1f %d\n", n, t[i50 < 1 ? 1 : i50], t[i99 < 1 ? 1 : i99], bad + 0 }' "$ART/probes.tsv"
}

http_code_post() { curl -s -o /dev/null -w '%{http_code}' --max-time 150 -X POST -H "Authorization: Bearer $2" "$1" || true; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# One phase's provider traffic: emails (a receipt and a password reset per n), AI drafts, and one
# community connected to Stripe through the API (in the background: it may take minutes).
provider_traffic() {
  local phase="$1" n="$2" drafts="$3" i cid body
  enqueue_emails "receipt:$phase" "$n" payment_receipt
  enqueue_emails "reset:$phase" "$n" password_reset
  for ((i = 1; i <= drafts; i++)); do
    body="$(api_call POST "/api/communities/$COMMUNITY_ID/news/drafts" \
      "{\"brief\":\"chaos-brief-$phase-$i: a short note about the spring regatta\",\"language\":\"en\"}" "$OWNER_TOKEN")"
    printf '%s\t%s\t%s\n' "$phase" "chaos-brief-$phase-$i" "$(json_field draftId <<<"$body")" >>"$ART/drafts.tsv"
  done
  cid="$(api_call POST /api/communities "{\"name\":\"Chaos $phase\",\"visibility\":\"public\"}" "$OWNER_TOKEN" | json_field id)"
  (
    trap - EXIT INT TERM
    local s code; s="$(now_ms)"
    code="$(curl -s -o "$ART/connect-$phase.json" -w '%{http_code}' --max-time 300 -X POST \
              -H "Authorization: Bearer $OWNER_TOKEN" "http://127.0.0.1:$API_PORT/api/communities/$cid/stripe/connect" || echo 0)"
    printf '%s\t%s\t%s\t%s\t%s\n' "$phase" "$cid" "$code" "$s" "$(now_ms)" >>"$ART/connect.tsv"
  ) &
  CONNECT_PIDS+=($!)
}

scenario_slow_providers() {
  WITH_STUBS=1
  MAIL_DELAY_MS=200
  stack_up 1
  setup_accounts
  local page="http://127.0.0.1:$API_PORT/api/communities/$COMMUNITY_ID" base="${CHAOS_BASELINE:-30}" per="${CHAOS_PROVIDER_EMAILS:-20}"
  local t_base t_slow t_500 t_429 t_ok t_end
  CONNECT_PIDS=()
  : >"$ART/drafts.tsv"; : >"$ART/connect.tsv"
  for _ in 1 2 3; do curl -s -o /dev/null "$page"; done
  probe_loop 0.2 "page=$page" "health=http://127.0.0.1:$API_PORT/api/health" &
  PROBE_PID=$!
  # The first requests of a fresh JVM are slow (class loading, JIT): 15 s of warm-up are not measured.
  log "warm-up 15 s, then baseline ${base}s with the providers answering normally"
  provider_traffic ok "$per" 2
  sleep 15
  t_base="$(now_ms)"
  sleep "$base"
  t_slow="$(now_ms)"
  stub_delay $((PROVIDER_DELAY * 1000))
  log "providers slow: every answer after ${PROVIDER_DELAY}s, for ${SLOW_PHASE}s"
  provider_traffic slow "$per" 3
  sleep "$SLOW_PHASE"
  t_500="$(now_ms)"
  stub_delay 0
  stub_fault 500
  log "providers failing: 500 for ${ERROR_PHASE}s"
  provider_traffic f500 "$per" 3
  sleep "$ERROR_PHASE"
  t_429="$(now_ms)"
  stub_fault 429
  log "providers failing: 429 for ${FAIL_PHASE}s"
  provider_traffic f429 "$per" 3
  sleep "$FAIL_PHASE"
  t_ok="$(now_ms)"
  stub_fault none
  log "providers answer normally again; waiting for every email, draft and Stripe call to settle"
  local deadline=$((SECONDS + DRAIN_TIMEOUT)) pending drafts_left
  while ((SECONDS < deadline)); do
    pending="$(emails_pending)"
    drafts_left="$(q "SELECT count(*) FROM koomy.content_drafts WHERE status IN ('queued', 'running')")"
    [[ "$pending$drafts_left" == 00 ]] && break
    sleep 2
  done
  local settled_ms; settled_ms="$(now_ms)"
  for p in "${CONNECT_PIDS[@]}"; do wait "$p" || true; done
  # The owner tries again once Stripe answers: the same idempotency key, one account per community.
  local again_bad=0 cid
  while read -r _ cid _; do
    [[ "$(http_code_post "http://127.0.0.1:$API_PORT/api/communities/$cid/stripe/connect" "$OWNER_TOKEN")" == 200 ]] || again_bad=$((again_bad + 1))
  done <"$ART/connect.tsv"
  sleep 2
  t_end="$(now_ms)"
  kill "$PROBE_PID" 2>/dev/null || true
  wait "$PROBE_PID" 2>/dev/null || true
  PROBE_PID=""
  load_stub_journal
  q "CREATE TABLE public.chaos_phases (phase text, from_ms bigint, to_ms bigint)" >/dev/null
  q "INSERT INTO public.chaos_phases VALUES ('baseline', $t_base, $t_slow), ('slow', $t_slow, $t_500), ('500', $t_500, $t_429),
       ('429', $t_429, $t_ok), ('after', $t_ok, $t_end + 1)" >/dev/null

  # Latency of unrelated routes: before the faults, and while the providers were slow or failing.
  read -r pb_n pb_50 pb_99 pb_bad <<<"$(probe_pct page "$t_base" "$t_slow")"
  read -r pd_n pd_50 pd_99 pd_bad <<<"$(probe_pct page "$t_slow" "$t_ok")"
  read -r hb_n hb_50 hb_99 hb_bad <<<"$(probe_pct health "$t_base" "$t_slow")"
  read -r hd_n hd_50 hd_99 hd_bad <<<"$(probe_pct health "$t_slow" "$t_ok")"
  # Requests at the stubs per phase and provider: "provider phase: requests (status:count ...)".
  local per_phase
  per_phase="$(q "SELECT string_agg(line, E'\n' ORDER BY provider, ord) FROM (
      SELECT s.provider, p.from_ms AS ord, format('%-8s %-8s %4s requests (%s)', s.provider, p.phase, count(*),
             string_agg(DISTINCT s.status::text, ' ')) AS line
        FROM public.chaos_stub s JOIN public.chaos_phases p ON s.t_ms >= p.from_ms AND s.t_ms < p.to_ms
       GROUP BY s.provider, p.phase, p.from_ms) x")"
  # Backoff: only the gaps that follow a failed answer measure a retry's wait. After the n-th 500 of an
  # email the worker counts n failures on its row and tries no earlier than 3^n s later, whichever job
  # picks it up; after a 429 it waits for SendGrid's X-RateLimit-Reset. So each gap is classed by the
  # answer before it: the email's n-th 500 (n counted over all its requests), or a 429.
  q "CREATE TABLE public.chaos_mail_gaps AS
       SELECT * FROM (SELECT key, t_ms, status, reset_s, lead(t_ms) OVER w - t_ms AS gap,
                             CASE WHEN status = 500 THEN count(*) FILTER (WHERE status = 500) OVER w END AS nth_500
                        FROM public.chaos_stub WHERE provider = 'sendgrid' AND key <> ''
                      WINDOW w AS (PARTITION BY key ORDER BY t_ms)) r
        WHERE gap IS NOT NULL AND status IN (500, 429)" >/dev/null
  local mail_gaps
  mail_gaps="$(q "SELECT coalesce(string_agg(format('after its 500 no. %s: %s s median, %s-%s s (%s)', n,
                         round((med / 1000.0)::numeric, 1), round((lo / 1000.0)::numeric, 1), round((hi / 1000.0)::numeric, 1), c), '; ' ORDER BY n), '-')
                    FROM (SELECT nth_500 n, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) med, min(gap) lo, max(gap) hi, count(*) c
                            FROM public.chaos_mail_gaps WHERE status = 500 GROUP BY 1) x")"
  # A retry earlier than 3^n s after the n-th 500 (0.5 s allowed for clocks) skipped the backoff. The
  # medians are no test: with 120 emails sharing 5 requests/s, waiting for a rate-limit token (about
  # 25 s each here) outweighs the first waits (3 s, 9 s); the bound is what the worker promises.
  local g500_n3 g500_short
  read -r g500_n3 g500_short <<<"$(q "SELECT count(*) FILTER (WHERE nth_500 >= 3), count(*) FILTER (WHERE gap < 1000 * power(3, nth_500) - 500)
      FROM public.chaos_mail_gaps WHERE status = 500")"
  local g429_n g429_early g429_min g429_med
  read -r g429_n g429_early g429_min g429_med <<<"$(q "SELECT count(*), count(*) FILTER (WHERE t_ms + gap < reset_s * 1000 - 500),
        coalesce(min(t_ms + gap - reset_s * 1000), 0), coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY gap), 0)::bigint
      FROM public.chaos_mail_gaps WHERE status = 429 AND reset_s IS NOT NULL")"
  # How many SendGrid calls were waiting for an answer at once (each holds a job thread that long).
  local mail_inflight
  mail_inflight="$(q "SELECT coalesce(max(n), 0) FROM (SELECT sum(d) OVER (ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS n FROM (
        SELECT t_ms AS t, 1 AS d FROM public.chaos_stub WHERE provider = 'sendgrid'
        UNION ALL SELECT t_ms + total_ms, -1 FROM public.chaos_stub WHERE provider = 'sendgrid') e) x")"
  local stripe_gaps stripe_keys
  stripe_gaps="$(q "WITH r AS (SELECT key, t_ms - lag(t_ms) OVER (PARTITION BY key ORDER BY t_ms) AS gap,
                                    row_number() OVER (PARTITION BY key ORDER BY t_ms) AS n
                               FROM public.chaos_stub WHERE provider = 'stripe' AND path = 'POST /v1/accounts' AND key LIKE 'connect-account:%')
                    SELECT coalesce(string_agg(format('%s: %s s', n - 1, round((med / 1000.0)::numeric, 1)), ', ' ORDER BY n), '-')
                      FROM (SELECT n, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS med FROM r WHERE gap IS NOT NULL GROUP BY n) x")"
  # Stripe: every account creation of a community under one idempotency key, one account each.
  read -r stripe_keys <<<"$(q "SELECT count(*) FILTER (WHERE keys <> 1) FROM (
      SELECT c.community_id, count(DISTINCT s.key) keys FROM koomy.stripe_connect_accounts c
        LEFT JOIN public.chaos_stub s ON s.provider = 'stripe' AND s.path = 'POST /v1/accounts' AND s.key = 'connect-account:' || c.community_id
       GROUP BY 1) x")"
  local unkeyed; unkeyed="$(q "SELECT count(*) FROM public.chaos_stub WHERE provider = 'stripe' AND path LIKE 'POST %' AND key = ''")"
  local connects; connects="$(awk -F '\t' '{ printf "%s%s %s in %.1f s", sep, $1, $3, ($5 - $4) / 1000; sep = "; " }' "$ART/connect.tsv")"
  local accounts; accounts="$(q "SELECT count(*) FROM koomy.stripe_connect_accounts")"
  local communities; communities="$(($(wc -l <"$ART/connect.tsv") + 0))"
  # Emails: per phase, what the stub accepted per key and what the database says.
  local mail_lines="" ph r_n r_once r_twice r_never r_req s_sent s_held s_pending s_failed p_n p_once p_twice p_never p_req
  local r_twice_all=0 p_twice_all=0 pending_all=0 unaccepted_sent=0
  for ph in ok slow f500 f429; do
    read -r r_n r_once r_twice r_never r_req <<<"$(stub_mail_counts "receipt:$ph:%")"
    read -r s_sent s_held s_pending s_failed <<<"$(email_states "receipt:$ph:%")"
    read -r p_n p_once p_twice p_never p_req <<<"$(stub_mail_counts "reset:$ph:%")"
    read -r ps_sent ps_held ps_pending ps_failed <<<"$(email_states "reset:$ph:%")"
    mail_lines+="$(printf '%-5s receipts %s: sent %s, held %s, failed %s; at the stub accepted once %s, twice+ %s, never %s (%s requests) | resets: sent %s, held %s; twice+ %s (%s requests)' \
      "$ph" "$r_n" "$s_sent" "$s_held" "$s_failed" "$r_once" "$r_twice" "$r_never" "$r_req" "$ps_sent" "$ps_held" "$p_twice" "$p_req")"$'\n'
    r_twice_all=$((r_twice_all + r_twice)); p_twice_all=$((p_twice_all + p_twice)); pending_all=$((pending_all + s_pending + ps_pending))
    # An email marked sent must have been accepted by the stub.
    unaccepted_sent=$((unaccepted_sent + $(q "SELECT count(*) FROM koomy.emails e WHERE e.idempotency_key ~ '^(receipt|reset):$ph:' AND e.status = 'sent'
        AND NOT EXISTS (SELECT 1 FROM public.chaos_stub s WHERE s.provider = 'sendgrid' AND s.key = e.idempotency_key AND s.status BETWEEN 200 AND 299)")))
  done
  # AI drafts: requests per draft at the stub, successful answers, final state.
  q "CREATE TABLE public.chaos_drafts (phase text, marker text, draft_id text)" >/dev/null
  PGPASSWORD="$DB_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" \
    -c "\copy public.chaos_drafts FROM '$ART/drafts.tsv'"
  local draft_lines drafts_twice drafts_open drafts_over
  draft_lines="$(q "SELECT string_agg(format('%-5s %s drafts: %s done, %s failed; %s requests at the stub (%s answered 200), attempts %s',
                        phase, n, done, failed, req, ok, attempts), E'\n' ORDER BY ord)
                   FROM (SELECT d.phase, min(p.from_ms) ord, count(DISTINCT d.marker) n,
                                count(DISTINCT d.marker) FILTER (WHERE c.status = 'done') done, count(DISTINCT d.marker) FILTER (WHERE c.status = 'failed') failed,
                                count(s.*) req, count(s.*) FILTER (WHERE s.status = 200) ok,
                                string_agg(DISTINCT c.attempts::text, '/') attempts
                           FROM public.chaos_drafts d LEFT JOIN koomy.content_drafts c ON c.id::text = d.draft_id
                           LEFT JOIN public.chaos_stub s ON s.provider = 'openai' AND s.key = d.marker
                           LEFT JOIN public.chaos_phases p ON p.phase = CASE d.phase WHEN 'ok' THEN 'baseline' WHEN 'f500' THEN '500' WHEN 'f429' THEN '429' ELSE d.phase END
                          GROUP BY d.phase) x")"
  read -r drafts_twice drafts_open drafts_over <<<"$(q "SELECT count(*) FILTER (WHERE ok > 1), count(*) FILTER (WHERE status NOT IN ('done', 'failed')),
        count(*) FILTER (WHERE req > $(( ${CHAOS_OPENAI_MAX_RETRIES:-3} + 1 )))
      FROM (SELECT d.marker, coalesce(c.status, 'not created') status, count(s.*) req, count(s.*) FILTER (WHERE s.status = 200) ok
              FROM public.chaos_drafts d LEFT JOIN koomy.content_drafts c ON c.id::text = d.draft_id
              LEFT JOIN public.chaos_stub s ON s.provider = 'openai' AND s.key = d.marker GROUP BY 1, 2) x")"

  figure "phases" "baseline $(secs "$t_base" "$t_slow")s, slow $(secs "$t_slow" "$t_500")s (answers after ${PROVIDER_DELAY}s), 500 $(secs "$t_500" "$t_429")s, 429 $(secs "$t_429" "$t_ok")s, then normal; settled $(secs "$t_ok" "$settled_ms")s after"
  figure "GET community page p50 / p99" "before $pb_50 / $pb_99 ms ($pb_n); during $pd_50 / $pd_99 ms ($pd_n); p50 x$(ratio "$pd_50" "$pb_50"), p99 x$(ratio "$pd_99" "$pb_99"); non-2xx during: $pd_bad"
  figure "GET /api/health p50 / p99" "before $hb_50 / $hb_99 ms ($hb_n); during $hd_50 / $hd_99 ms ($hd_n); p50 x$(ratio "$hd_50" "$hb_50"), p99 x$(ratio "$hd_99" "$hb_99"); non-2xx during: $hd_bad"
  figure "requests at the stubs per phase" $'\n'"$per_phase"
  figure "SendGrid gaps after a 500" "$mail_gaps; shorter than 3^n s: $g500_short"
  figure "SendGrid gaps after a 429" "$g429_n retries: median $(secs 0 "$g429_med") s; earliest $(secs 0 "$g429_min") s from the X-RateLimit-Reset given; before it: $g429_early"
  figure "SendGrid calls in flight at once" "at most $mail_inflight (each holds a job thread until answered; job threads per worker: ${CHAOS_JOB_THREADS:-8})"
  figure "emails per phase" $'\n'"${mail_lines%$'\n'}"
  figure "AI drafts per phase" $'\n'"$draft_lines"
  figure "Stripe connect calls through the API" "$connects; retried once Stripe answered: $((communities - again_bad))/$communities 200"
  figure "Stripe POST /v1/accounts retry gaps (median)" "$stripe_gaps; communities with more than one idempotency key: $stripe_keys; POSTs without a key: $unkeyed; accounts stored: $accounts for $communities communities"

  check "unrelated routes: p50 within 2x of the baseline (or +10 ms), every answer 2xx" \
    "$(yes_no "awk -v a=$pd_50 -v b=$pb_50 -v c=$hd_50 -v d=$hb_50 'BEGIN { exit !((a <= 2 * b || a <= b + 10) && (c <= 2 * d || c <= d + 10)) }' && ((pd_bad == 0 && hd_bad == 0 && pd_n > 0 && hd_n > 0))")"
  check "SendGrid 500s: each retried no earlier than 3^n s (3, 9, 27 s...) after the email's n-th 500, some up to a 3rd" \
    "$(yes_no "((g500_n3 > 0 && g500_short == 0))")"
  check "SendGrid 429s: retried, none before the X-RateLimit-Reset SendGrid gave" "$(yes_no "((g429_n > 0 && g429_early == 0))")"
  check "no email (receipt or password reset) accepted twice by SendGrid, every sent one accepted, none pending" \
    "$(yes_no "((r_twice_all == 0 && p_twice_all == 0 && unaccepted_sent == 0 && pending_all == 0))")"
  check "AI drafts: no draft answered twice, each settled, at most maxRetries + 1 calls" \
    "$(yes_no "((drafts_twice == 0 && drafts_open == 0 && drafts_over == 0))")"
  check "Stripe: one idempotency key per account creation, every POST keyed, one account per community once Stripe answers" \
    "$(yes_no "((stripe_keys == 0 && unkeyed == 0 && again_bad == 0 && accounts == communities))")"
  verdict slow-providers "the SendGrid, OpenAI and Stripe stubs answered every request after ${PROVIDER_DELAY}s for ${SLOW_PHASE}s, then 500 for ${ERROR_PHASE}s, then 429 for ${FAIL_PHASE}s, while emails (receipts, password resets), AI drafts and Stripe Connect calls were made in each phase and a prober asked a public page and /api/health every 0.2 s"
}

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

