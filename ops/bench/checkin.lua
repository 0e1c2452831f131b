-- wrk script for ops/bench/checkin: replays pre-signed ticket scans, each exactly once.
--
-- Environment (set by ops/bench/checkin):
--   BENCH_REQ_DIR     directory with req.1 .. req.T written by SignTickets.java (one per wrk thread)
--   BENCH_PATH        /api/events/<id>/checkins
--   BENCH_TOKEN       the scanner's session token
--   BENCH_SCAN_PREFIX replaces "@@" in every scan id: one signed plan serves several rounds
--
-- The same "each request exactly once" machinery as webhooks.lua: delay() hands out one slot per
-- request of the thread's slice and then parks the connection; response() stops the thread when its
-- slice is answered and leaves a marker file for the driver. Latency is measured here per request
-- (X-Request-Id, echoed by the API). Each answer's "result" is counted.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(0, ts)
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

local PARK_MS = 3600 * 1000
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

requests = {}
index_of = {}
total = 0
reserved = 0
issued = 0
answered = 0
ok2xx = 0
status_counts = {}
result_counts = {}
started = {}
latencies = {}
unmatched = 0
extra = 0
first_us, last_us = 0, 0
finished = false
local marker

function init(args)
  local dir = os.getenv("BENCH_REQ_DIR") or error("BENCH_REQ_DIR is not set")
  local path = os.getenv("BENCH_PATH") or error("BENCH_PATH is not set")
  local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN is not set")
  local prefix = os.getenv("BENCH_SCAN_PREFIX") or "r"
  local file = dir .. "/req." .. tid
  marker = dir .. "/done." .. tid .. "." .. prefix
  for line in io.lines(file) do
    local n, body = line:match("^(%d+)\t(.*)$")
    if not n then error("malformed line in " .. file) end
    total = total + 1
    index_of[total] = n
    requests[total] = wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. token,
      ["X-Request-Id"] = "bench." .. n,
    }, (body:gsub("@@", prefix, 1)))
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
  if reserved == 0 then
    return requests[1]
  end
  if issued >= total then
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
  local result = body and body:match('"result":"([%a_]+)"') or "none"
  result_counts[result] = (result_counts[result] or 0) + 1
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

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  local k = math.ceil(p / 100 * #sorted)
  if k < 1 then k = 1 end
  return sorted[k]
end

function done(summary, latency, requests_stats)
  local sent, answered_all, ok, extra_all, unmatched_all = 0, 0, 0, 0, 0
  local first, last = math.huge, 0
  local all, statuses, results = {}, {}, {}
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
    for r, count in pairs(thread:get("result_counts") or {}) do results[r] = (results[r] or 0) + count end
  end
  table.sort(all)
  if first == math.huge then first = 0 end
  local codes, kinds = {}, {}
  for code, count in pairs(statuses) do codes[#codes + 1] = code .. ":" .. count end
  for r, count in pairs(results) do kinds[#kinds + 1] = r .. ":" .. count end
  table.sort(codes)
  table.sort(kinds)
  local out = {
    sent = sent, answered = answered_all, ok2xx = ok, non2xx = answered_all - ok,
    unanswered = sent - answered_all + extra_all, extra = extra_all, unmatched = unmatched_all,
    first_us = string.format("%.0f", first), last_us = string.format("%.0f", last),
    lat_n = #all, p50_us = percentile(all, 50), p90_us = percentile(all, 90), p99_us = percentile(all, 99),
    p999_us = percentile(all, 99.9), max_us = all[#all] or 0,
    statuses = #codes > 0 and table.concat(codes, ",") or "-",
    results = #kinds > 0 and table.concat(kinds, ",") or "-",
    admitted = results["admitted"] or 0, already_admitted = results["already_admitted"] or 0,
    socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
  }
  local keys = {}
  for k in pairs(out) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do io.write("BENCH ", k, " ", tostring(out[k]), "\n") end
end
