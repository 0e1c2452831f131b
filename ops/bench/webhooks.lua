-- wrk script for ops/bench/webhooks: replays pre-signed Stripe events, each exactly once.
--
-- Environment (set by ops/bench/webhooks):
--   BENCH_REQ_DIR   directory with req.1 .. req.T written by SignEvents.java (one per wrk thread)
--   BENCH_PATH      request path, e.g. /api/webhooks/stripe
--
-- wrk has no "N requests then stop", so each thread owns one slice of the events and:
--   * delay() hands out a slot per request while its slice lasts; after that it parks the
--     connection (a delay of an hour) instead of sending anything else;
--   * response() stops the thread once every request of its slice has its answer and leaves a
--     marker file, on which the driver script interrupts wrk (wrk's main thread otherwise sleeps
--     for the whole -d);
--   * latency is measured here, per request, from just before it is written to its response; wrk's
--     own histogram is "corrected" for coordinated omission using the whole -d, which is not the
--     response time of these requests. Requests are matched to responses through X-Request-Id,
--     which the API echoes.
-- done() (wrk's main Lua state, after every thread has ended) prints "BENCH key value" lines.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_REALTIME = 0
local ts = ffi.new("bench_timespec")

-- Wall-clock microseconds: comparable across threads and with PostgreSQL's timestamps.
local function now_us()
  ffi.C.clock_gettime(CLOCK_REALTIME, ts)
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

local PARK_MS = 3600 * 1000

------------------------------------------------------------------------------------------------
-- Main state: thread bookkeeping.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

------------------------------------------------------------------------------------------------
-- Thread states.

-- Globals, not locals: done() reads them from the main state with thread:get().
requests = {}       -- formatted HTTP requests of this thread's slice, in order
index_of = {}       -- event index n of requests[i]
total = 0           -- size of the slice
reserved = 0        -- slots handed out by delay()
issued = 0          -- requests handed to wrk by request()
answered = 0
ok2xx = 0
status_counts = {}
started = {}        -- event index -> start time (µs)
latencies = {}      -- µs, one per matched answer
unmatched = 0       -- answers whose X-Request-Id we did not recognise
extra = 0           -- requests wrk asked for beyond the slice (only after a socket error)
first_us, last_us = 0, 0
finished = false
local req_dir, marker

function init(args)
  req_dir = os.getenv("BENCH_REQ_DIR") or error("BENCH_REQ_DIR is not set")
  local path = os.getenv("BENCH_PATH") or "/api/webhooks/stripe"
  local file = req_dir .. "/req." .. tid
  marker = req_dir .. "/done." .. tid
  for line in io.lines(file) do
    local n, t, v1, body = line:match("^(%d+)\t(%d+)\t(%x+)\t(.*)$")
    if not n then error("malformed line in " .. file) end
    total = total + 1
    index_of[total] = n
    requests[total] = wrk.format("POST", path, {
      ["Content-Type"] = "application/json; charset=utf-8",
      ["User-Agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks) koomy-bench",
      ["Stripe-Signature"] = "t=" .. t .. ",v1=" .. v1,
      ["X-Request-Id"] = "bench." .. n,
    }, body)
  end
end

function delay()
  if reserved < total then
    reserved = reserved + 1
    return 0
  end
  return PARK_MS
end

function request()
  -- wrk calls request() once in the main thread to check the script (thread 1's state, before any
  -- delay()): answer with the first request without counting it.
  if reserved == 0 then
    return requests[1]
  end
  if issued >= total then
    -- Only after a socket error: wrk reconnects and asks again without calling delay(). Resend
    -- the last event (a harmless redelivery) and count it; normally 0.
    extra = extra + 1
    return requests[total]
  end
  issued = issued + 1
  local now = now_us()
  if first_us == 0 then first_us = now end
  started[index_of[issued]] = now
  return requests[issued]
end

function response(status, headers, body)
  local now = now_us()
  answered = answered + 1
  last_us = now
  status_counts[status] = (status_counts[status] or 0) + 1
  if status >= 200 and status < 300 then ok2xx = ok2xx + 1 end
  local id = headers["X-Request-Id"] or headers["x-request-id"]
  local n = id and id:match("^bench%.(%d+)$")
  local start = n and started[n]
  if start then
    latencies[#latencies + 1] = now - start
    started[n] = nil
  else
    unmatched = unmatched + 1
  end
  if not finished and answered >= total then
    finished = true
    local f = io.open(marker, "w")
    if f then f:write(answered, "\n"); f:close() end
    wrk.thread:stop()
  end
end

------------------------------------------------------------------------------------------------
-- Main state, after the run.

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  local k = math.ceil(p / 100 * #sorted)
  if k < 1 then k = 1 end
  return sorted[k]
end

function done(summary, latency, requests_stats)
  local sent, answered_all, ok, extra_all, unmatched_all = 0, 0, 0, 0, 0
  local first, last = math.huge, 0
  local all = {}
  local statuses = {}
  for _, thread in ipairs(threads) do
    sent = sent + (thread:get("issued") or 0)
    answered_all = answered_all + (thread:get("answered") or 0)
    ok = ok + (thread:get("ok2xx") or 0)
    extra_all = extra_all + (thread:get("extra") or 0)
    unmatched_all = unmatched_all + (thread:get("unmatched") or 0)
    local f, l = thread:get("first_us") or 0, thread:get("last_us") or 0
    if f > 0 and f < first then first = f end
    if l > last then last = l end
    for _, v in ipairs(thread:get("latencies") or {}) do all[#all + 1] = v end
    for code, count in pairs(thread:get("status_counts") or {}) do
      statuses[code] = (statuses[code] or 0) + count
    end
  end
  table.sort(all)
  if first == math.huge then first = 0 end
  local codes = {}
  for code, count in pairs(statuses) do codes[#codes + 1] = code .. ":" .. count end
  table.sort(codes)

  local out = {
    sent = sent, answered = answered_all, ok2xx = ok, non2xx = answered_all - ok,
    unanswered = sent - answered_all + extra_all, extra = extra_all, unmatched = unmatched_all,
    first_us = string.format("%.0f", first), last_us = string.format("%.0f", last),
    lat_n = #all,
    p50_us = percentile(all, 50), p90_us = percentile(all, 90), p99_us = percentile(all, 99),
    p999_us = percentile(all, 99.9), max_us = all[#all] or 0,
    statuses = #codes > 0 and table.concat(codes, ",") or "-",
    socket_errors = string.format("connect:%d,read:%d,write:%d,timeout:%d", summary.errors.connect,
      summary.errors.read, summary.errors.write, summary.errors.timeout),
    wrk_p99_us = latency:percentile(99),
  }
  local keys = {}
  for k in pairs(out) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do io.write("BENCH ", k, " ", tostring(out[k]), "\n") end
end
