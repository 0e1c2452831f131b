-- ops/bench/reads.lua: wrk script of ops/bench/reads.
--
--   wrk ... -s reads.lua URL -- IDS_FILE    GET /api/communities/{id}, cycling over every id of IDS_FILE
--                                           (one UUID a line); each thread starts at its own offset
--   wrk ... -s reads.lua URL                GET URL as given (with wrk's -H headers), e.g. the directory
--
-- done() (wrk's main Lua state, after every thread has ended) prints "BENCH key value" lines that
-- ops/bench/reads reads: requests, rps, latency percentiles (ms) and errors.

local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local paths = {}
local idx = 0

function init(args)
  local file = args[1]
  if file ~= nil and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then paths[#paths + 1] = "/api/communities/" .. line end
    end
    -- Spread the threads over the list (tid is set before init runs).
    idx = ((tid or 0) * 7919) % math.max(#paths, 1)
  end
end

function request()
  if #paths == 0 then return wrk.format() end
  idx = idx % #paths + 1
  return wrk.format("GET", paths[idx])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("BENCH requests %d\n", summary.requests))
  io.write(string.format("BENCH seconds %.3f\n", seconds))
  io.write(string.format("BENCH rps %.1f\n", summary.requests / seconds))
  io.write(string.format("BENCH p50_ms %.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("BENCH p90_ms %.3f\n", latency:percentile(90) / 1000))
  io.write(string.format("BENCH p99_ms %.3f\n", latency:percentile(99) / 1000))
  io.write(string.format("BENCH max_ms %.3f\n", latency.max / 1000))
  io.write(string.format("BENCH non2xx %d\n", e.status))
  io.write(string.format("BENCH errors %d\n", e.connect + e.read + e.write + e.timeout))
end
