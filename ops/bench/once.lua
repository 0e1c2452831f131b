-- The "each request exactly once" machinery shared by the wrk scripts of ops/bench (webhooks.lua,
-- checkin.lua), loaded by them with dofile() into each of wrk's Lua states.
--
-- wrk has no "N requests then stop", so each thread owns one slice of the requests and:
--   * delay() hands out a slot per request while its slice lasts; after that it parks the
--     connection (a delay of an hour) instead of sending anything else;
--   * response() stops the thread once every request of its slice has its answer and leaves a
--     marker file (the global `marker`, set by the script's init()), on which the driver script
--     interrupts wrk (wrk's main thread otherwise sleeps for the whole -d);
--   * latency is measured here, per request, from just before it is written to its response; wrk's
--     own histogram is "corrected" for coordinated omission using the whole -d, which is not the
--     response time of these requests. Requests are matched to responses through X-Request-Id,
--     which the API echoes.
-- A script's init() fills `requests` and `index_of` (and `total`); it may define on_answer(status, body),
-- called for every answer, and call report(summary, latency, more) from done(): "BENCH key value" lines.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_REALTIME = 0
local ts = ffi.new("bench_timespec")

-- Wall-clock microseconds: comparable across threads and with PostgreSQL's timestamps.
function now_us()
  ffi.C.clock_gettime(CLOCK_REALTIME, ts)
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

local PARK_MS = 3600 * 1000

------------------------------------------------------------------------------------------------
-- Main state: thread bookkeeping.

threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

------------------------------------------------------------------------------------------------
-- Thread states.

-- Globals, not locals: report() reads them from the main state with thread:get().
requests = {}       -- formatted HTTP requests of this thread's slice, in order
index_of = {}       -- request index n of requests[i]
total = 0           -- size of the slice
reserved = 0        -- slots handed out by delay()
issued = 0          -- requests handed to wrk by request()
answered = 0
ok2xx = 0
status_counts = {}
started = {}        -- request index -> start time (µs)
latencies = {}      -- µs, one per matched answer
unmatched = 0       -- answers whose X-Request-Id we did not recognise
extra = 0           -- requests wrk asked for beyond the slice (only after a socket error)
first_us, last_us = 0, 0
finished = false
marker = nil        -- the file response() writes once the slice is answered

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
    -- the last request (a harmless redelivery) and count it; normally 0.
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
  if on_answer then on_answer(status, body) end
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

-- "a:1,b:2" of a table of counts, sorted; "-" when empty.
function joined(counts)
  local parts = {}
  for key, count in pairs(counts) do parts[#parts + 1] = key .. ":" .. count end
  table.sort(parts)
  return #parts > 0 and table.concat(parts, ",") or "-"
end

-- Prints the run's figures summed over the threads, plus what more(out) adds to them.
function report(summary, latency, more)
  local sent, answered_all, ok, extra_all, unmatched_all = 0, 0, 0, 0, 0
  local first, last = math.huge, 0
  local all, statuses = {}, {}
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
    for code, count in pairs(thread:get("status_counts") or {}) do statuses[code] = (statuses[code] or 0) + count end
  end
  table.sort(all)
  if first == math.huge then first = 0 end
  local out = {
    sent = sent, answered = answered_all, ok2xx = ok, non2xx = answered_all - ok,
    unanswered = sent - answered_all + extra_all, extra = extra_all, unmatched = unmatched_all,
    first_us = string.format("%.0f", first), last_us = string.format("%.0f", last),
    lat_n = #all, p50_us = percentile(all, 50), p90_us = percentile(all, 90), p99_us = percentile(all, 99),
    p999_us = percentile(all, 99.9), max_us = all[#all] or 0,
    statuses = joined(statuses),
  }
  if more then more(out) end
  local keys = {}
  for k in pairs(out) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do io.write("BENCH ", k, " ", tostring(out[k]), "\n") end
end
