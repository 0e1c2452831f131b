-- wrk script for ops/bench/checkin: replays pre-signed ticket scans, each exactly once.
--
-- Environment (set by ops/bench/checkin):
--   BENCH_REQ_DIR     directory with req.1 .. req.T written by SignTickets.java (one per wrk thread)
--   BENCH_PATH        /api/events/<id>/checkins
--   BENCH_TOKEN       the scanner's session token
--   BENCH_SCAN_PREFIX replaces "@@" in every scan id: one signed plan serves several rounds
--
-- The "each request exactly once" machinery is once.lua's (shared with webhooks.lua): delay() hands out one
-- slot per request of the thread's slice and then parks the connection; response() stops the thread when
-- its slice is answered and leaves a marker file for the driver. Latency is measured there per request
-- (X-Request-Id, echoed by the API). Here each answer's "result" is counted.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "once.lua")

result_counts = {}  -- each answer's "result" (admitted, already_admitted, ...)

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

function on_answer(status, body)
  local result = body and body:match('"result":"([%a_]+)"') or "none"
  result_counts[result] = (result_counts[result] or 0) + 1
end

function done(summary, latency, requests_stats)
  report(summary, latency, function(out)
    local results = {}
    for _, thread in ipairs(threads) do
      for r, count in pairs(thread:get("result_counts") or {}) do results[r] = (results[r] or 0) + count end
    end
    out.results = joined(results)
    out.admitted = results["admitted"] or 0
    out.already_admitted = results["already_admitted"] or 0
    out.socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  end)
end
